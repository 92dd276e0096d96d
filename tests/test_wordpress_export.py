"""`manage.py export_wordpress`: the site as WXR 1.2, in WordPress's own structure,
that `import_wordpress` reads back into the same site."""

from io import StringIO
from pathlib import Path

import pytest
from defusedxml.ElementTree import parse
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django_comments_xtd.models import XtdComment
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import Page, PageViewRestriction, Site

from blog.models import BlogPostPage, BlogTag
from tests.wordpress import FIXTURES, SEED_EXPORT, UPLOADS, run_import
from wordpress.models import WordPressItem

WP = "{http://wordpress.org/export/1.2/}"
FOR_THE_ROUND_TRIP = [
    "threaded-comments.xml",
    "post-states.xml",
    "categories.xml",
    "pages.xml",
    "shortcodes.xml",
    "unicode.xml",
]


def export(path):
    out = StringIO()
    call_command("export_wordpress", str(path), stdout=out)
    return out.getvalue()


def normalised_body(page):
    """A body without block ids, page links named by the page's path, images by title."""
    pages = dict(Page.objects.values_list("pk", "url_path"))
    images = dict(Image.objects.values_list("pk", "title"))
    blocks = []
    for block in page.body.raw_data:
        value = block["value"]
        if block["type"] == "paragraph":
            value = value.replace('linktype="page" id="', 'linktype="page" path="')
            for pk, url_path in pages.items():
                value = value.replace(f'path="{pk}"', f'path="{url_path}"')
        elif block["type"] == "image":
            value = {**value, "image": {**value["image"], "image": images[value["image"]["image"]]}}
        blocks.append((block["type"], value))
    return blocks


def everything():
    """All a reader or an editor would compare after a move, ids aside."""
    posts = {}
    for post in BlogPostPage.objects.order_by("path"):
        restriction = PageViewRestriction.objects.filter(page=post).first()
        posts[post.slug] = (
            post.title,
            post.date,
            post.first_published_at,
            post.live,
            post.go_live_at,
            post.summary,
            post.comments_open,
            post.author.get_username() if post.author else None,
            sorted(post.tags.values_list("name", flat=True)),
            (restriction.restriction_type, restriction.password) if restriction else None,
            normalised_body(post),
        )
    names = dict(XtdComment.objects.values_list("pk", "user_name"))
    responses = [
        (
            Page.objects.get(pk=r.object_pk).slug,
            r.user_name,
            r.user_email,
            r.user_url,
            r.comment,
            r.submit_date,
            r.ip_address,
            r.is_public,
            r.is_removed,
            r.level,
            names[r.parent_id],
            r.user.get_username() if r.user else None,
        )
        for r in XtdComment.objects.order_by("thread_id", "order")
    ]
    pages = [
        (
            page.url_path,
            page.title,
            page.specific_class.__name__,
            page.live,
            normalised_body(page.specific) if hasattr(page.specific, "body") else None,
        )
        for page in Page.objects.filter(depth__gt=2).not_type(BlogPostPage).order_by("path")
    ]
    tags = sorted(BlogTag.objects.values_list("name", "slug", "description"))
    users = sorted(
        get_user_model().objects.values_list("username", "email", "first_name", "last_name")
    )
    images = sorted(Image.objects.values_list("title", "width", "height", "file_hash"))
    return {
        "posts": posts,
        "responses": responses,
        "pages": pages,
        "tags": tags,
        "users": users,
        "images": images,
    }


def empty_the_database():
    for child in Page.get_first_root_node().get_children():
        child.delete()
    for model in (Site, BlogTag, XtdComment, Image, Redirect, WordPressItem):
        model.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_gives_the_same_site(site_tree, tmp_path):
    for name in FOR_THE_ROUND_TRIP:
        run_import(FIXTURES / name)
    run_import(FIXTURES / "images.xml", "--media-dir", UPLOADS)
    before = everything()
    assert len(before["posts"]) == 15 and len(before["responses"]) == 9
    assert len(before["images"]) == 2
    # The images' files, as a media folder to import them from.
    media = tmp_path / "media"
    for image in Image.objects.all():
        target = media / image.file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(image.file.name) as source:
            target.write_bytes(source.read())

    output = export(tmp_path / "site.xml")
    assert output.startswith("Wrote ") and "15 posts" in output and "9 responses" in output
    empty_the_database()
    run_import(tmp_path / "site.xml", "--media-dir", media)
    after = everything()
    for part in before:
        assert after[part] == before[part], part


@pytest.mark.django_db
def test_the_export_follows_wordpresss_own_structure(site_tree, tmp_path):
    run_import(SEED_EXPORT)
    run_import(FIXTURES / "post-states.xml")
    export(tmp_path / "site.xml")
    ours = parse(tmp_path / "site.xml").getroot()
    theirs = parse(SEED_EXPORT).getroot()
    text = (tmp_path / "site.xml").read_text()
    for declaration in (
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"',
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/"',
        'xmlns:dc="http://purl.org/dc/elements/1.1/"',
        'xmlns:wp="http://wordpress.org/export/1.2/"',
    ):
        assert declaration in text
    assert "<content:encoded><![CDATA[<!-- wp:paragraph -->" in text

    def structure(root, element):
        return {child.tag for child in root.iter(element) for child in child}

    # Every element WordPress writes, but wp:category: categories were imported as tags.
    for element in ("channel", "item", f"{WP}comment", f"{WP}author", f"{WP}tag", f"{WP}term"):
        expected = structure(theirs, element) - {f"{WP}category"}
        assert expected <= structure(ours, element), element
    channel = ours.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    items = {item.findtext(f"{WP}post_name"): item for item in channel.iter("item")}
    post = items["the-rise-of-the-micro-expert"]
    assert post.findtext(f"{WP}post_type") == "post" and post.findtext(f"{WP}status") == "publish"
    assert post.findtext(f"{WP}post_date_gmt") == "2008-12-15 09:30:00"
    assert post.findtext("link") == "http://testserver/blog/the-rise-of-the-micro-expert/"
    assert [c.get("nicename") for c in post.findall("category")] == [
        "internet",
        "long-tail",
        "micro-expert",
        "niche",
    ]
    assert len(post.findall(f"{WP}comment")) == 7
    states = {name: items[name].findtext(f"{WP}status") for name in items}
    assert states["a-draft"] == "draft" and states["from-the-future"] == "future"
    assert states["members-only"] == "private" and states["secret"] == "publish"
    assert items["secret"].findtext(f"{WP}post_password") == "opensesame"
    assert items["a-draft"].findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00"
    about = next(i for i in items.values() if i.findtext("title") == "About")
    assert about.findtext(f"{WP}post_type") == "page"


@pytest.mark.django_db
def test_cdata_that_holds_its_own_end_marker(site_tree, tmp_path):
    run_import(SEED_EXPORT)
    post = BlogPostPage.objects.get()
    post.summary = "Arrays: a[b[0]]> c, and a control character \x07 gone"
    post.save_revision().publish()
    export(tmp_path / "site.xml")
    item = parse(tmp_path / "site.xml").getroot().find("channel/item")
    excerpt = item.findtext("{http://wordpress.org/export/1.2/excerpt/}encoded")
    assert excerpt == "Arrays: a[b[0]]> c, and a control character  gone"


@pytest.mark.django_db
def test_export_to_standard_output(site_tree):
    run_import(SEED_EXPORT)
    out = StringIO()
    call_command("export_wordpress", "-", stdout=out)
    assert out.getvalue().startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    assert out.getvalue().rstrip().endswith("</rss>")


@pytest.mark.django_db
def test_export_errors_are_clear(site_tree, tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        export(tmp_path / "missing" / "site.xml")
    Site.objects.all().delete()
    with pytest.raises(CommandError, match="There is no site with a home page"):
        export(tmp_path / "site.xml")
    assert not list(Path(tmp_path).iterdir())
