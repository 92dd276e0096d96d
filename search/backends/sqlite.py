"""Wagtail's SQLite (FTS5) search backend, with a faster ranking.

Wagtail's backend ranks with a subquery per candidate row, and SQLite drives its
full-text lookup from the content-type index, so each of those runs the MATCH again: a
common word over thousands of posts took many seconds. Here the MATCH runs once, scoring every
match with bm25, and the count and the page come from that list in the same query
(search/backends/__init__.py: ranked_slice). Scores are Wagtail's own.
"""

from django.db.models import ExpressionWrapper, F, IntegerField
from modelsearch.backends.database.sqlite import sqlite
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

from . import CountedResults, among, object_pk, ranked_slice, wagtails_rank


class RankOnce:
    """search() for both SQLite compilers: one pass over the full-text index."""

    def search(self, config, start, stop, score_field=None):
        query = normalize(self.query)
        if (
            stop is None  # a count, or every result: Wagtail's query does
            or score_field is not None
            or self.fields is not None
            or not self.order_by_relevance
            or isinstance(query, MatchAll | Not)
        ):
            return super().search(config, start, stop, score_field)

        search_query = self.build_search_query(query, config=config)
        match = MatchExpression(self.FTS_TABLE_FIELDS, search_query)
        content_types = get_descendants_content_types_pks(self.queryset.model)
        # `content_type_id + 0` rather than the bare column: with an index to use,
        # SQLite drives the join from it and runs the MATCH once per index entry.
        entries = (
            sqlite.SQLiteFTSIndexEntry.objects.filter(match)
            .alias(
                entry_content_type=ExpressionWrapper(
                    F("index_entry__content_type_id") + 0, output_field=IntegerField()
                )
            )
            .filter(entry_content_type__in=content_types)
        )
        entries = entries.annotate(
            object_pk=object_pk(self.queryset.model, "index_entry__object_id"),
            rank=wagtails_rank(self, self.get_search_vectors(), config),
        ).filter(among(self.queryset))
        # bm25() is lower for a better match.
        return ranked_slice(self.queryset, entries, start, stop, best="ASC")


class SQLiteSearchQueryCompiler(RankOnce, sqlite.SQLiteSearchQueryCompiler):
    pass


class SQLiteAutocompleteQueryCompiler(RankOnce, sqlite.SQLiteAutocompleteQueryCompiler):
    pass


class SQLiteSearchResults(CountedResults, sqlite.SQLiteSearchResults):
    pass


class SQLiteSearchBackend(sqlite.SQLiteSearchBackend):
    query_compiler_class = SQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = SQLiteAutocompleteQueryCompiler
    results_class = SQLiteSearchResults
