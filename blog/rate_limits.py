"""Rate limits on what visitors send (responses, subscriptions).

Counted in the cache (shared by every app server when REDIS_URL is set) with its atomic
`add` and `incr` only, so that simultaneous requests cannot read the same count: of 16
posts at once against a limit of 1, exactly one gets through. A window opens with the
first action counted in it and lasts its length.
"""

import time

from django.core.cache import cache


def client_ip(request):
    # REMOTE_ADDR only: behind a proxy, configure it to set REMOTE_ADDR (for gunicorn,
    # --forwarded-allow-ips); X-Forwarded-For is trivially forged.
    return request.META.get("REMOTE_ADDR", "")


def count_key(key, window):
    return f"rate:{key}:{window}"


def counted(cache_key, window, now):
    """Count one action in the window under `cache_key`; its count with this one."""
    for _attempt in range(3):
        if cache.add(cache_key, 1, timeout=window):
            cache.set(f"{cache_key}:opened", now, timeout=window)
            return 1
        try:
            return cache.incr(cache_key)
        except ValueError:
            continue  # the window closed between add and incr: open a new one
    return 1


def uncount(cache_key):
    try:
        cache.decr(cache_key)
    except ValueError:
        pass  # the window has closed meanwhile


def take(key, limits):
    """Count an action by `key` (an IP, an address) against `limits`, a list of (most
    actions, window in seconds). Returns 0 when it is allowed (and counted), else the
    seconds to wait (and nothing is counted)."""
    now = time.time()
    taken = []
    for limit, window in limits:
        cache_key = count_key(key, window)
        taken.append(cache_key)
        if counted(cache_key, window, now) > limit:
            for done in taken:
                uncount(done)
            opened = cache.get(f"{cache_key}:opened", now)
            return max(1, int(opened + window - now) + 1)
    return 0


def give_back(key, limits):
    """Uncount the last action `take` allowed (a form that came back with errors)."""
    for _limit, window in limits:
        uncount(count_key(key, window))
