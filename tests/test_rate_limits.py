"""Rate limits that cannot be raced: simultaneous requests from one address never get
more through than the limit (blog/rate_limits.py counts with the cache's atomic add and
incr)."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from blog import rate_limits
from tests.builders import build_site, make_post
from tests.responses import form_fields, rules

SIMULTANEOUS = 16


CACHES = [
    pytest.param({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, id="memory"),
    pytest.param(
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
        id="redis",
        marks=pytest.mark.redis,
    ),
]


@pytest.fixture
def shared_cache(request, settings):
    settings.CACHES = {"default": request.param}
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.postgres
@pytest.mark.parametrize("shared_cache", CACHES, indirect=True)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_16_simultaneous_responses_from_one_address_let_exactly_one_through(shared_cache, settings):
    settings.BLOG_COMMENT_RATE_LIMITS = [(1, 60)]
    tree = build_site()
    rules(hold_on_posts_older_than_days=0)
    post = make_post(tree.blog, "Busy post", date=timezone.localdate())
    fields = form_fields(Client(), post)
    start = threading.Barrier(SIMULTANEOUS)

    def visitor(number):
        client = Client()
        data = {
            **fields,
            "name": f"Visitor {number}",
            "email": f"v{number}@example.com",
            "comment": f"Response number {number}",
        }
        try:
            start.wait()
            return client.post("/responses/post/", data, REMOTE_ADDR="192.0.2.7").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(SIMULTANEOUS) as pool:
        statuses = Counter(pool.map(visitor, range(SIMULTANEOUS)))

    assert statuses == {302: 1, 429: SIMULTANEOUS - 1}


@pytest.mark.parametrize("shared_cache", CACHES, indirect=True)
def test_a_refused_or_given_back_action_is_not_counted(shared_cache):
    limits = [(2, 60), (3, 3600)]
    assert rate_limits.take("someone", limits) == 0
    assert rate_limits.take("someone", limits) == 0
    wait = rate_limits.take("someone", limits)
    assert 1 <= wait <= 61
    # Refused: nothing counted in the longer window either, so one more fits there.
    rate_limits.give_back("someone", limits)
    assert rate_limits.take("someone", limits) == 0
    assert rate_limits.take("someone-else", limits) == 0
