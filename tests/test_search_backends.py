"""search/backends: the same results and order as Wagtail's own backends, found faster."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend

from blog.models import BlogPostPage
from search.backends import SearchBackend
from tests.builders import make_post


def stock_backend():
    """Wagtail's backend for this database, as shipped."""
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

        return PostgresSearchBackend({"SEARCH_CONFIG": "english"})
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    return SQLiteSearchBackend({"SEARCH_CONFIG": "english"})


@pytest.fixture
def corpus(site_tree):
    # Varied counts of "marketing" in titles and bodies, some ties, a draft and a word
    # split between title and body.
    for n in range(14):
        make_post(
            site_tree.blog,
            f"Marketing notes {n}" if n % 4 == 0 else f"Notes {n}",
            body="<p>" + "Marketing matters. " * (n % 5) + "Other words here.</p>",
        )
    make_post(site_tree.blog, "Marketing draft", live=False)
    make_post(site_tree.blog, "Small", body="<p>Marketing for small teams.</p>")
    return site_tree


def ids(results):
    return [post.pk for post in results]


# "notes words": one word only in titles, the other only in bodies.
@pytest.mark.parametrize(
    "query", ["marketing", "marketing matters", "small marketing", "notes", "notes words"]
)
def test_pages_and_counts_match_wagtails_own_backend(corpus, query):
    ours, stock = get_search_backend(), stock_backend()
    assert type(ours) is not type(stock)
    posts = BlogPostPage.objects.live()
    expected = ids(stock.search(query, posts, operator="and"))
    assert expected, "the corpus must match the query"
    for start in (0, 5, 10):
        page = ours.search(query, posts, operator="and")[start : start + 5]
        assert ids(page) == expected[start : start + 5]
        if expected[start:]:  # a page past the end has no row to carry the count
            assert page.matches == len(expected)
    assert ours.search(query, posts, operator="and").count() == len(expected)


def test_a_page_without_rows_says_what_it_knows_of_the_count(corpus):
    ours = get_search_backend()
    posts = BlogPostPage.objects.live()
    nothing = ours.search("zeppelins", posts, operator="and")[0:10]
    assert list(nothing) == [] and nothing.matches == 0
    # Past the end no row carries the count: the caller counts (results page).
    past = ours.search("marketing", posts, operator="and")[100:110]
    assert list(past) == [] and past.matches is None


def test_partial_words_match_wagtails_own_autocomplete(corpus):
    ours, stock = get_search_backend(), stock_backend()
    posts = BlogPostPage.objects.live()
    expected = ids(stock.autocomplete("mark", posts, operator="and"))
    page = ours.autocomplete("mark", posts, operator="and")[0:10]
    assert ids(page) == expected[:10] and page.matches == len(expected) > 10


def test_a_query_that_excludes_words_goes_wagtails_way(corpus):
    from modelsearch.query import Not, PlainText

    ours, stock = get_search_backend(), stock_backend()
    posts = BlogPostPage.objects.live()
    query = Not(PlainText("marketing"))
    expected = ids(stock.search(query, posts))
    page = ours.search(query, posts)[0:10]
    assert ids(page) == expected[:10] and page.matches is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_sqlite_runs_the_full_text_match_once(corpus):
    # With the content-type index usable, SQLite scans the index entries first and runs
    # the MATCH once per entry (40 to 70 s for a common word over 10,000 posts).
    with CaptureQueriesContext(connection) as captured:
        list(SearchBackend({}).search("marketing", BlogPostPage.objects.live())[0:10])
    matching = [query["sql"] for query in captured if " MATCH " in query["sql"]]
    assert matching
    for sql in matching:
        with connection.cursor() as cursor:
            plan = cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        steps = [row[-1] for row in plan if "wagtailsearch" in row[-1] or "U0" in row[-1]]
        assert "VIRTUAL TABLE" in steps[0], plan
