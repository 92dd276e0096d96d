"""Queries a request, counted apart from the load: in a child process with the site
benchmark's settings and database, each URL twice through the site's own WSGI entry point
(config.wsgi: the page cache's layer, then Django), as gunicorn calls it.

The bench runs this file as a script (`python bench/query_count.py SPEC`); the child
prints one line, QUERIES and the counts as JSON, which `count_queries` reads.
"""

import json
import subprocess
import sys
from pathlib import Path

from site_data import ROOT, setup_django


def count_queries_child(spec):
    """Run in a child: each URL twice as a new visitor; print the counts as JSON."""
    setup_django()
    from django.core.cache import caches
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    import blog
    from config.wsgi import application

    def get(path):
        environ = RequestFactory().get(path, HTTP_HOST=spec["host"]).environ  # no cookies
        sent = {}

        def start_response(status, headers, exc_info=None):
            sent["status"] = int(status.split()[0])

        result = application(environ, start_response)
        try:
            b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return sent["status"]

    counts = {}
    for key, path in spec["paths"].items():
        tries = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                status = get(path)
            tries.append((status, len(captured.captured_queries)))
        counts[key] = {
            "status": tries[1][0],
            "queries_first": tries[0][1],
            "queries": tries[1][1],
        }
    result = {
        "cache_backend": type(caches["default"]).__name__,
        "code": str(Path(blog.__file__).resolve().parent.parent),
        "counts": counts,
    }
    sys.stdout.write("QUERIES " + json.dumps(result) + "\n")


def count_queries(env, host, paths):
    """{"cache_backend": ..., "counts": {key: {"status", "queries_first", "queries"}}}."""
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            json.dumps({"host": host, "paths": paths}),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("QUERIES "):
            counted = json.loads(line.removeprefix("QUERIES "))
            if counted.pop("code") != str(ROOT):
                raise RuntimeError(f"the child imported the project from elsewhere than {ROOT}")
            return counted
    raise RuntimeError(f"counting queries failed:\n{result.stdout}{result.stderr[-3000:]}")


if __name__ == "__main__":
    count_queries_child(json.loads(sys.argv[1]))
