"""The site snapshot (pagecache/snapshot.py): what every page needs, without queries, and
never out of date after an editor's change."""

import time

from django.core.cache import cache
from wagtail.models import PageViewRestriction, Site

from blog.models import CommentSettings
from home.models import ContentPage
from pagecache import snapshot
from pagecache.tags import SITE, changed_key
from tests.builders import make_post, paragraph, publish
from tests.html import soup, text_of, texts_of


def page(client, url, status=200):
    return soup(client.get(url), status)


def menu(client, url="/"):
    return texts_of(page(client, url), ".site-nav a")


def test_a_page_under_home_costs_no_query_once_the_snapshot_is_made(
    client, site_tree, django_assert_num_queries
):
    page(client, "/about/")
    with django_assert_num_queries(0):
        html = page(client, "/about/")
    assert text_of(html, "h1") == "About"


def test_a_renamed_section_shows_in_the_navigation_at_once(client, site_tree):
    assert menu(client) == ["Home", "Blog", "About", "New Here?"]
    site_tree.about.title = "About me"
    publish(site_tree.about)
    assert menu(client) == ["Home", "Blog", "About me", "New Here?"]
    assert text_of(page(client, "/about/"), "h1") == "About me"


def test_a_new_page_answers_at_once_and_an_unpublished_one_is_gone(client, site_tree):
    page(client, "/")
    colophon = ContentPage(
        title="Colophon", slug="colophon", body=paragraph("<p>Type.</p>"), live=False
    )
    site_tree.home.add_child(instance=colophon)
    page(client, "/colophon/", status=404)  # a draft
    publish(colophon)
    assert text_of(page(client, "/colophon/"), "h1") == "Colophon"
    colophon.unpublish()
    page(client, "/colophon/", status=404)


def test_the_home_page_follows_its_blog_being_unpublished_and_published(client, site_tree):
    # The home page finds its blog in the snapshot: it must not list a blog's posts, or
    # link to it, once the blog is unpublished, and must again once it is back.
    make_post(site_tree.blog, "On the front page")

    def front():
        html = page(client, "/")
        titles = texts_of(html, ".post-card__title")
        return "On the front page" in titles, "All posts →" in text_of(html)

    assert front() == (True, True)
    site_tree.blog.unpublish()
    assert front() == (False, False)
    publish(site_tree.blog)
    assert front() == (True, True)


def test_a_page_added_live_without_a_revision_answers_at_once(client, site_tree):
    # As scripts and imports may add pages: no publish signal, only the save.
    page(client, "/")
    site_tree.home.add_child(
        instance=ContentPage(
            title="Now", slug="now", body=paragraph("<p>Today.</p>"), show_in_menus=True
        )
    )
    assert text_of(page(client, "/now/"), "h1") == "Now"
    assert menu(client) == ["Home", "Blog", "About", "New Here?", "Now"]


def test_an_alias_keeps_its_sources_view_restriction(client, site_tree):
    PageViewRestriction.objects.create(
        page=site_tree.about, restriction_type=PageViewRestriction.LOGIN
    )
    page(client, "/")
    site_tree.about.create_alias(parent=site_tree.home, update_slug="about-me")
    response = client.get("/about-me/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_moved_page_answers_at_its_new_address_at_once(client, site_tree):
    page(client, "/new-here/")
    site_tree.new_here.move(site_tree.about, pos="last-child")
    assert text_of(page(client, "/about/new-here/"), "h1") == "New Here?"
    # Wagtail keeps the old address as a redirect to the new one.
    response = client.get("/new-here/")
    assert (response.status_code, response["Location"]) == (301, "/about/new-here/")


def test_a_view_restriction_applies_at_once(client, site_tree):
    post = make_post(site_tree.blog, "Soon private")
    page(client, post.url)
    restriction = PageViewRestriction.objects.create(
        page=site_tree.blog, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(post.url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    restriction.delete()
    page(client, post.url)


def test_a_post_made_private_leaves_listings_and_search_at_once(client, site_tree):
    post = make_post(site_tree.blog, "Soon hidden niche notes")
    listings = ["/", "/blog/", "/blog/feed/", "/search/?q=niche"]
    for url in listings:
        assert post.url in client.get(url).content.decode(), url
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.LOGIN
    )
    for url in listings:
        assert post.url not in client.get(url).content.decode(), url
    restriction.delete()
    for url in listings:
        assert post.url in client.get(url).content.decode(), url


def test_response_settings_apply_at_once(client, site_tree):
    post = make_post(site_tree.blog, "Open for responses")
    assert page(client, post.url).select_one("#respond form") is not None
    settings = CommentSettings.load()
    settings.close_after_days = 1
    settings.save()
    html = page(client, post.url)
    assert html.select_one("#respond form") is None
    assert text_of(html, ".responses__closed") == "Comments are closed."


def test_a_site_renamed_shows_at_once(client, site_tree):
    page(client, "/")
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Micro Experts"
    site.save()
    assert text_of(page(client, "/"), ".site-title a") == "Micro Experts"


def test_links_follow_a_renamed_home_page_at_once(client, site_tree):
    # Page URLs come from the sites' root paths held in the snapshot: a new slug for
    # the home page changes every page's tree path, and no link may break or keep it.
    make_post(site_tree.blog, "Still here")
    assert page(client, "/").select_one(".site-nav a[href='/about/']")
    site_tree.home.slug = "start"
    publish(site_tree.home)
    html = page(client, "/blog/still-here/")
    assert [a["href"] for a in html.select(".site-nav a")] == [
        "/",
        "/blog/",
        "/about/",
        "/new-here/",
    ]
    assert html.select_one(".responses__feed a")["href"] == "/blog/still-here/responses/feed/"
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/blog/still-here/" in sitemap, sitemap


def test_a_copy_left_by_the_previous_release_is_not_read(client, site_tree):
    # Earlier releases kept their copies, of other classes, under these keys; after an
    # upgrade the site must answer without anyone flushing the cache.
    old = snapshot.build(time.time())
    del old.__dict__["site_root_paths"]
    for layout in ("site-lookups", "site-lookups:2"):
        cache.set_many({f"{layout}:data": old, f"{layout}:made": old.made}, timeout=None)
    assert text_of(page(client, "/about/"), "h1") == "About"
    assert page(client, "/blog/").select_one(".site-nav a[href='/about/']")


def test_a_copy_made_before_a_change_is_not_used(client, site_tree):
    # A request that read the rows before a change committed stores its copy after the
    # change forgot the old one: the change's time, recorded at commit, rules it out.
    snapshot.get()
    changed_at = time.time()
    cache.set(changed_key(SITE), changed_at, timeout=None)
    new = snapshot.get()
    assert new.made > changed_at
    assert snapshot.get() is new  # then kept


def test_an_unknown_host_gets_the_default_site(client, site_tree, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    page(client, "/about/")
    response = client.get("/about/", headers={"host": "other.example"})
    assert response.status_code == 200
    assert text_of(soup(response), "h1") == "About"


def test_switched_off_every_request_reads_the_database(
    client, site_tree, settings, django_assert_num_queries
):
    settings.SITE_LOOKUPS = False
    page(client, "/about/")
    # The site, the home page's type, the page and its type, two for restrictions, the menu.
    with django_assert_num_queries(7):
        html = page(client, "/about/")
    assert text_of(html, "h1") == "About"
    assert menu(client) == ["Home", "Blog", "About", "New Here?"]


def test_wagtail_reads_the_site_and_root_paths_handed_to_it(
    rf, site_tree, django_assert_num_queries
):
    # pagecache/wagtail_request.py sets two private attributes Wagtail reads; if an upgrade
    # stops reading them, every page costs a query more and this fails.
    from wagtail.models.sites import SiteRootPath

    from pagecache.wagtail_request import remember_site

    site = Site.objects.get(is_default_site=True)
    handed = Site(hostname="handed.example", port=443, root_page=site.root_page)
    request = rf.get("/")
    root_paths = [SiteRootPath(site.pk, site.root_page.url_path, "https://handed.example", "en")]
    remember_site(request, handed, root_paths)
    with django_assert_num_queries(0):
        assert Site.find_for_request(request) is handed
        url = site_tree.about.get_full_url(request)
    assert url == "https://handed.example/about/"
