import socket

import pytest

from tests.builders import build_site
from tests.clients import PageCacheClient


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def pytest_collection_modifyitems(config, items):
    # A test that needs Redis says so with @pytest.mark.redis and is skipped, with
    # the reason, when none answers on 127.0.0.1:6379.
    needs_redis = [item for item in items if item.get_closest_marker("redis")]
    if needs_redis and not redis_reachable():
        for item in needs_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis on 127.0.0.1:6379"))
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
