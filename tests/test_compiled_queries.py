"""The post page's queries, compiled once (home/compiled_queries.py): the same results
as the querysets they stand for, new values each time, and clear refusals."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse

from blog.comments import FIRST_PAGE_ROWS, ROW_TOTALS, SHOWN_FIELDS, post_responses
from blog.models import POST_BY_SLUG, TAGS_OF_POST, BlogPostPage, BlogTag
from home.compiled_queries import CompiledQuery
from tests.builders import make_author, make_post, make_tag, publish
from tests.responses import make_response


@pytest.fixture
def posts(site_tree):
    author = make_author()
    first = make_post(
        site_tree.blog, "First", author=author, tags=[make_tag("niche"), make_tag("Alpha")]
    )
    second = make_post(site_tree.blog, "Second", tags=[make_tag("long tail")])
    return first, second


def by_slug(blog, slug):
    return POST_BY_SLUG(slug, constants=(blog.path, blog.depth + 1))


def test_a_post_and_its_author_come_in_one_query_for_each_slug(
    site_tree, posts, django_assert_num_queries
):
    first, second = posts
    with django_assert_num_queries(3):
        found = by_slug(site_tree.blog, "first")
        assert [post.pk for post in found] == [first.pk]
        assert found[0].author.get_full_name() == "Ben Young"  # no query: joined
        assert [post.title for post in by_slug(site_tree.blog, "second")] == ["Second"]
        assert by_slug(site_tree.blog, "third") == []
    # The same post as the queryset's, its fields' converters applied (the body is a
    # StreamValue, the dates are dates).
    expected = BlogPostPage.objects.get(pk=first.pk)
    for field in BlogPostPage._meta.concrete_fields:
        if field.name != "body":
            assert getattr(found[0], field.attname) == getattr(expected, field.attname)
    assert list(found[0].body.raw_data) == list(expected.body.raw_data)
    assert found[0].body[0].block_type == "paragraph"


def test_only_the_first_call_compiles(site_tree, posts):
    by_slug(site_tree.blog, "first")
    compiles = []
    as_sql = SQLCompiler.as_sql

    def counted(compiler, *args, **kwargs):
        compiles.append(compiler.query.model)
        return as_sql(compiler, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", counted):
        assert [post.title for post in by_slug(site_tree.blog, "second")] == ["Second"]
        assert compiles == []
        # Another blog (path and depth are constants) gets its own compiled copy.
        assert POST_BY_SLUG("second", constants=("0009", 2)) == []
        assert compiles == [BlogPostPage]


def test_tags_and_first_page_rows_match_their_querysets(site_tree, posts):
    first, second = posts
    assert {tag.name for tag in TAGS_OF_POST(first.pk)} == {"niche", "Alpha"}
    assert [tag.name for tag in TAGS_OF_POST(second.pk)] == ["long tail"]
    for post in posts:
        make_response(post, "Al", comment="Yes.")
        make_response(post, "Bo", comment="Held.", is_public=False)
    make_response(first, "Cy", comment="And another.")
    content_type = ContentType.objects.get_for_model(BlogPostPage).pk
    for post, limit, names in ((first, 10, ["Al", "Cy"]), (first, 1, ["Al"]), (second, 10, ["Al"])):
        rows = FIRST_PAGE_ROWS(content_type, str(post.pk), constants=(limit,))
        assert [row.user_name for row in rows] == names
        assert rows[0].approved_in_all == (2 if post == first else 1)  # totals before the LIMIT
        assert rows == list(
            post_responses(post)
            .filter(is_public=True)
            .order_by("thread_id", "order")
            .annotate(**ROW_TOTALS)
            .values_list(*SHOWN_FIELDS, *ROW_TOTALS, named=True)[:limit]
        )


def test_a_value_that_does_not_reach_the_sql_unchanged_is_refused(db):
    changed = CompiledQuery(lambda title: BlogTag.objects.filter(name__startswith=title))
    with pytest.raises(ValueError, match="must reach the SQL as one parameter"):
        changed("nic")
    twice = CompiledQuery(
        lambda name: BlogTag.objects.filter(name=name) | BlogTag.objects.filter(slug=name)
    )
    with pytest.raises(ValueError, match="must reach the SQL as one parameter"):
        twice("niche")
    with pytest.raises(TypeError, match="text and whole numbers"):
        CompiledQuery(lambda when: BlogTag.objects.filter(pk=when))(1.5)


def test_a_preview_shows_the_drafts_tags_and_the_live_page_the_saved_ones(client, site_tree, posts):
    first, _ = posts
    editor = make_author("editor", "Eddie", "Tor")
    editor.groups.add(Group.objects.get(name="Moderators"))
    draft = BlogPostPage.objects.get(pk=first.pk)
    draft.tags.add(make_tag("draft only"))
    revision = draft.save_revision()

    live = client.get(first.url).content.decode()
    assert "niche" in live and "draft only" not in live

    client.force_login(editor)
    preview = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=(first.pk, revision.pk))
    ).content.decode()
    assert "draft only" in preview and "niche" in preview

    publish(draft)
    client.logout()
    assert "draft only" in client.get(first.url).content.decode()
