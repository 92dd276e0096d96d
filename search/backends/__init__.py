"""The database search backend: Wagtail's, with a faster match and count.

SearchBackend hands PostgreSQL and SQLite (with FTS5) to the subclasses in postgres.py and
sqlite.py, which keep Wagtail's ranking and change how the matches are found and
counted; each module says why. Both return the number of all matches with a page of
results (`results.matches`), so the results page needs no second query to count them.
MySQL, SQLite without FTS5 and the cluster backends (OpenSearch, Elasticsearch) are
Wagtail's as shipped.
"""

import sqlite3

from django.db import connection, connections
from django.db.models import Exists, OuterRef
from django.db.models.functions import Cast
from modelsearch.backends import database


def object_pk(model, object_id):
    """An index entry's object id (text) as `model`'s pk, typed: entries join the
    searched objects on it (an integer join where ids are integers), and rank ties go
    to the largest, as Wagtail's "-pk" does."""
    pk = model._meta.pk
    while pk.remote_field:  # a page type's pk is its link to Page
        pk = pk.target_field
    return Cast(object_id, output_field=pk)


def leaving_out(queryset, hidden):
    """`queryset`, marked as holding every object of its model but those of `hidden` (a
    queryset of the same objects, or of their pages in wagtailcore_page), for among().

    The caller vouches for that; the searches that go Wagtail's way still use
    `queryset` itself. (A Django query keeps its attributes when it is chained.)"""
    queryset = queryset.all()
    queryset.query.search_leaves_out = hidden
    return queryset


def among(queryset):
    """The test that an index entry's object (its `object_pk`) is one of `queryset`'s.

    A correlated EXISTS: PostgreSQL makes it a hash semi-join when many entries match
    and index lookups when few do; SQLite, given `IN (subquery)`, would list every
    searched object first, however rare the word.

    For a queryset marked by leaving_out(), the test is that no hidden object has the
    entry's id: an anti-join on the few hidden ones (drafts, private posts), where the
    semi-join hashed every visible one first (faster for a word found in most posts;
    bench/RESULTS.md has the figures). It trusts the index to hold entries of
    existing objects only, as the signal handlers keep it (deleting an object deletes
    its entry in the same transaction); the entries are of the queryset's model
    already (by content type)."""
    hidden = getattr(queryset.query, "search_leaves_out", None)
    if hidden is not None:
        return ~Exists(hidden.order_by().filter(pk=OuterRef("object_pk")))
    return Exists(queryset.order_by().filter(pk=OuterRef("object_pk")))


def ranked_slice(queryset, entries, start, stop, best="DESC"):
    """Slice start:stop of `queryset`'s objects in rank order, a RankedPage whose
    `matches` is the number of all matches (None for a page past the end).

    `entries` is a query of the matching index entries' `object_pk` and `rank`
    (higher is better with best="DESC", lower with "ASC"). Materialized, each match is
    an id and a number by the time the database counts them and keeps the best page
    (a top-N sort, no window over wider rows), in one query; the page's objects are
    then loaded from `queryset`.
    """
    sql, params = entries.values("object_pk", "rank").query.sql_with_params()
    db = connections[queryset.db]
    # SQLite before 3.35 has no MATERIALIZED (and may then run the query twice).
    materialized = (
        "MATERIALIZED " if db.vendor != "sqlite" or sqlite3.sqlite_version_info >= (3, 35) else ""
    )
    with db.cursor() as cursor:
        cursor.execute(
            f"WITH matched AS {materialized}({sql}) "
            "SELECT object_pk, (SELECT COUNT(*) FROM matched) FROM matched "
            f"ORDER BY rank {best}, object_pk DESC LIMIT %s OFFSET %s",
            (*params, stop - start, start),
        )
        rows = cursor.fetchall()
    # No row to carry the count: none match, or the page is past the end (or empty).
    matches = rows[0][1] if rows else (0 if start == 0 < stop else None)
    object_ids = [row[0] for row in rows]
    # Put in rank order here rather than by an ORDER BY CASE of the ids, which made
    # loading a page of posts slower (bench/RESULTS.md).
    loaded = queryset.in_bulk(object_ids)
    return RankedPage([loaded[pk] for pk in object_ids if pk in loaded], matches)


class RankedPage(list):
    """A page of results in rank order, with the number of all matches (`matches`) that
    ranked_slice() counted alongside."""

    def __init__(self, rows, matches):
        super().__init__(rows)
        self.matches = matches


def wagtails_rank(compiler, vectors, config):
    """Wagtail's rank of a match: each vector's rank for the query (the compiler's
    public `build_tsrank`) times its boost, summed, as its backends rank."""
    ranks = [
        compiler.build_tsrank(vector, compiler.query, config=config) * boost
        for vector, boost in vectors
    ]
    rank = ranks[0]
    for other in ranks[1:]:
        rank += other
    return rank


class CountedResults:
    """For both backends' results: `matches` holds the number of all matches once a
    page of results is fetched, as the compiler's search() counted it with the page (a
    RankedPage); None when the query went Wagtail's way."""

    matches = None

    def get_queryset(self):
        found = super().get_queryset()
        if isinstance(found, RankedPage):
            self.matches = found.matches
        return found


# modelsearch looks up this name in a backend module.
def SearchBackend(params):
    if connection.vendor == "postgresql":
        from .postgres import PostgresSearchBackend

        return PostgresSearchBackend(params)
    backend = database.SearchBackend(params)
    if connection.vendor == "sqlite" and database.USE_SQLITE_FTS:
        # Imported here: the FTS model only exists when SQLite has FTS5.
        from .sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend(params)
    return backend
