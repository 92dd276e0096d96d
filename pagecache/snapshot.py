"""The site snapshot: what nearly every page needs and seldom changes, read once and kept.

It holds the sites and their root paths (for page URLs), the pages directly under each
site's home page (for routing, the header and the footer), which pages carry a view
restriction, and every generic setting (wagtail.contrib.settings). Without it, each page
would query them all again.

It is built again after any change to one of them: the signal handlers call `forget()`,
at once and when the change commits, and the commit also records the SITE tag's change
time (pagecache/tags.py). A copy made before that time is never used, so a request that
read the old rows while a change was being saved cannot keep them.

Each process keeps the copy it last used and asks the cache only whether it is still the
current one: one round trip a request, made by `SiteSnapshotMiddleware`. Cached pages
skip it.
"""

import contextlib
import threading
import time
from dataclasses import dataclass, field

from asgiref.local import Local
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models import Q
from django.http.request import split_domain_port
from wagtail.contrib.settings.models import BaseGenericSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import (
    SITE_ROOT_PATHS_CACHE_KEY,
    SITE_ROOT_PATHS_CACHE_VERSION,
    get_site_for_hostname,
)

from .tags import SITE, changed_key

# The keys carry the layout of SiteSnapshot, so that a copy pickled by an earlier release
# (without a field this one reads) is never used after an upgrade: raise LAYOUT when the
# fields change.
LAYOUT = 1
MADE = f"site-snapshot:{LAYOUT}:made"
DATA = f"site-snapshot:{LAYOUT}:data"
# Hostnames are remembered per copy up to this many (ALLOWED_HOSTS may be "*").
MAX_HOSTS = 50


@dataclass
class SiteSnapshot:
    made: float
    sites: dict  # {site pk: Site}, each with its home page, of its specific type, as root_page
    sections: dict  # {home page pk: [its children, of their specific types, in tree order]}
    restricted_paths: tuple  # tree paths of the pages that carry a view restriction
    has_aliases: bool  # whether any page is an alias (their restrictions are their source's)
    settings: dict  # {generic setting model: its instance}
    site_root_paths: list  # Wagtail's Site.get_site_root_paths(), for page URLs
    hosts: dict = field(default_factory=dict)  # {(hostname, port): site pk or None}

    def site_for(self, request):
        """The request's site, as Wagtail's `Site.find_for_request` chooses it."""
        try:
            host = (split_domain_port(request.get_host())[0], request.get_port())
        except DisallowedHost:
            return None  # Django refuses the request further on
        if host not in self.hosts:
            try:
                pk = get_site_for_hostname(*host).pk
            except Site.DoesNotExist:
                pk = None
            if len(self.hosts) >= MAX_HOSTS:
                return self.sites.get(pk)
            self.hosts[host] = pk
        return self.sites.get(self.hosts[host])

    def child(self, home, slug):
        """The page under `home` with this slug, live or not, or None."""
        for page in self.sections.get(home.pk, ()):
            if page.slug == slug:
                return page
        return None

    def may_restrict(self, page):
        """Whether a view restriction may apply to `page`: one on it or an ancestor."""
        return (
            self.has_aliases
            or page.alias_of_id is not None
            or any(page.path.startswith(path) for path in self.restricted_paths)
        )


_process = {"copy": None}
_building = threading.Lock()
_current = Local()


def generic_settings():
    return [model for model in settings_registry if issubclass(model, BaseGenericSetting)]


def build(made):
    sites = {site.pk: site for site in Site.objects.select_related("root_page")}
    homes = {site.root_page_id: site.root_page.specific for site in sites.values()}
    for site in sites.values():
        site.root_page = homes[site.root_page_id]
    sections = {home.pk: list(home.get_children().specific()) for home in homes.values()}
    # Wagtail's root paths come from the database, not its cached copy: its own
    # receivers clear that copy, and may not have yet when this change is being read.
    cache.delete(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)
    return SiteSnapshot(
        made=made,
        sites=sites,
        sections=sections,
        restricted_paths=tuple(
            PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
        ),
        has_aliases=Page.objects.filter(alias_of__isnull=False).exists(),
        settings={model: model.load() for model in generic_settings()},
        site_root_paths=Site.get_site_root_paths(),
    )


def get():
    """The current snapshot: this process's copy if nothing changed since it was made."""
    found = cache.get_many([MADE, changed_key(SITE)])
    made, changed_at = found.get(MADE), found.get(changed_key(SITE))
    if made is not None and (changed_at is None or made > changed_at):
        copy = _process["copy"]
        if copy is not None and copy.made == made:
            return copy
        copy = cache.get(DATA)
        if copy is not None and copy.made == made:
            _process["copy"] = copy
            return copy
    with _building:
        made = time.time()  # before reading: see the module's docstring
        copy = build(made)
        cache.set_many({DATA: copy, MADE: made}, timeout=None)
        _process["copy"] = copy
    return copy


@contextlib.contextmanager
def serving(snapshot):
    """The snapshot that `current()` gives while a request is served."""
    _current.snapshot = snapshot
    try:
        yield snapshot
    finally:
        _current.snapshot = None


def current():
    """The snapshot of the request being served, or None outside one."""
    return getattr(_current, "snapshot", None)


def forget():
    """Build the snapshot again on next use: now, and again once the current transaction
    commits (a request served in between would otherwise keep what it is changing)."""
    cache.delete(MADE)
    transaction.on_commit(lambda: cache.delete(MADE))


# What pages and querysets take from the snapshot ---------------------------------------


def live_children(home):
    """A home page's live children in tree order: from the snapshot (no query), or from
    the database outside a request or for a home page it does not hold."""
    snapshot = current()
    if snapshot is not None and home.pk in snapshot.sections:
        return [page for page in snapshot.sections[home.pk] if page.live]
    return list(home.get_children().live())


def first_of_type(pages, page_class):
    """The first of `pages` that is a `page_class`, as one (without another query: only
    Page's fields are loaded when it came from the database), or None."""
    for page in pages:
        if page.specific_class is page_class:
            return page.specific_deferred
    return None


def section(home, slug):
    """The page directly under `home` with this slug, from the snapshot, or None."""
    snapshot = current()
    return snapshot.child(home, slug) if snapshot is not None else None


class RestrictionsFromSnapshot:
    """For page models: no query for view restrictions where none can apply."""

    def get_view_restrictions(self):
        snapshot = current()
        if snapshot is not None and not snapshot.may_restrict(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class PublicFromSnapshot:
    """For page querysets: `public()` from the restricted pages' paths in the snapshot,
    instead of a query for every view restriction (Wagtail's `private_q`)."""

    def private_q(self):
        snapshot = current()
        if snapshot is None:
            return super().private_q()
        private = Q()
        for path in snapshot.restricted_paths:
            # A restriction covers its page and every page below it.
            private |= Q(path__startswith=path)
        return private if private else Q(pk__in=[])


def page_saved(sender, instance, created=False, **kwargs):
    """A home page or a page directly under one, or a new alias, changes the snapshot."""
    if isinstance(instance, Page) and (
        (instance.depth or 0) <= 3 or (created and instance.alias_of_id)
    ):
        forget()
