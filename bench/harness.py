"""What every benchmark shares: its output, its fresh database (made at the start,
dropped at the end), draining the task queue, and the machine it ran on.

Imported by the benchmark scripts (run as `python bench/NAME.py`, so this folder is on
the import path).
"""

import os
import platform
import signal
import sys
from pathlib import Path


def out(text=""):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


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


def run_worker():
    """`manage.py db_worker --batch --no-startup-delay --queue-name *`, signals restored."""
    from django.core.management import call_command

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def machine_info(*packages):
    """The CPUs, platform and Python, and the versions of Django, Wagtail and `packages`
    (distribution names; their keys use underscores)."""
    from importlib.metadata import version

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        **{name.replace("-", "_"): version(name) for name in ("django", "wagtail", *packages)},
    }


def database_version(connection):
    """{"postgresql": server version} or {"sqlite": library version}."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return {"postgresql": cursor.fetchone()[0]}
        cursor.execute("SELECT sqlite_version()")
        return {"sqlite": cursor.fetchone()[0]}
