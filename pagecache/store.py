"""Where cached pages are kept: Django's default cache (Redis when REDIS_URL is set, shared
by every app server; else each process's memory).

What may be cached: GET and HEAD requests without a session cookie (editors) or one of
PAGE_CACHE_PERSONAL_COOKIES (a visitor's own held responses, messages); only 200 pages
that set no cookie and are not marked private.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control

from .tags import SITE, changed_key, path_tag

# The layout of an entry is part of its key: an upgrade never reads an older layout.
ENTRY = "page-cache:entry:2:{}"
# Headers of the page that are the visitor's own, or set again on each hit.
NOT_KEPT = ("set-cookie", "content-length", "x-page-cache")


def cacheable_request(method, cookies):
    if not settings.PAGE_CACHE or method not in ("GET", "HEAD"):
        return False
    personal = getattr(settings, "PAGE_CACHE_PERSONAL_COOKIES", ["messages"])
    return not any(name in cookies for name in (settings.SESSION_COOKIE_NAME, *personal))


def cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
    )


def public_cache_control(response):
    """Let browsers revalidate at once and shared caches (a CDN) keep the page for
    PAGE_CACHE_CDN_SECONDS (purged on change when WAGTAILFRONTENDCACHE is set)."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS)


def entry_key(environ, path):
    """The key of the page at `path` (the request's path, as Django reads it) for the
    request whose WSGI variables are `environ`. The scheme and host go in as they
    arrived, uninterpreted, so that the key is known before Django reads the request: a
    page is only ever stored for a host and scheme that Django accepted and served, and a
    plain-HTTP request that production redirects to HTTPS has a key of its own."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    parts = [
        environ.get("wsgi.url_scheme", ""),
        environ.get(proxy_header[0], "") if proxy_header else "",
        environ.get("HTTP_X_FORWARDED_HOST", ""),
        # As Django takes the host: the server's name only when the request has none.
        environ.get("HTTP_HOST")
        or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}",
        path,
        environ.get("QUERY_STRING", ""),
    ]
    return ENTRY.format(hashlib.sha256("\n".join(parts).encode()).hexdigest())


# The tags other than SITE and the path tags that pages have carried in this process
# ("posts", say): fetched with every entry, so that a hit takes one round trip.
seen_tags = set()


def learn(tags):
    seen_tags.update(tag for tag in tags if tag != SITE and not tag.startswith(path_tag("")))


def tags_for_path(path):
    """The tags a page at `path` may show, as far as its address tells: the site, a page
    at any of the path's leading folders, and the other tags seen so far."""
    folders = path.split("/")[1:-1]
    paths = [
        "/" + "".join(f"{folder}/" for folder in folders[:depth])
        for depth in range(1, 1 + len(folders))
    ]
    return [SITE, *sorted(seen_tags), *(path_tag(p) for p in paths)]


def still_fresh(entry, known):
    """Whether nothing `entry` shows changed after it was made; `known` holds the change
    times fetched with it ({cache key: time}), others are fetched now."""
    keys = [changed_key(tag) for tag in entry["tags"]]
    times = {key: known[key] for key in keys if key in known}
    missing = [key for key in keys if key not in known]
    if missing:
        learn(entry["tags"])
        times.update(cache.get_many(missing))
    # A forgotten change time (evicted, or a cleared cache) trusts nothing made before.
    return len(times) == len(keys) and all(entry["made"] > t for t in times.values())


def fresh_entry(key, path):
    """The page stored under `key` if nothing it shows has changed since it was made,
    else None. The entry and the change times it may depend on come in one round trip."""
    found = cache.get_many([key, *(changed_key(tag) for tag in tags_for_path(path))])
    entry = found.pop(key, None)
    return entry if entry is not None and still_fresh(entry, found) else None


def remember(key, made, tags, headers, content):
    """Store a page made at `made` (before it was rendered) that shows `tags`, with its
    `headers` (pairs of name and value) and content."""
    for tag in tags:
        # A change time this cache has forgotten counts as just before this page was
        # made: older entries are no longer trusted, this one is.
        cache.add(changed_key(tag), made - 0.001, timeout=None)
    learn(tags)
    kept = {name: value for name, value in headers if name.lower() not in NOT_KEPT}
    entry = {"made": made, "tags": tags, "headers": kept, "content": content}
    cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)


def hit_headers(entry):
    # Content-Length as CommonMiddleware would set it: the server then sends the page
    # as it is, not in chunks.
    return [
        *entry["headers"].items(),
        ("Content-Length", str(len(entry["content"]))),
        ("X-Page-Cache", "hit"),
    ]
