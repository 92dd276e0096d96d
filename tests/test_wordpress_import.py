"""`manage.py import_wordpress`: a WordPress export (WXR) into the site, through the
real command and database. Responses and redirects have files of their own."""

import datetime
import re
import shutil
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django_comments_xtd.models import XtdComment
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import Page, PageViewRestriction, Revision, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import BlogIndexPage, BlogPostPage, BlogTag, PostEmail, Subscriber
from home.models import AboutPage, ContentPage, HomePage, NewHerePage
from tests.builders import build_site
from tests.queries import count_queries
from tests.wordpress import FIXTURES, SEED_EXPORT, UPLOADS, run_import, table_row
from wordpress.models import WordPressItem
from wordpress.report import Progress, Report

UTC = datetime.UTC


@pytest.fixture
def empty_site(db):
    """A migrated database with nothing but Wagtail's root page: no home, no site."""
    for child in Page.get_first_root_node().get_children():
        child.delete()
    Site.objects.all().delete()


def stored_images():
    if not default_storage.exists("original_images"):
        return []
    return sorted(default_storage.listdir("original_images")[1])


def counts():
    models = [Page, BlogTag, XtdComment, Redirect, WordPressItem, Image, Revision, Site]
    return {model.__name__: model.objects.count() for model in [*models, get_user_model()]}


def site_snapshot():
    """What a reader and an editor see of the site, in comparable form."""
    posts = [
        (
            post.title,
            post.slug,
            post.date,
            post.first_published_at,
            post.live,
            post.author.get_full_name() if post.author else None,
            sorted(tag.name for tag in post.tags.all()),
        )
        for post in BlogPostPage.objects.order_by("path")
    ]
    responses = [
        (
            response.user_name,
            response.user_email,
            response.user_url,
            response.submit_date,
            response.is_public,
            response.is_removed,
            response.level,
            response.parent_id == response.pk,
            response.user.get_username() if response.user else None,
        )
        for response in XtdComment.objects.order_by("thread_id", "order")
    ]
    pages = [
        (page.depth, page.title, page.slug, page.specific_class.__name__, page.live)
        for page in Page.objects.filter(depth__gt=1).order_by("path")
    ]
    site = Site.objects.get(is_default_site=True)
    return {
        "posts": posts,
        "tags": sorted(BlogTag.objects.values_list("name", "slug")),
        "responses": responses,
        "pages": pages,
        "site": (site.site_name, site.root_page.title),
    }


# The real export of the seed blog ---------------------------------------------------


@pytest.mark.django_db
def test_the_seed_export_gives_the_seed_site(empty_site):
    """WordPress 6.1's export of the seed blog, imported into an empty site, is the site
    `seed_site` builds: the same post, tags, seven responses and pages."""
    call_command("seed_site", stdout=StringIO())
    seeded = site_snapshot()
    for child in Page.get_first_root_node().get_children():
        child.delete()
    Site.objects.all().delete()
    BlogTag.objects.all().delete()
    XtdComment.objects.all().delete()
    get_user_model().objects.all().delete()

    output = run_import(SEED_EXPORT)
    imported = site_snapshot()
    assert imported == seeded
    assert table_row(output, "posts") == (1, 0, 0, 0)
    assert table_row(output, "responses") == (7, 0, 0, 0)
    assert table_row(output, "categories") == (0, 0, 0, 1)  # "Uncategorized"

    post = BlogPostPage.objects.get()
    text = " ".join(block.render() for block in post.body)
    assert "for example I've found I am a micro expert in:" in text  # the export's words
    assert "<li>Bootstrapped Marketing</li>" in text
    # Links to the old site's posts and pages are page links now.
    new_here = NewHerePage.objects.get()
    value = new_here.body.raw_data[0]["value"]
    assert f'linktype="page" id="{post.pk}"' in value
    assert f'linktype="page" id="{AboutPage.objects.get().pk}"' in value
    assert 'href="/blog/feed/"' in value
    ben = get_user_model().objects.get(username="ben")
    assert (ben.email, ben.has_usable_password()) == ("ben@example.com", False)


@pytest.mark.django_db
def test_importing_into_the_seeded_site_updates_it_in_place():
    call_command("seed_site", stdout=StringIO())
    before = counts()
    output = run_import(SEED_EXPORT)
    after = counts()
    for model in ("Page", "BlogTag", "XtdComment", "Site", "User"):
        assert after[model] == before[model], model
    assert table_row(output, "posts") == (0, 1, 0, 0)
    assert table_row(output, "responses") == (0, 7, 0, 0)
    # The export's texts replaced the seed's.
    assert XtdComment.objects.order_by("thread_id").first().comment.startswith("Great post Ben.")


@pytest.mark.django_db
def test_a_fresh_wagtail_database_gets_a_home_blog_and_site():
    # Wagtail's own "Welcome" page is still there: it gives way, as in seed_site.
    assert not HomePage.objects.exists()
    run_import(FIXTURES / "threaded-comments.xml")
    site = Site.objects.get()
    home = site.root_page.specific
    assert isinstance(home, HomePage) and home.live
    assert (home.title, site.site_name) == ("Threads", "Threads")
    assert "Talking it over" in home.intro
    assert BlogIndexPage.objects.child_of(home).get().live
    assert Page.get_first_root_node().get_children().count() == 1


# Posts in every state ---------------------------------------------------------------


@pytest.fixture
def states(site_tree):
    return run_import(FIXTURES / "post-states.xml")


def post(slug):
    return BlogPostPage.objects.get(slug=slug)


@pytest.mark.django_db
def test_published_posts_keep_their_dates_author_summary_and_state(states, client):
    published = post("published")
    assert published.live and not published.has_unpublished_changes
    assert published.first_published_at == datetime.datetime(2010, 3, 1, 8, tzinfo=UTC)
    assert published.date == datetime.date(2010, 3, 1)
    assert published.summary == "The summary of it."
    assert published.author.username == "ann" and published.author_name == "Ann Author"
    assert published.live_revision_id == published.latest_revision_id is not None
    assert client.get(published.url).status_code == 200
    assert post("closed").comments_open is False and published.comments_open is True


@pytest.mark.django_db
def test_drafts_scheduled_private_and_password_posts(states, client):
    for slug in ("a-draft", "pending-review"):
        draft = post(slug)
        assert not draft.live and draft.has_unpublished_changes and draft.latest_revision_id
        assert draft.first_published_at is None
    assert post("a-draft").slug == "a-draft"  # WordPress gave the draft no slug

    future = post("from-the-future")
    assert not future.live and future.go_live_at == datetime.datetime(2099, 1, 1, 12, tzinfo=UTC)
    revision = future.latest_revision
    assert revision.approved_go_live_at == future.go_live_at  # as the admin schedules
    assert future.first_published_at is None

    missed = post("missed-schedule")
    assert missed.live and missed.go_live_at is None

    members = post("members-only")
    assert members.live
    assert PageViewRestriction.objects.get(page=members).restriction_type == "login"
    assert client.get(members.url).status_code == 302  # to the login page
    secret = PageViewRestriction.objects.get(page=post("secret"))
    assert (secret.restriction_type, secret.password) == ("password", "opensesame")


@pytest.mark.django_db
def test_items_that_cannot_be_imported_are_skipped_and_reported(states):
    titles = set(BlogPostPage.objects.values_list("title", flat=True))
    assert {"Binned", "Auto", "No ID", "Bad date", "Home"}.isdisjoint(titles)
    assert len(titles) == 8
    assert table_row(states, "posts") == (8, 0, 0, 4)
    assert "2 malformed; 1 in the trash; 1 automatic drafts" in states
    assert table_row(states, "other items") == (0, 0, 0, 1)
    assert "post 31 “Bad date”: skipped: bad date “yesterday”" in states
    assert "post ? “No ID”: skipped: no wp:post_id" in states


@pytest.mark.django_db
def test_unmapped_authors_become_users_without_a_password(states):
    guest = get_user_model().objects.get(username="guest_writer")  # "guest writer"
    assert not guest.has_usable_password()
    assert (guest.email, guest.first_name) == ("guest@example.com", "Gus Guest")
    assert post("pending-review").author == guest


@pytest.mark.django_db
def test_authors_map_to_existing_users(site_tree):
    editor = get_user_model().objects.create(username="editor", first_name="Ed")
    existing_ann = get_user_model().objects.create(username="ann")
    run_import(FIXTURES / "post-states.xml", "--author", "guest writer=editor")
    assert post("pending-review").author == editor
    assert post("published").author == existing_ann  # the user named like the login
    assert not get_user_model().objects.filter(username="guest_writer").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argument,message",
    [
        ("ann", "write it as wp_login=username"),
        ("ann=nobody", "there is no user named “nobody”"),
    ],
)
def test_a_bad_author_mapping_stops_before_anything_is_written(site_tree, argument, message):
    before = counts()
    with pytest.raises(CommandError, match=message):
        run_import(FIXTURES / "post-states.xml", "--author", argument)
    assert counts() == before


# Safe to run twice, and a dry run -----------------------------------------------------


@pytest.mark.django_db
def test_running_twice_changes_nothing(site_tree):
    run_import(FIXTURES / "post-states.xml")
    run_import(FIXTURES / "threaded-comments.xml")
    before = counts()
    snapshot = site_snapshot()
    output = run_import(FIXTURES / "post-states.xml")
    assert table_row(output, "posts") == (0, 0, 8, 4)
    output = run_import(FIXTURES / "threaded-comments.xml")
    assert table_row(output, "responses") == (0, 0, 8, 2)
    assert counts() == before and site_snapshot() == snapshot


@pytest.mark.django_db
def test_a_changed_export_updates_in_place(site_tree, tmp_path):
    run_import(FIXTURES / "threaded-comments.xml")
    post_id, response_ids = post("lets-talk").pk, set(XtdComment.objects.values_list("pk"))
    changed = tmp_path / "changed.xml"
    text = (FIXTURES / "threaded-comments.xml").read_text()
    text = text.replace("<![CDATA[Let's talk]]>", "<![CDATA[Let's talk it over]]>")
    text = text.replace("A reply to Al.", "A reply to Al, edited.")
    changed.write_text(text)
    output = run_import(changed)
    assert table_row(output, "posts") == (0, 1, 0, 0)
    assert table_row(output, "responses") == (0, 1, 7, 2)
    updated = post("lets-talk")
    assert (updated.pk, updated.title) == (post_id, "Let's talk it over")
    assert set(XtdComment.objects.values_list("pk")) == response_ids
    assert XtdComment.objects.filter(comment="A reply to Al, edited.").exists()
    assert Revision.objects.filter(object_id=str(post_id)).count() == 2


@pytest.mark.django_db
def test_force_rewrites_unchanged_items(site_tree):
    run_import(FIXTURES / "pages.xml")
    output = run_import(FIXTURES / "pages.xml", "--force")
    assert table_row(output, "pages") == (0, 8, 0, 0)
    assert ContentPage.objects.filter(title="Pricing").count() == 1


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_says_what_it_would_do(site_tree):
    before, files = counts(), stored_images()
    output = run_import(FIXTURES / "images.xml", "--media-dir", UPLOADS, "--dry-run", "-v", "2")
    assert counts() == before
    assert stored_images() == files
    assert table_row(output, "posts") == (2, 0, 0, 0)
    assert table_row(output, "images") == (2, 0, 0, 3)
    assert "new: post 75 “Market day” → /blog/market-day/ (publish)" in output
    assert "Dry run: nothing was written" in output


# Errors -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,message",
    [
        ("malformed.xml", r"not well-formed XML: no element found at line \d+, column \d+"),
        ("entity-expansion.xml", "refused to read it: it has a document type declaration"),
        ("not-wordpress.xml", "not a WordPress export"),
        ("no-such-file.xml", "cannot read it: No such file or directory"),
    ],
)
def test_a_bad_file_is_one_clear_line_and_nothing_written(site_tree, name, message):
    before = counts()
    with pytest.raises(CommandError, match=message) as raised:
        run_import(FIXTURES / name)
    assert "\n" not in str(raised.value)
    assert counts() == before


@pytest.mark.django_db
def test_a_missing_media_folder_is_an_error(site_tree):
    with pytest.raises(CommandError, match="--media-dir /nowhere: no such folder"):
        run_import(FIXTURES / "images.xml", "--media-dir", "/nowhere")


@pytest.mark.django_db
def test_one_failing_item_is_rolled_back_and_the_rest_imported(site_tree, monkeypatch):
    from wordpress import pages

    write = pages.PageWriter.write

    def fail_on_secret(self, item, *args, **kwargs):
        page = write(self, item, *args, **kwargs)
        if item.name == "secret":
            raise ValueError("the database said no")
        return page

    monkeypatch.setattr(pages.PageWriter, "write", fail_on_secret)
    output = run_import(FIXTURES / "post-states.xml")
    assert "post 26 “Secret”: skipped: the database said no" in output
    assert not BlogPostPage.objects.filter(slug="secret").exists()
    assert not PageViewRestriction.objects.filter(restriction_type="password").exists()
    assert BlogPostPage.objects.count() == 7


# No email -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_sends_no_email(site_tree, django_capture_on_commit_callbacks):
    Subscriber.objects.create(email="reader@example.com", status=Subscriber.CONFIRMED)
    get_user_model().objects.create_superuser("moderator", "moderator@example.com", "x")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(FIXTURES / "threaded-comments.xml")  # replies, and one held response
        run_import(FIXTURES / "post-states.xml")  # published, scheduled and past-due posts
        run_import(FIXTURES / "seed-blog-wordpress-6.1.wxr.xml")
    assert mail.outbox == []
    assert not PostEmail.objects.exists()


# Pages, categories, images, shortcodes, WXR 1.1, unicode ------------------------------


@pytest.mark.django_db
def test_pages_keep_their_hierarchy_and_the_singletons_are_updated(site_tree):
    about_pk, new_here_pk = site_tree.about.pk, site_tree.new_here.pk
    output = run_import(FIXTURES / "pages.xml")
    about, new_here = AboutPage.objects.get(), NewHerePage.objects.get()
    assert (about.pk, about.title) == (about_pk, "About me")
    assert (new_here.pk, new_here.title) == (new_here_pk, "New here?")
    services = ContentPage.objects.get(slug="services")
    consulting = ContentPage.objects.get(slug="consulting")
    pricing = ContentPage.objects.get(slug="pricing")
    assert services.get_parent().specific == site_tree.home
    assert consulting.get_parent().pk == services.pk and pricing.get_parent().pk == consulting.pk
    assert pricing.url == "/services/consulting/pricing/"
    assert services.show_in_menus and not pricing.show_in_menus
    assert ContentPage.objects.get(title="Drafty page").live is False
    # About takes no sub-pages: its child goes under home, and its old link redirects.
    assert ContentPage.objects.get(slug="team").get_parent().pk == site_tree.home.pk
    assert "“About me” takes no sub-pages here" in output
    assert ContentPage.objects.get(title="Blog").slug == "blog-2"
    # A link to a page imported later (the child) is a page link too.
    assert f'linktype="page" id="{pricing.pk}"' in consulting.body.raw_data[0]["value"]
    assert f'linktype="page" id="{about.pk}"' in pricing.body.raw_data[0]["value"]


@pytest.mark.django_db
def test_a_page_moved_in_wordpress_moves_here(site_tree, tmp_path, client):
    run_import(FIXTURES / "pages.xml")
    moved = tmp_path / "moved.xml"
    text = (FIXTURES / "pages.xml").read_text()
    moved.write_text(
        text.replace("<wp:post_parent>61</wp:post_parent>", "<wp:post_parent>60</wp:post_parent>")
    )
    output = run_import(moved)
    assert table_row(output, "pages") == (0, 1, 7, 0)
    pricing = ContentPage.objects.get(slug="pricing")
    assert pricing.url == "/services/pricing/"
    response = client.get("/services/consulting/pricing/")
    assert (response.status_code, response["Location"]) == (301, "/services/pricing/")


@pytest.mark.django_db
def test_tags_and_categories_become_tags(site_tree):
    output = run_import(FIXTURES / "categories.xml")
    tags = {tag.slug: tag for tag in BlogTag.objects.all()}
    assert set(tags) == {"business", "marketing", "niche", "unlisted"}
    assert tags["business"].name == "Business & Money"
    assert tags["business"].description == "Making a living from what you know."
    assert tags["marketing"].description == "Telling people about it."  # tag and category
    assert tags["niche"].description == "Small, specific interests."  # from wp:term
    sorting = post("sorting-things")
    assert sorted(tag.slug for tag in sorting.tags.all()) == sorted(tags)
    assert table_row(output, "categories") == (2, 0, 0, 1)
    assert sorting.first_published_at == datetime.datetime(2011, 6, 1, 7, tzinfo=UTC)
    assert sorting.date == datetime.date(2011, 6, 1)  # the date its readers saw
    value = sorting.body.raw_data[0]["value"]
    assert 'href="/blog/tag/marketing/"' in value and 'href="/blog/tag/niche/"' in value
    assert 'href="/blog/feed/"' in value
    assert 'href="http://elsewhere.example/x/"' in value
    assert 'href="http://sorted.example/wp-login.php"' in value  # not ours to answer


@pytest.mark.django_db
def test_images_come_from_the_uploads_folder_once_each(site_tree, tmp_path):
    uploads = tmp_path / "uploads"
    shutil.copytree(UPLOADS, uploads)
    output = run_import(FIXTURES / "images.xml", "--media-dir", uploads)
    images = {image.title: image for image in Image.objects.all()}
    assert set(images) == {"The market", "long-tail"}
    market = images["The market"]
    assert (market.width, market.height) == (8, 6)  # the original, not the 300x225 copy
    assert default_storage.exists(market.file.name)
    assert "1 not an image (documents are not imported)" in output
    assert "1 unreadable image files" in output and "1 file not in --media-dir" in output
    assert "image not found under --media-dir: http://pics.example/" in output

    day = post("market-day")
    image_block = next(block for block in day.body if block.block_type == "image")
    assert image_block.value["image"].pk == market.pk
    assert image_block.value["caption"] == "Saturday morning"
    tail = post("the-long-tail")
    shown = [block.value["image"].pk for block in tail.body if block.block_type == "image"]
    assert shown == [images["long-tail"].pk, market.pk]

    output = run_import(FIXTURES / "images.xml", "--media-dir", uploads, "--force")
    assert Image.objects.count() == 2
    assert table_row(output, "images")[0] == 0


@pytest.mark.django_db
def test_without_a_media_folder_images_stay_links(site_tree):
    output = run_import(FIXTURES / "images.xml")
    assert not Image.objects.exists()
    assert "5 no --media-dir given" in output
    value = post("market-day").body.raw_data[0]["value"]
    assert 'href="http://pics.example/wp-content/uploads/2008/12/market-300x225.jpg"' in value


@pytest.mark.django_db
def test_shortcodes_and_embeds(site_tree):
    output = run_import(FIXTURES / "shortcodes.xml")
    body = post("shortcodes").body
    assert [block.block_type for block in body] == [
        "paragraph",
        "embed",
        "embed",
        "embed",
        "code",
        "paragraph",
        "quote",
    ]
    assert body[1].value["url"].url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert body[4].value == {"language": "python", "source": 'def hello():\n    print("<hello>")'}
    assert "unknown shortcode kept as text: [gallery]" in output


@pytest.mark.django_db
def test_a_wxr_1_1_export(site_tree, client):
    output = run_import(FIXTURES / "wxr-1.1.xml")
    assert "WXR 1.1 from http://old.example/blog" in output
    hello = post("hello-world")
    assert sorted(tag.slug for tag in hello.tags.all()) == ["news", "old-times"]
    assert hello.author.username == "admin"
    assert XtdComment.objects.get().user_name == "Mr WordPress"
    assert AboutPage.objects.get().title == "About"
    # The blog lived in a sub-folder: its old addresses keep it.
    response = client.get("/blog/2007/05/01/hello-world/")
    assert (response.status_code, response["Location"]) == (301, hello.url)


@pytest.mark.django_db
def test_unicode_titles_slugs_tags_and_responses(site_tree, client):
    run_import(FIXTURES / "unicode.xml")
    cafe = post("東京のカフェ")
    assert cafe.title == "東京のカフェ & “quotes”"
    assert {(t.name, t.slug) for t in cafe.tags.all()} == {("日本", "日本"), ("Café", "cafe")}
    assert BlogTag.objects.get(slug="日本").description == "Posts about Japan — 日本について"
    response = XtdComment.objects.get()
    assert (response.user_name, response.comment) == ("Zoë Ångström", "素晴らしい！ 🙂 — שלום")
    assert response.submit_date == datetime.datetime(2013, 4, 1, 1, tzinfo=UTC)
    # Linked by its percent-encoded permalink, the later post is a page link.
    michi = post("みち")
    assert f'linktype="page" id="{michi.pk}"' in cafe.body.raw_data[0]["value"]
    old = "/2013/04/01/%E6%9D%B1%E4%BA%AC%E3%81%AE%E3%82%AB%E3%83%95%E3%82%A7/"
    answer = client.get(old)
    assert answer.status_code == 301
    assert client.get(answer["Location"]).status_code == 200


class ContentPageTests(WagtailPageTestCase):
    """The page type WordPress pages become: under home, and under each other."""

    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, ContentPage})
        self.assertAllowedSubpageTypes(ContentPage, {ContentPage})
        tree = build_site()
        self.login()
        self.assertCanCreateAt(HomePage, ContentPage)
        self.assertCanCreate(
            tree.home,
            ContentPage,
            nested_form_data(
                {
                    "title": "Services",
                    "slug": "services",
                    "body": streamfield([("paragraph", rich_text("<p>What I do.</p>"))]),
                }
            ),
        )
        self.assertPageIsRenderable(ContentPage.objects.get(slug="services"))


@pytest.mark.django_db
def test_a_content_page_costs_a_fixed_number_of_queries(site_tree, client):
    run_import(FIXTURES / "pages.xml")
    assert count_queries(client, "/services/") == 0  # as /about/
    # Deeper pages cost more: Wagtail routes through each parent below the sections.
    assert count_queries(client, "/services/consulting/") == 4
    assert count_queries(client, "/services/consulting/pricing/") == 6


# Output -------------------------------------------------------------------------------


def test_the_closing_table_lines_up():
    report = Report()
    report.count("post", "new", 12)
    report.count("comment", "unchanged", 3)
    report.skip("comment", "malformed")
    report.skip("comment", "malformed")
    report.skip("comment", "spam")
    lines = report.table()
    assert lines[0].split() == ["new", "updated", "unchanged", "skipped", "why", "skipped"]
    assert lines[1].split() == ["posts", "12", "0", "0", "0"]
    assert lines[2].split()[:5] == ["responses", "0", "0", "3", "3"]
    assert lines[2].endswith("2 malformed; 1 spam")
    assert len({line.index("skipped") for line in lines[:1]}) == 1


def test_the_progress_bar_draws_only_on_a_terminal():
    class Terminal(StringIO):
        def isatty(self):
            return True

    class Wrapper:  # like Django's OutputWrapper
        def __init__(self, stream):
            self.stream = stream

        def write(self, text, ending="\n"):
            self.stream.write(text + ending)

        def flush(self):
            pass

        def isatty(self):
            return self.stream.isatty()

    terminal = Wrapper(Terminal())
    progress = Progress(terminal, 3)
    for _ in range(3):
        progress.advance()
    progress.finish()
    drawn = terminal.stream.getvalue()
    assert re.search(r"\r\[#{30}\] 3/3 items \(\d+\.\d s\)\n$", drawn)

    pipe = Wrapper(StringIO())
    quiet = Progress(pipe, 3)
    quiet.advance(3)
    quiet.finish()
    assert pipe.stream.getvalue() == ""


def test_the_command_draws_its_progress_bar_on_the_error_stream(site_tree):
    class Terminal(StringIO):
        def isatty(self):
            return True

    out, err = StringIO(), Terminal()
    call_command("import_wordpress", str(SEED_EXPORT), stdout=out, stderr=err)
    assert re.search(r"\r\[#{30}\] 3/3 items \(\d+\.\d s\)\n$", err.getvalue())
    assert "[#" not in out.getvalue()
