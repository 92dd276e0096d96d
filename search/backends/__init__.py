"""The database search backend: Wagtail's, with a faster match and count.

SearchBackend hands PostgreSQL and SQLite (with FTS5) to the subclasses in postgres.py and
sqlite.py, which keep Wagtail's ranking and change how the matches are found and
counted; each module says why. Both return the number of all matches with a page of
results (`results.matches`), so the results page needs no second query to count them.
MySQL, SQLite without FTS5 and the cluster backends (OpenSearch, Elasticsearch) are
Wagtail's as shipped.
"""

from django.db import connection
from modelsearch.backends import database


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
