"""A post's responses as readers see them: in reading order, threads nested, numbered
across the post, cut into pages as WordPress does; counts for listings; links to one."""

import datetime
from bisect import bisect_left
from collections import namedtuple
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, Q, Window
from django.utils import timezone
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment

# What the post page shows of a response. Its rows come as named tuples of these
# (ResponseNode.response), not XtdComment instances: a page of 50 threads is a hundred
# rows or more, and building models for them costs more than the rows themselves.
SHOWN_FIELDS = (
    "pk",
    "thread_id",
    "parent_id",
    "is_public",
    "level",
    "user_id",
    "user_name",
    "user_url",
    "comment",
    "submit_date",
)


def post_model():
    """The page type that takes responses: named, not imported, since the page models
    import the responses' modules (and the feeds)."""
    return apps.get_model("blog", "BlogPostPage")


@dataclass
class ResponseNode:
    response: tuple  # a row of SHOWN_FIELDS
    number: int
    held: bool = False
    children: list = field(default_factory=list)


def response_target(post):
    """The content type id and object key that a post's responses are filed under."""
    return ContentType.objects.get_for_model(post).pk, str(post.pk)


def responses_to(content_type_id, object_pk):
    return XtdComment.norel_objects.filter(
        content_type_id=content_type_id, object_pk=object_pk, is_removed=False
    )


def post_responses(post):
    return responses_to(*response_target(post))


def responses_in_order(content_type_id, object_pk, held_ids=()):
    """A post's approved responses, and the visitor's own held ones, in reading order."""
    visible = responses_to(content_type_id, object_pk).filter(is_public=True)
    if held_ids:
        held = responses_to(content_type_id, object_pk).filter(pk__in=held_ids, is_public=False)
        visible = visible | held
    return visible.order_by("thread_id", "order")


# Each row of a post's first page also carries the totals of all its rows (window counts,
# taken before the LIMIT): the responses, the approved ones, the threads.
ROW_TOTALS = {
    "rows_in_all": Window(Count("pk")),
    "approved_in_all": Window(Count("pk", filter=Q(is_public=True))),
    "threads_in_all": Window(Count("pk", filter=Q(parent_id=F("pk")))),
}


def with_row_totals(in_order, limit):
    """The first `limit` rows of `in_order`, SHOWN_FIELDS and ROW_TOTALS."""
    return in_order.annotate(**ROW_TOTALS).values_list(*SHOWN_FIELDS, *ROW_TOTALS, named=True)[
        :limit
    ]


FirstPageRow = namedtuple("FirstPageRow", [*SHOWN_FIELDS, *ROW_TOTALS])


@cache
def first_page_sql():
    """The query of `first_page_rows`, from the models' table and column names."""
    name = connection.ops.quote_name
    comment = {f.name: name(f.column) for f in Comment._meta.concrete_fields}
    xtd = {f.name: name(f.column) for f in XtdComment._meta.local_concrete_fields}
    columns = {
        "pk": f"c.{comment['id']}",
        "thread_id": f"x.{xtd['thread_id']}",
        "parent_id": f"x.{xtd['parent_id']}",
        "is_public": f"c.{comment['is_public']}",
        "level": f"x.{xtd['level']}",
        "user_id": f"c.{comment['user']}",
        "user_name": f"c.{comment['user_name']}",
        "user_url": f"c.{comment['user_url']}",
        "comment": f"c.{comment['comment']}",
        "submit_date": f"c.{comment['submit_date']}",
    }
    return (
        f"SELECT {', '.join(columns[name] for name in SHOWN_FIELDS)}, "
        "COUNT(*) OVER (), "
        f"COUNT(*) FILTER (WHERE c.{comment['is_public']}) OVER (), "
        f"COUNT(*) FILTER (WHERE x.{xtd['parent_id']} = c.{comment['id']}) OVER () "
        f"FROM {name(Comment._meta.db_table)} c "
        f"JOIN {name(XtdComment._meta.db_table)} x ON x.{xtd['comment_ptr']} = c.{comment['id']} "
        f"WHERE c.{comment['content_type']} = %s AND c.{comment['object_pk']} = %s "
        f"AND c.{comment['is_public']} AND NOT c.{comment['is_removed']} "
        f"ORDER BY x.{xtd['thread_id']}, x.{xtd['order']} LIMIT %s"
    )


def first_page_rows(content_type_id, object_pk, limit):
    """`with_row_totals(responses_in_order(content_type_id, object_pk), limit)`, the query
    nearly every post page makes, written out: the ORM would build and compile it on
    every request, which costs more than the database takes to run it.
    tests/test_responses_page.py checks that both give the same rows."""
    with connection.cursor() as cursor:
        cursor.execute(first_page_sql(), [content_type_id, object_pk, limit])
        rows = cursor.fetchall()
    aware = settings.USE_TZ and rows and timezone.is_naive(rows[0][SUBMIT_DATE])
    return [
        FirstPageRow(
            *row[:SUBMIT_DATE],
            timezone.make_aware(row[SUBMIT_DATE], datetime.UTC) if aware else row[SUBMIT_DATE],
            *row[SUBMIT_DATE + 1 :],
        )
        for row in rows
    ]


SUBMIT_DATE = SHOWN_FIELDS.index("submit_date")


@dataclass
class ResponsePage:
    """One page of a post's responses: `roots` (ResponseNodes, replies nested), the
    number of approved responses, and the page's place among `pages`."""

    roots: list
    count: int
    number: int
    pages: int
    by_pk: dict

    @property
    def numbers(self):
        return range(1, self.pages + 1)

    def node(self, pk):
        """The response shown on this page with this primary key (any text), or None."""
        return self.by_pk.get(int(pk)) if str(pk).isdigit() else None


def reading_order(rows):
    """Walk rows (pk, thread_id, parent_id, is_public) in reading order: the number of
    each response shown, the threads (their first responses' thread ids) in order, and
    the count of approved responses."""
    numbers, threads, count = {}, [], 0
    for row in rows:
        count += row.is_public
        if row.parent_id != row.pk and row.parent_id not in numbers:
            continue  # its parent is held or removed: a reply makes no sense alone
        numbers[row.pk] = len(numbers) + 1
        if row.parent_id == row.pk:
            threads.append(row.thread_id)
    return numbers, threads, count


def response_page(post, number=1, held_ids=()):
    """Page `number` of the post's responses in reading order: approved ones plus the
    visitor's own held ones, BLOG_RESPONSES_PER_PAGE threads a page (as WordPress breaks
    comments into pages), numbered across all pages.

    The first page, which nearly every reader sees, takes one query: the rows in reading
    order, up to four pages' worth, with the totals of all. They hold every response of
    most posts, or else the whole first page. Any other page (or a first page of threads
    too long for those rows) takes two: the light rows of all, to number them and cut
    pages, then the page's own rows."""
    per_page = settings.BLOG_RESPONSES_PER_PAGE
    target = response_target(post)
    in_order = responses_in_order(*target, held_ids) if held_ids or number > 1 else None
    page_rows = None
    if number <= 1:
        if in_order is None:
            first_rows = first_page_rows(*target, per_page * 4)
        else:
            first_rows = list(with_row_totals(in_order, per_page * 4))
        numbers, threads, count = reading_order(first_rows)
        thread_total = len(threads)
        if not first_rows or first_rows[0].rows_in_all == len(first_rows):
            page_rows = first_rows  # every response
        elif len(threads) > per_page:
            # The next page's first thread has begun, so the first page is whole.
            page_rows = first_rows
            count, thread_total = first_rows[0].approved_in_all, first_rows[0].threads_in_all
    if page_rows is None:
        if in_order is None:
            in_order = responses_in_order(*target)
        light = in_order.values_list("pk", "thread_id", "parent_id", "is_public", named=True)
        numbers, threads, count = reading_order(light)
        thread_total = len(threads)
    pages = max(1, -(-thread_total // per_page))
    number = min(max(number, 1), pages)
    shown = threads[(number - 1) * per_page : number * per_page]
    if page_rows is None:
        shown_rows = in_order.filter(thread_id__in=shown)
        page_rows = shown_rows.values_list(*SHOWN_FIELDS, named=True) if shown else []
    shown = set(shown)
    nodes, roots = {}, []
    for row in page_rows:
        if row.pk not in numbers or row.thread_id not in shown:
            continue
        node = ResponseNode(response=row, number=numbers[row.pk], held=not row.is_public)
        nodes[row.pk] = node
        if row.parent_id == row.pk:
            roots.append(node)
        else:
            nodes[row.parent_id].children.append(node)
    return ResponsePage(roots=roots, count=count, number=number, pages=pages, by_pk=nodes)


def response_page_numbers(responses):
    """{response pk: the page of its post it shows on}, for links to responses, with one
    query whatever the number of responses and posts."""
    responses = list(responses)
    if not responses:
        return {}
    threads = {}
    for object_pk, thread_id in (
        XtdComment.norel_objects.filter(
            content_type_id=responses[0].content_type_id,
            object_pk__in={response.object_pk for response in responses},
            is_public=True,
            is_removed=False,
            level=0,
        )
        .order_by("thread_id")
        .values_list("object_pk", "thread_id")
    ):
        threads.setdefault(object_pk, []).append(thread_id)
    per_page = settings.BLOG_RESPONSES_PER_PAGE
    return {
        response.pk: bisect_left(threads.get(response.object_pk, []), response.thread_id)
        // per_page
        + 1
        for response in responses
    }


def response_path(post_url, response, page_number):
    """The address of a response: its post's page of responses, and its anchor."""
    page = f"comment-page-{page_number}/" if page_number > 1 else ""
    return f"{post_url}{page}#comment-{response.pk}"


def response_url(post_url, response):
    return response_path(post_url, response, response_page_numbers([response])[response.pk])


def attach_response_counts(posts):
    """Set `response_count` on each post of a listing with one query."""
    posts = list(posts)
    if not posts:
        return posts
    counts = dict(
        XtdComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(posts[0]),
            object_pk__in=[str(post.pk) for post in posts],
            is_public=True,
            is_removed=False,
        )
        .values_list("object_pk")
        .annotate(count=Count("pk"))
        .values_list("object_pk", "count")
    )
    for post in posts:
        post.response_count = counts.get(str(post.pk), 0)
    return posts
