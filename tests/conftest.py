import pytest

from tests.builders import build_site
from tests.clients import PageCacheClient


def pytest_collection_modifyitems(config, items):
    # A test that needs PostgreSQL says so with @pytest.mark.postgres and is
    # skipped, with the reason, on any other database.
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and page caches live in the cache: no test inherits another's.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def site_tree(db):
    return build_site()


@pytest.fixture
def client():
    """The test client, behind the page cache as the site is served (config/wsgi.py)."""
    return PageCacheClient()
