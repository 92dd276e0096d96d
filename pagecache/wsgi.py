"""The page cache's one layer: WSGI middleware in front of Django's application.

A hit is answered before Django reads the request (no request object, no middleware, no
database): the page and the headers the whole middleware stack gave it when it was
stored. On a miss the request goes to Django; a page that Django marks as cacheable (a
`Cache-Tag` header, set by `CacheTagsMiddleware`) is stored with its final headers, the
tag header taken off. Static files (whitenoise) and requests that may not be cached go
straight to Django.

If the cache cannot be read or written, the request is served by Django as if there were
no cache.
"""

import logging
import time

from django.conf import settings
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.http.cookie import parse_cookie

from . import store

logger = logging.getLogger(__name__)

TAGS_HEADER = "Cache-Tag"


def request_path(environ):
    """The request's path as Django's WSGIRequest works it out from the environ."""
    script_name = get_script_name(environ)
    path_info = get_path_info(environ) or "/"
    return f"{script_name.rstrip('/')}/{path_info.replace('/', '', 1)}"


class PageCache:
    """`PageCache(application)`: the WSGI application with the page cache in front."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "")
        if not store.cacheable_request(method, parse_cookie(environ.get("HTTP_COOKIE", ""))):
            return self.application(environ, start_response)
        path = request_path(environ)
        if path.startswith(settings.STATIC_URL):
            return self.application(environ, start_response)
        key = store.entry_key(environ, path)
        try:
            entry = store.fresh_entry(key, path)
        except Exception:
            logger.exception("The page cache could not be read")
            return self.application(environ, start_response)
        if entry is not None:
            start_response("200 OK", store.hit_headers(entry))
            return [entry["content"] if method == "GET" else b""]
        return self.render(environ, start_response, key)

    def render(self, environ, start_response, key):
        made = time.time()  # before rendering: see pagecache/tags.py
        marked = {}

        def take_tags(status, headers, exc_info=None):
            kept = []
            for name, value in headers:
                if name.lower() == TAGS_HEADER.lower():
                    marked["tags"] = value.split()
                else:
                    kept.append((name, value))
            marked["headers"] = kept
            return start_response(status, kept, exc_info)

        result = self.application(environ, take_tags)
        if not marked.get("tags"):
            return result
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        try:
            store.remember(key, made, marked["tags"], marked["headers"], content)
        except Exception:
            logger.exception("The page cache could not store a page")
        return [content]
