"""Cache tags: the names of what a cached page shows, and how a change makes pages stale.

Each stored page records when it was made and its tags. A change records its time under
the tags it affects, once its transaction commits (`invalidate`), and a page made before
the latest change of any of its tags is no longer served. A page rendered while a change
is being saved started before that change's time, so it is never kept.

The vocabulary:
- `SITE`: what every page shows (navigation, footer, settings): any change to it makes
  every page stale.
- `path_tag(path)`: the page at that address and its sub-routes (`/blog/slug/` covers
  `/blog/slug/comment-page-2/`); a request's own path says which of these to fetch with
  its entry, in one round trip.
- Any other word an app chooses (the blog tags its listings "posts").

A page says what it shows with a `cache_tags()` method and what its publication or
unpublication makes stale with `invalidated_cache_tags()`; a page without them shows,
and changes, the whole site.
"""

import time
from functools import wraps

from django.core.cache import cache
from django.db import transaction

SITE = "site"
CHANGED = "page-cache:changed:{}"


def path_tag(path):
    """The tag of the page at `path` (an address on its site, `/blog/slug/`)."""
    return f"path:{path}"


def page_path(page):
    """A page's address on its site, as requests for it start."""
    return page.get_url_parts()[2]


def changed_key(tag):
    return CHANGED.format(tag)


def invalidate(*tags):
    """Make the pages that show any of `tags` stale, once the current transaction commits."""

    def record():
        now = time.time()
        cache.set_many({changed_key(tag): now for tag in tags}, timeout=None)

    transaction.on_commit(record)


def tags_shown_by(page):
    """The tags of what `page` shows when served."""
    cache_tags = getattr(page, "cache_tags", None)
    return list(cache_tags()) if cache_tags else [SITE]


def tags_invalidated_by(page):
    """The tags that `page`'s publication or unpublication makes stale."""
    invalidated = getattr(page, "invalidated_cache_tags", None)
    return list(invalidated()) if invalidated else [SITE]


def tagged(*tags):
    """For views that are not Wagtail pages (the sitemap): their pages may be cached,
    and show `tags`."""

    def decorate(view):
        @wraps(view)
        def view_with_tags(request, *args, **kwargs):
            request.cache_tags = lambda: list(tags)
            return view(request, *args, **kwargs)

        return view_with_tags

    return decorate
