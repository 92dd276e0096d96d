"""An editor writes and publishes through the real Wagtail admin views."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from blog.models import BlogPostPage, BlogTag
from tests.builders import make_author, make_tag


@pytest.fixture
def editor(db, client):
    user = make_author("editor", "Eddie", "Tor")
    user.set_password("correct horse battery staple")
    user.save()
    # Wagtail's own "Moderators" group: add, edit and publish pages, manage
    # snippets. ("Editors" may write drafts but not publish.)
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user


def test_editor_creates_and_publishes_a_post_with_body_and_tags(client, site_tree, editor):
    make_tag("niche")
    url = reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", site_tree.blog.pk))
    assert client.get(url).status_code == 200

    data = nested_form_data(
        {
            "title": "Micro experts, ten years on",
            "slug": "micro-experts-ten-years-on",
            "date": "2018-12-15",
            "author": editor.pk,
            "summary": "What changed for the micro expert.",
            "body": streamfield(
                [
                    ("heading", {"text": "Then", "level": "h2"}),
                    ("paragraph", rich_text("<p>We were <b>all</b> micro experts.</p>")),
                    ("code", {"language": "python", "source": "print('<hi>')"}),
                ]
            ),
            "tags": "niche, hindsight",
            "action-publish": "action-publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    post = BlogPostPage.objects.get(slug="micro-experts-ten-years-on")
    assert post.live
    assert [block.block_type for block in post.body] == ["heading", "paragraph", "code"]
    assert sorted(tag.name for tag in post.tags.all()) == ["hindsight", "niche"]
    # The new tag became a snippet editors can describe.
    assert BlogTag.objects.filter(name="hindsight").exists()

    index = client.get("/blog/").content.decode()
    assert "Micro experts, ten years on" in index
    page = client.get(post.url).content.decode()
    assert "<b>all</b>" in page
    assert "print(&#x27;&lt;hi&gt;&#x27;)" in page
    assert "December 15th, 2018" in page


def test_publishing_without_a_title_shows_the_error_and_keeps_the_draft(client, site_tree, editor):
    url = reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", site_tree.blog.pk))
    data = nested_form_data(
        {
            "title": "",
            "slug": "untitled",
            "date": "2018-12-15",
            "summary": "Kept when the form comes back.",
            "body": streamfield([]),
            "tags": "",
            "action-publish": "action-publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Kept when the form comes back." in response.content.decode()
    assert not BlogPostPage.objects.filter(slug="untitled").exists()


def test_editor_manages_tags_under_snippets(client, site_tree, editor):
    index = reverse("wagtailsnippets_blog_blogtag:list")
    response = client.get(index)
    assert response.status_code == 200

    add = reverse("wagtailsnippets_blog_blogtag:add")
    response = client.post(
        add, {"name": "long tail", "slug": "", "description": "The many small markets."}
    )
    assert response.status_code == 302
    tag = BlogTag.objects.get(name="long tail")
    assert tag.slug == "long-tail"
    assert "long tail" in client.get(index).content.decode()
    assert client.get(f"{index}?q=long").status_code == 200


def test_editor_picks_start_here_posts_on_new_here(client, site_tree, editor):
    from tests.builders import make_post

    post = make_post(site_tree.blog, "First read")
    url = reverse("wagtailadmin_pages:edit", args=(site_tree.new_here.pk,))
    assert client.get(url).status_code == 200
    data = nested_form_data(
        {
            "title": "New Here?",
            "slug": "new-here",
            "body": streamfield([("paragraph", rich_text("<p>Welcome.</p>"))]),
            "start_here_posts": inline_formset([{"post": post.pk, "note": "Begin here."}]),
            "action-publish": "action-publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Begin here." in client.get("/new-here/").content.decode()


def test_admin_login_page(client, db):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200


def test_a_second_author_is_listed(site_tree):
    author = make_author("simon", "Simon", "Young")
    assert author.get_full_name() == "Simon Young"
