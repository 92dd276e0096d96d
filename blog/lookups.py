"""The two queries every post page makes to find the post, written out.

The ORM builds and compiles a queryset on every request, and for these two (a post of 47
columns with its author by slug; its tags) that costs several times what the database
takes to run them. `Manager.raw()` maps the rows to models with Django's own converters,
and `Model.from_db()` builds the author, so the results are the models the querysets
would give; the SQL takes its table and column names from the models' `_meta`.
tests/test_pages.py checks both against the querysets they replace.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import DateTimeField
from wagtail.models import Page

AUTHOR = "author__"


def author_fields():
    # Not the dates (last login, joined): SQLite hands them over as they are stored, and a
    # post page never shows them; they load on first use, as deferred fields do.
    return [
        field
        for field in get_user_model()._meta.concrete_fields
        if not isinstance(field, DateTimeField)
    ]


@cache
def post_by_slug_sql(post_model):
    name = connection.ops.quote_name
    page, post = Page._meta, post_model._meta
    user = get_user_model()._meta
    author_columns = ", ".join(
        f"u.{name(field.column)} AS {name(AUTHOR + field.attname)}" for field in author_fields()
    )
    parent_link = post.get_field("page_ptr").column
    return (
        f"SELECT p.*, b.*, {author_columns} "
        f"FROM {name(page.db_table)} p "
        f"JOIN {name(post.db_table)} b ON b.{name(parent_link)} = p.{name(page.pk.column)} "
        f"LEFT JOIN {name(user.db_table)} u "
        f"ON u.{name(user.pk.column)} = b.{name(post.get_field('author').column)} "
        f"WHERE p.{name(page.get_field('path').column)} LIKE %s "
        f"AND p.{name(page.get_field('depth').column)} = %s "
        f"AND p.{name(page.get_field('slug').column)} = %s"
    )


def post_by_slug(post_model, blog, slug):
    """The post under `blog` with this slug, its author loaded, or None (as
    `post_model.objects.child_of(blog).filter(slug=slug).select_related("author")`)."""
    sql = post_by_slug_sql(post_model)
    # Tree paths are made of digits and capitals only: nothing LIKE reads as a wildcard.
    found = list(post_model.objects.raw(sql, [f"{blog.path}%", blog.depth + 1, slug])[:1])
    if not found:
        return None
    post = found[0]
    if post.author_id is not None:
        fields = author_fields()
        post.author = get_user_model().from_db(
            connection.alias,
            [field.attname for field in fields],
            [getattr(post, AUTHOR + field.attname) for field in fields],
        )
    return post


@cache
def tags_of_post_sql(tag_model, link_model):
    name = connection.ops.quote_name
    tag, link = tag_model._meta, link_model._meta
    return (
        f"SELECT t.* FROM {name(tag.db_table)} t "
        f"JOIN {name(link.db_table)} l ON l.{name(link.get_field('tag').column)} "
        f"= t.{name(tag.pk.column)} "
        f"WHERE l.{name(link.get_field('content_object').column)} = %s"
    )


def tags_of_post(tag_model, link_model, post_pk):
    """`tag_model.objects.filter(tagged_posts__content_object_id=post_pk)`, as a list."""
    return list(tag_model.objects.raw(tags_of_post_sql(tag_model, link_model), [post_pk]))
