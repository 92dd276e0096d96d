"""The anonymous full-page cache: whole pages for visitors who are not signed in.

What is cached: Wagtail pages (posts, the blog index and its archives and feeds, home,
About, New Here?) and the sitemap, for GET and HEAD requests without a session cookie
(editors), a held-response cookie (a visitor sees their own response awaiting
moderation) or a messages cookie; only 200 responses that set no cookie and are not
marked private. Search results are not cached: each search counts in the editors'
search-terms report. The store is Django's default cache: Redis when REDIS_URL is set,
shared by every app server, else each process's memory.

Invalidation without a list of cached URLs: each entry records when it was made and
what it shows, "site" (navigation, footer: every page), "lists" (pages that list posts:
home, index, archives, feeds, sitemap, New Here?) or "post:<its address>" (a post's own
pages: responses, their pages and feed). A change records its time under the names it
affects, once its transaction commits, and an entry made before the latest change of
any of its names is ignored. A page rendered while a change is being saved started
before that change's time, so it is never kept. The names a page may show follow from
its address, so a hit costs one round trip to the cache. See the receivers at the end.

Served through config/wsgi.py (gunicorn, runserver), a hit is answered before Django's
request handling starts (`serve_cached_pages`, wrapped around the WSGI application):
a worker then spends 310 µs of processor time on it rather than 448 (README,
Benchmarks), close to the 269 of a static file. On a miss it hands the request to
Django with the key it looked up, and stores the page with the headers the whole
middleware stack gave it. Without the wrapper (Django's test client, which calls the
handler itself) the middleware does both.

Cached pages carry no CSRF token, because every visitor shares them. Forms on them
post to views that check anonymous visitors' requests come from this site (the
Origin header, see blog/comments.py `same_site_or_csrf`) and ask signed-in users for
Django's token as usual.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

ENTRY = "page-cache:entry:{}"
CHANGED = "page-cache:changed:{}"
SITE, LISTS = "site", "lists"
# Other cookies that show a visitor something of their own.
PERSONAL_COOKIES = ("held_responses", "messages")
# What `serve_cached_pages` leaves in the WSGI environ for the middleware: the key it
# looked up (so the middleware does not look again), and what the middleware leaves
# for it: (when the page was made, the names it shows) if the page is to be stored.
LOOKED_UP = "page_cache.key"
TO_STORE = "page_cache.store"


def changed(*names):
    """Forget cached pages that show `names`, once the current transaction commits."""
    from django.db import transaction

    def record():
        now = time.time()
        cache.set_many({CHANGED.format(name): now for name in names}, timeout=None)

    transaction.on_commit(record)


def post_name(path):
    """The name of one post's pages, from its address (`/blog/slug/`): a request's own
    path then tells which post names to fetch with its entry, in one round trip."""
    return f"post:{path}"


def names_for_path(path):
    """The names a page at `path` may show: the site, the lists, and a post at any of
    the path's leading folders (`/blog/slug/` for `/blog/slug/comment-page-2/`)."""
    folders = path.split("/")[1:-1]
    return [SITE, LISTS] + [
        post_name("/" + "".join(f"{folder}/" for folder in folders[:depth]))
        for depth in range(1, len(folders) + 1)
    ]


def post_path(post):
    """A post's address on its site, as requests for it start."""
    return post.get_url_parts()[2]


def shows(request):
    """What the page served for this request shows (see the module's docstring)."""
    from blog.models import BlogPostPage

    page = getattr(request, "page_cache_page", None)
    if page is None:
        return None
    if isinstance(page, BlogPostPage):
        return [SITE, post_name(post_path(page))]
    return [SITE, LISTS]


def remember_served_page(page, request, serve_args, serve_kwargs):
    """Registered as a before_serve_page hook (home/wagtail_hooks.py)."""
    request.page_cache_page = page


def entry_key(meta, path):
    """The key of the page at `path` (the request's path, as Django reads it) for the
    request whose WSGI variables are `meta`. The scheme and host go in as they arrived,
    uninterpreted, so that the key can be worked out before Django reads the request:
    a page is only ever stored for a host and scheme that Django accepted and served,
    and a plain-HTTP request that production redirects to HTTPS has a key of its own."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    parts = [
        meta.get("wsgi.url_scheme", ""),
        meta.get(proxy_header[0], "") if proxy_header else "",
        meta.get("HTTP_X_FORWARDED_HOST", ""),
        # As Django takes the host: the server's name only when the request has none.
        meta.get("HTTP_HOST") or f"{meta.get('SERVER_NAME', '')}:{meta.get('SERVER_PORT', '')}",
        path,
        meta.get("QUERY_STRING", ""),
    ]
    return ENTRY.format(hashlib.sha256("\n".join(parts).encode()).hexdigest())


def cacheable_request(method, cookies):
    if not settings.PAGE_CACHE or method not in ("GET", "HEAD"):
        return False
    return not any(name in cookies for name in (settings.SESSION_COOKIE_NAME, *PERSONAL_COOKIES))


def cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
    )


def still_fresh(entry, known):
    """Whether nothing `entry` shows changed after it was made; `known` holds the change
    times fetched with it ({cache key: time}), others are fetched now."""
    keys = [CHANGED.format(name) for name in entry["shows"]]
    times = {key: known[key] for key in keys if key in known}
    missing = [key for key in keys if key not in known]
    if missing:
        times.update(cache.get_many(missing))
    # A forgotten change time (evicted, or a cleared cache) trusts nothing made before.
    return len(times) == len(keys) and all(entry["made"] > t for t in times.values())


def fresh_entry(key, path):
    """The page stored under `key` if nothing it shows has changed since it was made,
    else None. The entry and the change times it may depend on come in one round trip."""
    found = cache.get_many([key, *(CHANGED.format(name) for name in names_for_path(path))])
    entry = found.pop(key, None)
    return entry if entry is not None and still_fresh(entry, found) else None


def remember(key, made, names, headers, content):
    """Store a page: its content and `headers`, pairs of (name, value)."""
    for name in names:
        # A change time this cache has forgotten counts as just before this page was
        # made: older entries are no longer trusted, this one is.
        cache.add(CHANGED.format(name), made - 0.001, timeout=None)
    kept = {
        name: value
        for name, value in headers
        if name.lower() not in ("set-cookie", "content-length", "x-page-cache")
    }
    entry = {"made": made, "shows": names, "headers": kept, "content": content}
    cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)


def hit_headers(entry):
    # Content-Length as CommonMiddleware would set it: the server then sends the page
    # as it is, not in chunks.
    return [
        *entry["headers"].items(),
        ("Content-Length", str(len(entry["content"]))),
        ("X-Page-Cache", "hit"),
    ]


def public_cache_control(response):
    """Let browsers revalidate at once and shared caches (a CDN) keep the page for
    PAGE_CACHE_CDN_SECONDS (purged on change when WAGTAILFRONTENDCACHE is set)."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request.method, request.COOKIES):
            return self.get_response(request)

        key = request.META.get(LOOKED_UP)
        if key is None:  # not looked up before Django (see the module's docstring)
            key = entry_key(request.META, request.path)
            entry = fresh_entry(key, request.path)
            if entry is not None:
                return HttpResponse(
                    entry["content"] if request.method == "GET" else b"",
                    headers=hit_headers(entry),
                )

        made = time.time()  # before rendering: see the module's docstring
        response = self.get_response(request)
        names = shows(request) or (
            [SITE, LISTS] if getattr(request.resolver_match, "url_name", "") == "sitemap" else None
        )
        if names and request.method == "GET" and cacheable_response(request, response):
            public_cache_control(response)
            response["X-Page-Cache"] = "miss"
            if LOOKED_UP in request.META:
                # serve_cached_pages stores it, with the headers of the whole stack.
                request.META[TO_STORE] = (made, names)
            else:
                remember(key, made, names, response.items(), response.content)
        return response


def request_path(environ):
    """The request's path as Django's WSGIRequest works it out from the environ."""
    script_name = get_script_name(environ)
    path_info = get_path_info(environ) or "/"
    return f"{script_name.rstrip('/')}/{path_info.replace('/', '', 1)}"


def serve_cached_pages(application):
    """WSGI middleware around Django's application: answers page-cache hits before
    Django reads the request, and stores the pages the middleware marks (see the
    module's docstring). Requests for static files go straight to Django (whitenoise)."""

    def serve(environ, start_response):
        method = environ.get("REQUEST_METHOD", "")
        if not cacheable_request(method, parse_cookie(environ.get("HTTP_COOKIE", ""))):
            return application(environ, start_response)
        path = request_path(environ)
        if path.startswith(settings.STATIC_URL):
            return application(environ, start_response)
        key = entry_key(environ, path)
        try:
            entry = fresh_entry(key, path)
        except Exception:
            # Django's middleware will try again and answer the error its own way.
            logger.exception("The page cache could not be read")
            return application(environ, start_response)
        if entry is not None:
            start_response("200 OK", hit_headers(entry))
            return [entry["content"] if method == "GET" else b""]

        environ[LOOKED_UP] = key
        sent = {}

        def keep_headers(status, headers, exc_info=None):
            sent["headers"] = headers
            return start_response(status, headers, exc_info)

        result = application(environ, keep_headers)
        to_store = environ.get(TO_STORE)
        if to_store is None:
            return result
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        remember(key, *to_store, sent["headers"], content)
        return [content]

    return serve


def listing_urls(post):
    """The addresses that list `post`: home, the blog index, its year, month and tag
    archives and their feeds, the responses feed and the sitemap. (The post's own
    address is purged by wagtail.contrib.frontend_cache itself.)"""
    blog = post.get_parent().specific
    site_root = post.get_site().root_url
    index = blog.get_full_url()
    routes = [
        ("index_route", ()),
        ("year_archive", (f"{post.date:%Y}",)),
        ("month_archive", (f"{post.date:%Y}", f"{post.date:%m}")),
        ("feed", ()),
        ("feed_format", ("atom",)),
        ("feed_format", ("json",)),
        ("responses_feed", ()),
    ]
    for tag in post.tags.all():
        routes += [
            ("tag_archive", (tag.slug,)),
            ("tag_feed", (tag.slug,)),
            ("tag_feed_format", (tag.slug, "atom")),
            ("tag_feed_format", (tag.slug, "json")),
        ]
    urls = [f"{site_root}/", f"{site_root}/sitemap.xml"]
    urls += [index + blog.reverse_subpage(name, args=args) for name, args in routes]
    return urls


def purge_listings_from_frontend_cache(post):
    """Tell the CDN in front of the site (WAGTAILFRONTENDCACHE) to drop the pages that
    list `post`. Nothing to do without one."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    purge_urls_from_cache(listing_urls(post))


# Signal receivers (connected in home/apps.py) -----------------------------------------


def page_changed(sender, instance, **kwargs):
    """A page was published or unpublished."""
    from blog.models import BlogPostPage

    if isinstance(instance.specific_deferred, BlogPostPage):
        changed(LISTS, post_name(post_path(instance.specific_deferred)))
        purge_listings_from_frontend_cache(instance.specific_deferred)
    else:
        site_changed()  # a page in the navigation or the footer, maybe


def site_changed(**kwargs):
    """A page moved, changed its slug or was deleted, or a site, a tag, a setting or a
    view restriction changed."""
    from home import site_lookups

    site_lookups.forget()
    changed(SITE)


def post_responses_changed(post_pk, **kwargs):
    from blog.models import BlogPostPage

    post = BlogPostPage.objects.filter(pk=post_pk).first()
    changed(LISTS, post_name(post_path(post)) if post else SITE)
