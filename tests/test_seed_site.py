"""`manage.py seed_site` builds the seed blog, and running it again changes nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from blog.models import BlogPostPage, BlogTag
from home.models import AboutPage, HomePage, NewHerePage
from tests.html import soup, text_of, texts_of


def seed(*args):
    out = StringIO()
    call_command("seed_site", *args, stdout=out)
    return out.getvalue()


def tree_snapshot():
    pages = Page.objects.order_by("path").values_list(
        "path", "title", "slug", "live", "content_type__model"
    )
    tags = BlogTag.objects.order_by("slug").values_list("name", "slug")
    return list(pages), list(tags), list(Site.objects.values_list("site_name", "root_page"))


@pytest.mark.django_db
def test_seed_builds_the_seed_blog(client):
    seed()
    site = Site.objects.get(is_default_site=True)
    assert site.site_name == "Ben Young"
    assert isinstance(site.root_page.specific, HomePage)
    # Wagtail's "Welcome" placeholder is gone: home is the root's only child.
    assert Page.get_first_root_node().get_children().count() == 1

    post = BlogPostPage.objects.get()
    assert post.title == "The Rise of the Micro Expert"
    assert post.date == datetime.date(2008, 12, 15)
    assert post.author_name == "Ben Young"
    assert post.live and post.url == "/blog/the-rise-of-the-micro-expert/"
    assert sorted(t.name for t in post.tags.all()) == [
        "internet",
        "long tail",
        "micro expert",
        "niche",
    ]

    page = soup(client.get(post.url))
    body = page.select_one(".post-body")
    text = text_of(body)
    # The author's own words, typos included.
    assert "for example I’ve found Iam an micro expert in:" in text
    assert "With this in mind you can really do what you love and make a few bucks" in text
    items = texts_of(body, "ul > li")
    assert items == [
        "Managing virtual teams across multiple countries, time zones and long time periods",
        "Twitter Evangelist: the art of using twitter",
        "Bootstrapped Marketing",
    ]
    assert text_of(page, "time") == "December 15th, 2008"

    assert AboutPage.objects.get().live
    new_here = NewHerePage.objects.get()
    new_here_page = client.get(new_here.url).content.decode()
    assert 'href="/blog/the-rise-of-the-micro-expert/"' in new_here_page
    assert [link.post_id for link in new_here.start_here_posts.all()] == [post.pk]


@pytest.mark.django_db
def test_seed_twice_gives_the_same_tree():
    seed()
    first = tree_snapshot()
    assert "nothing to add" in seed()
    assert tree_snapshot() == first


@pytest.mark.django_db
def test_seed_keeps_editors_changes_and_if_empty_skips():
    seed()
    post = BlogPostPage.objects.get()
    post.title = "Edited by the author"
    post.save_revision().publish()
    seed()
    assert BlogPostPage.objects.get().title == "Edited by the author"
    assert "skipped" in seed("--if-empty")
