"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live_server."""

import datetime
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.builders import build_site, make_post, make_tag

# Playwright's sync API keeps an asyncio event loop running in the main thread,
# so Django's ORM would raise SynchronousOnlyOperation in tests and fixtures.
# This is the documented workaround for pytest-playwright with pytest-django. It
# is set at import so that it holds for every test in a run that mixes suites.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")

# Offline Chromium as root (see /work/shared/TOOLS.md). The host resolver rule
# stops Chromium from resolving Google hosts: no traffic may leave the machine.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


# tryfirst: the marker must be in place before `-m e2e` / `-m "not e2e"` selects.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: mark only those in tests/e2e.
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


# Runtest hooks in a conftest apply only to the tests below it. tryfirst: decide
# before any fixture (live_server, the browser) is set up.
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        # In CI a missing browser is a broken pipeline, never a silent skip.
        pytest.fail("Chromium missing: .ci/run should have installed it", pytrace=False)
    pytest.skip(
        "Chromium is not installed: apt-get install -y chromium fonts-liberation (see README)"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a browser downloaded by `playwright install`.
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


# Django keeps database connections in an asgiref Local that switches storage
# while an event loop runs, and Playwright leaves its loop marked as running from
# its start to the session's end. From then on the ORM uses new connection
# objects, which lack the migration rows serialized when the test database was
# created: serialized rollback would silently restore nothing (Wagtail's root
# page and default locale stay deleted after the first flush).
@pytest.fixture(scope="session")
def _serialized_test_db(django_db_setup):
    from django.db import connections

    return {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }


@pytest.fixture(scope="session")
def playwright(_serialized_test_db, playwright):
    # Arguments are set up in order: the test database (and its serialized rows)
    # before Playwright starts, then hand those rows to the connections the ORM
    # uses from now on.
    from django.db import connections

    for alias, contents in _serialized_test_db.items():
        connections[alias]._test_serialized_contents = contents
    yield playwright
    # An open connection would stop PostgreSQL from dropping the test database.
    connections.close_all()


@pytest.fixture
def seeded_site(transactional_db, django_db_serialized_rollback):
    """A home, blog, About and New Here? page, with one tagged post and one untagged.

    live_server answers from another thread, so the data must be committed:
    transactional_db, not db. Its flush after each test also deletes the rows
    Wagtail's migrations made (the root page, the default locale); serialized
    rollback puts them back before the next test.
    """
    tree = build_site()
    tags = [
        make_tag("micro experts", description="Posts about becoming a micro expert."),
        make_tag("blogging"),
    ]
    post = make_post(
        tree.blog,
        "The Rise of the Micro Expert",
        tags=tags,
        summary="Why the web rewards people who know one small thing well.",
        body="<p>Being an expert in a small niche is now a real career path.</p>",
    )
    other_post = make_post(
        tree.blog, "An Untagged Note", date=datetime.date(2008, 11, 2), body="<p>Odds and ends.</p>"
    )
    return SimpleNamespace(**vars(tree), post=post, other_post=other_post)
