"""Old WordPress links keep working: a 301 from each old address to the new page,
through wagtail.contrib.redirects and the real client."""

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from blog.models import BlogPostPage
from home.models import AboutPage, HomePage, NewHerePage
from tests.wordpress import SEED_EXPORT, run_import, table_row

POST_URL = "/blog/the-rise-of-the-micro-expert/"


@pytest.fixture
def imported(site_tree):
    return run_import(SEED_EXPORT)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old,new",
    [
        ("/2008/12/15/the-rise-of-the-micro-expert/", POST_URL),
        ("/2008/12/15/the-rise-of-the-micro-expert", POST_URL),
        ("/?p=4", POST_URL),
        ("/?p=4&replytocom=3", POST_URL),
        ("/2008/12/15/the-rise-of-the-micro-expert/feed/", POST_URL + "responses/feed/"),
        ("/?page_id=5", "/about/"),
        ("/?p=6", "/new-here/"),
        ("/tag/long-tail/", "/blog/tag/long-tail/"),
        ("/tag/long-tail/feed/", "/blog/tag/long-tail/feed/"),
        ("/?tag=niche", "/blog/tag/niche/"),
        ("/category/uncategorized/", "/blog/"),
        ("/feed/", "/blog/feed/"),
        ("/feed/atom/", "/blog/feed/atom/"),
        ("/?feed=rss2", "/blog/feed/"),
        ("/comments/feed/", "/blog/responses/feed/"),
        ("/2008/12/", "/blog/2008/12/"),
        ("/2008/", "/blog/2008/"),
        ("/2008/12/15/", "/blog/2008/12/"),
        ("/?m=200812", "/blog/2008/12/"),
    ],
)
def test_old_links_answer_301_to_the_new_page(imported, client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)
    assert client.get(new).status_code == 200


@pytest.mark.django_db
def test_the_home_page_still_answers_its_own_queries(imported, client):
    assert client.get("/").status_code == 200
    assert client.get("/?utm_source=news").status_code == 200
    assert client.get("/?p=999").status_code == 200  # no such post: the home page


@pytest.mark.django_db
def test_addresses_the_new_site_answers_itself_get_no_redirect(imported, client):
    # WordPress's About was at /about/, as it is here: a redirect would loop.
    assert not Redirect.objects.filter(old_path__in=["/about", "/new-here"]).exists()
    assert client.get("/about/").status_code == 200


@pytest.mark.django_db
def test_redirects_follow_the_page_when_it_moves(imported, client):
    post = BlogPostPage.objects.get()
    post.slug = "micro-experts"
    post.save_revision().publish()
    response = client.get("/?p=4")
    assert response["Location"] == "/blog/micro-experts/"


@pytest.mark.django_db
def test_running_twice_keeps_one_redirect_per_address(imported):
    count = Redirect.objects.count()
    output = run_import(SEED_EXPORT)
    assert Redirect.objects.count() == count
    assert table_row(output, "redirects") == (0, 0, count, 0)
    redirect = Redirect.objects.get(old_path="/?p=4")
    assert redirect.is_permanent and redirect.redirect_page.specific == BlogPostPage.objects.get()
    targets = dict(Redirect.objects.values_list("old_path", "redirect_page_id"))
    assert targets["/?page_id=5"] == AboutPage.objects.get().pk
    assert targets["/?p=6"] == NewHerePage.objects.get().pk


@pytest.mark.django_db
def test_a_private_home_page_asks_for_its_password_before_redirecting(imported, client):
    PageViewRestriction.objects.create(
        page=HomePage.objects.get(), restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    response = client.get("/?p=4")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
