"""Django's side of the page cache and the site snapshot."""

from django.conf import settings

from . import snapshot, store
from .wagtail_request import remember_site
from .wsgi import TAGS_HEADER


class CacheTagsMiddleware:
    """Marks the pages that the page cache (pagecache/wsgi.py) may store: a page of a
    cacheable request that says what it shows (`request.cache_tags`, a function that
    gives the tags, set for Wagtail pages by the before_serve_page hook and for other
    views by `tags.tagged`), answered 200 without cookies or private data. They get
    public Cache-Control for a CDN, the tags in a `Cache-Tag` header for the cache, and
    `X-Page-Cache: miss`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cache_tags = getattr(request, "cache_tags", None)
        if (
            cache_tags is not None
            and request.method == "GET"
            and store.cacheable_request(request.method, request.COOKIES)
            and store.cacheable_response(request, response)
            and (tags := cache_tags())
        ):
            store.public_cache_control(response)
            response[TAGS_HEADER] = " ".join(tags)
            response["X-Page-Cache"] = "miss"
        return response


class SiteSnapshotMiddleware:
    """Fetches the site snapshot once a request (one round trip to the cache) and gives
    Wagtail the request's site and settings from it, so that neither is queried."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SITE_LOOKUPS:
            return self.get_response(request)
        current = snapshot.get()
        remember_site(request, current.site_for(request), current.site_root_paths)
        for model, instance in current.settings.items():
            setattr(request, model.get_cache_attr_name(), instance)
        with snapshot.serving(current):
            return self.get_response(request)
