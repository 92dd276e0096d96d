"""The anonymous page cache, the site snapshot, and the guard for the forms on cached pages.

A cross-cutting app in the manner of wagtail.contrib.frontend_cache: it knows Wagtail's
`Page`, never a page type. Pages say what they show and what their publication makes
stale as cache tags (`cache_tags()` and `invalidated_cache_tags()`, see `tags`), and
the apps that own other data connect their own signal handlers to `invalidate()`.

- `tags`: the cache-tag vocabulary (`SITE`, `path_tag`), `invalidate()`, and `tagged`
  for views that are not pages.
- `wsgi`: `PageCache`, the one layer that answers and stores cached pages, in front
  of Django (config/wsgi.py).
- `middleware`: `CacheTagsMiddleware` marks the pages Django renders that may be
  stored; `SiteSnapshotMiddleware` hands each request the site snapshot.
- `snapshot`: the sites, their sections, view restrictions and settings, read once and
  kept in each process until something changes.
- `same_origin`: CSRF protection for the forms on cached (shared, token-less) pages.
"""
