"""Wagtail's PostgreSQL search backend, with a faster match and ranking.

Wagtail's backend joins the model's table to the index entries, matches the query
against `title || body`, then ranks. Two things make that slow for a word found in most
posts (bench/RESULTS.md has the measurements):

- The match joins the two stored tsvectors of every index entry before testing it. For
  queries that only ask for words to be present (no NOT), a match in the title alone or
  in the body alone is also a match in `title || body`, so testing the two stored
  vectors first gives the same rows and leaves the join to the few rows that match
  neither (a query whose words are split between title and body). PostgreSQL can also
  answer each test from a GIN index (search/migrations/0002 adds the one on
  `title || body`).
- PostgreSQL computes the rank after the join, and every matching row carries both
  tsvectors through it and through the count of matches (a window count spilled them to
  temporary files). Here one query reads the index entries alone and computes the rank
  beside the match; the entries of objects outside the searched queryset (drafts,
  private posts) drop out through a semi-join on their ids; the count and the page come
  from the materialized ids and ranks (ranked_slice in search/backends/__init__.py).

The rank expression and the order are Wagtail's (ties: the newest object first).
search/migrations/0003 keeps the vectors in the table's rows instead of its TOAST
table, which halves the cost of reading them, and PostgresIndex below writes each entry
once, which halves the table.
"""

from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression
from modelsearch.backends.database.postgres import postgres
from modelsearch.query import Fuzzy, MatchAll, Not, PlainText
from modelsearch.utils import get_descendants_content_types_pks

from . import CountedResults, among, object_pk, ranked_slice, wagtails_rank
from .modelsearch_hooks import TitleWeightsOnRebuild, value_compiler


def asks_for_absent_words(query):
    """Whether a parsed query holds a NOT anywhere (`title @@ q OR body @@ q` then no
    longer implies `title || body @@ q`)."""
    if isinstance(query, Not):
        return True
    children = getattr(query, "subqueries", None) or [getattr(query, "subquery", None)]
    return any(asks_for_absent_words(child) for child in children if child is not None)


def on_entry(expression):
    """`F("index_entries__title")` as `F("title")`: the same column, read from a query
    on the index entries themselves."""
    if isinstance(expression, F) and expression.name.startswith("index_entries__"):
        return F(expression.name.removeprefix("index_entries__"))
    return expression


class FastMatch:
    """search() for both compilers below: one query that matches, ranks and counts."""

    def search(self, config, start, stop, score_field=None, backend=None):
        if (
            stop is None  # a count, or every result: Wagtail's query does
            or score_field is not None
            or self.fields is not None
            or not self.order_by_relevance
            or isinstance(self.query, MatchAll | Fuzzy)
            or asks_for_absent_words(self.query)
        ):
            return super().search(config, start, stop, score_field, backend)

        search_query = self.build_tsquery(self.query, config=config)
        vectors = [
            (on_entry(vector), on_entry(boost))
            for vector, boost in self.get_search_vectors(search_query)
        ]
        rank = wagtails_rank(self, vectors, config)
        tests, matches = self.match(vectors, search_query, config)
        entries = (
            postgres.IndexEntry._default_manager.alias(**tests)
            .annotate(object_pk=object_pk(self.queryset.model, "object_id"))
            .filter(
                matches,
                among(self.queryset),
                content_type_id__in=get_descendants_content_types_pks(self.queryset.model),
            )
            .annotate(rank=rank)
        )
        return ranked_slice(self.queryset, entries, start, stop)

    def match(self, vectors, search_query, config):
        """The vectors to alias and the test on them: each vector alone, then all of
        them joined (the backend's own test) for the rows neither matches alone."""
        if len(vectors) == 1:
            return {"_vector_": vectors[0][0]}, Q(_vector_=search_query)
        tests = {f"_vector{n}_": vector for n, (vector, _boost) in enumerate(vectors)}
        joined = vectors[0][0]
        for vector, _boost in vectors[1:]:
            joined = CombinedExpression(joined, "||", vector)
        matches = Q()
        for name in tests:
            matches |= Q(**{name: search_query})
        split = Q(_vector_=search_query)
        if len(vectors) == 2 and isinstance(self.query, PlainText) and self.query.operator == "and":
            # All the words, some in the title and the rest in the body: then the
            # title holds at least one of them. Testing that first (titles are short)
            # spares joining the vectors of nearly every row that lacks a word; joining
            # them was most of the time of a two-word search.
            any_word = self.build_tsquery(
                PlainText(self.query.query_string, operator="or"), config=config
            )
            split = Q(_vector0_=any_word) & split
        return {**tests, "_vector_": joined}, matches | split


class PostgresSearchQueryCompiler(FastMatch, postgres.PostgresSearchQueryCompiler):
    pass


class PostgresAutocompleteQueryCompiler(FastMatch, postgres.PostgresAutocompleteQueryCompiler):
    pass


class PostgresSearchResults(CountedResults, postgres.PostgresSearchResults):
    pass


class PostgresIndex(TitleWeightsOnRebuild, postgres.PostgresIndex):
    """Wagtail's index entries, each written once and only when it changes.

    Wagtail's add_items inserts an entry with a title weight (`title_norm`) of 1.0, then
    updates every entry holding 1.0 to the real weight: the average title length over
    the entry's title length. Two writes an entry leave a freshly indexed table half
    free space, and a search for a word in most posts reads all of it, which made
    bench/search.py's slowest queries markedly slower (bench/RESULTS.md). Here one
    statement writes the entries with their weights, worked out as Wagtail's refresh
    does (the average over every entry once these are written), and skips an entry whose
    columns would not change, so indexing an unchanged site again writes nothing. The
    full refresh at the end of `update_index` likewise writes only the weights that
    change. Other entries keep their weights until then, as in Wagtail."""

    def add_items(self, model, objs):
        if not model.get_search_fields():
            return
        indexers = [postgres.ObjectIndexer(obj, self.backend) for obj in objs]
        if not indexers:
            return
        table = postgres.IndexEntry._meta.db_table
        compile_value = value_compiler(postgres.IndexEntry, self.write_connection)
        content_type_pk = postgres.get_content_type_pk(model)
        rows, params = [], []
        for indexer in indexers:
            vectors = []
            params.extend((content_type_pk, indexer.id))
            for name in ("title", "autocomplete", "body"):
                field = postgres.IndexEntry._meta.get_field(name)
                sql, value_params = compile_value(field, getattr(indexer, name))
                vectors.append(sql)
                params.extend(value_params)
            params.extend((indexer.title_text, indexer.body_text))
            # Typed here: a VALUES list takes its column types from what it holds.
            rows.append(f"(%s::integer, %s::text, {', '.join(vectors)}, %s::text, %s::text)")
        # The columns an entry's write sets, as written, as proposed and as they stand.
        names = ("title", "autocomplete", "body", "title_norm", "title_text", "body_text")
        columns, proposed, standing = (
            ", ".join(f"{prefix}{name}" for name in names)
            for prefix in ("", "EXCLUDED.", "existing.")
        )
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH entry (content_type_id, object_id, title, autocomplete, body,
                            title_text, body_text) AS (VALUES {", ".join(rows)}),
                average AS (
                    SELECT avg(length(title))::float8 AS title_length FROM (
                        SELECT title FROM {table} AS kept WHERE NOT EXISTS (
                            SELECT FROM entry
                            WHERE entry.content_type_id = kept.content_type_id
                            AND entry.object_id = kept.object_id
                        )
                        UNION ALL SELECT title FROM entry
                    ) AS titles WHERE length(title) > 0
                )
                INSERT INTO {table} AS existing (content_type_id, object_id, {columns})
                SELECT entry.content_type_id, entry.object_id, entry.title,
                    entry.autocomplete, entry.body,
                    CASE WHEN length(entry.title) > 0
                        THEN average.title_length / length(entry.title) ELSE 1.0 END,
                    entry.title_text, entry.body_text
                FROM entry, average
                ON CONFLICT (content_type_id, object_id) DO UPDATE
                SET ({columns}) = ROW({proposed})
                WHERE ({standing}) IS DISTINCT FROM ({proposed})
                """,
                params,
            )

    def refresh_title_weights(self):
        """Give every entry Wagtail's title weight, writing only those that change.
        update_index's rebuilder calls it once every entry is written
        (modelsearch_hooks.py); add_items above no longer needs a partial refresh."""
        table = postgres.IndexEntry._meta.db_table
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table} SET title_norm = average.title_length / length(title)
                FROM (
                    SELECT avg(length(title))::float8 AS title_length FROM {table}
                    WHERE length(title) > 0
                ) AS average
                WHERE length(title) > 0
                AND title_norm IS DISTINCT FROM average.title_length / length(title)
                """
            )


class PostgresSearchBackend(postgres.PostgresSearchBackend):
    index_class = PostgresIndex
    query_compiler_class = PostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PostgresAutocompleteQueryCompiler
    results_class = PostgresSearchResults
