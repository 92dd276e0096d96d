"""The fresh database each benchmark runs against: made at the start, dropped at the end.

Imported by the benchmark scripts (run as `python bench/NAME.py`, so this folder is on
the import path).
"""

from pathlib import Path


def admin_connection(config):
    """A connection to the server's `postgres` database, to create and drop others."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        autocommit=True,
    )


def recreate_database(config, drop_only=False):
    """Drop the database Django's `config` names (a SQLite file: delete it), then
    create it empty unless `drop_only`."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(config["NAME"]) + suffix).unlink(missing_ok=True)
        return
    from psycopg import sql

    name = sql.Identifier(config["NAME"])
    with admin_connection(config) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
