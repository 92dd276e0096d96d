"""What nearly every page needs and seldom changes, read once and kept in the cache:
the sites and their root paths (for page URLs), the pages directly under each site's
home page (for routing, the header and the footer), which pages carry a view
restriction, and the response settings.

Without it every page costs up to seven more queries (its site, the home page's type,
the blog or other section, the navigation, two for view restrictions, the settings),
about a third of the time a post takes to make. It is built again after any change to
one of them: the receivers that keep the page cache right (home/apps.py) call
`forget()`, at once and when the change commits, and the commit also records the
site's change time (home/page_cache.py). A copy made before that time is never used,
so a request that read the old rows while a change was being saved cannot keep them.

Each process keeps the copy it last used and asks the cache only whether it is still
the current one: one round trip a request, made by `SiteLookupsMiddleware`, which is
skipped by cached pages.
"""

import threading
import time
from dataclasses import dataclass, field

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from home.page_cache import CHANGED, SITE

# The keys carry the layout of SiteLookups, so that a copy pickled by an earlier release
# (without a field this one reads) is never used after an upgrade: raise LAYOUT when the
# fields change.
LAYOUT = 2
MADE = f"site-lookups:{LAYOUT}:made"
DATA = f"site-lookups:{LAYOUT}:data"
# Hostnames are remembered per copy, up to this many (ALLOWED_HOSTS may be "*").
MAX_HOSTS = 50


@dataclass
class SiteLookups:
    made: float
    sites: dict  # {site pk: Site}, each with its home page, of its specific type, as root_page
    sections: dict  # {home page pk: [its children, of their specific types, in tree order]}
    restricted_paths: tuple  # tree paths of the pages that carry a view restriction
    has_aliases: bool  # whether any page is an alias (their restrictions are their source's)
    comment_settings: object
    site_root_paths: list  # Wagtail's Site.get_site_root_paths(), for page URLs
    hosts: dict = field(default_factory=dict)  # {(hostname, port): site pk or None}

    def site_for(self, request):
        """The request's site, as Wagtail's `Site.find_for_request` chooses it."""
        from django.http.request import split_domain_port
        from wagtail.models import Site
        from wagtail.models.sites import get_site_for_hostname

        host = (split_domain_port(request._get_raw_host())[0], request.get_port())
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


def build(made):
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

    from blog.models import CommentSettings

    sites = {site.pk: site for site in Site.objects.select_related("root_page")}
    homes = {site.root_page_id: site.root_page.specific for site in sites.values()}
    for site in sites.values():
        site.root_page = homes[site.root_page_id]
    sections = {}
    for home in homes.values():
        children = list(home.get_children().specific())
        for child in children:
            child._cached_parent_obj = home
        sections[home.pk] = children
    # Wagtail's root paths come from the database, not its cached copy: its own
    # receivers clear that copy, and may not have yet when this change is being read.
    cache.delete(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)
    return SiteLookups(
        made=made,
        sites=sites,
        sections=sections,
        restricted_paths=tuple(
            PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
        ),
        has_aliases=Page.objects.filter(alias_of__isnull=False).exists(),
        comment_settings=CommentSettings.load(),
        site_root_paths=Site.get_site_root_paths(),
    )


def get():
    """The current lookups: this process's copy if nothing changed since it was made."""
    found = cache.get_many([MADE, CHANGED.format(SITE)])
    made, changed_at = found.get(MADE), found.get(CHANGED.format(SITE))
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


class RestrictionsFromLookups:
    """For page models: no query for view restrictions where none can apply."""

    def get_view_restrictions(self):
        lookups = current()
        if lookups is not None and not lookups.may_restrict(self):
            from wagtail.models import PageViewRestriction

            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class PublicFromLookups:
    """For page querysets: `public()` from the restricted pages' paths in the lookups,
    instead of a query for every view restriction (Wagtail's `private_q`)."""

    def private_q(self):
        lookups = current()
        if lookups is None:
            return super().private_q()
        private = Q()
        for path in lookups.restricted_paths:
            # A restriction covers its page and every page below it.
            private |= Q(path__startswith=path)
        return private if private else Q(pk__in=[])


def current():
    """The lookups of the request being served, or None outside one."""
    return getattr(_current, "lookups", None)


def live_children(home):
    """A home page's live children in tree order: from the lookups (no query), or from
    the database outside a request or for a home page they do not hold."""
    lookups = current()
    if lookups is not None and home.pk in lookups.sections:
        return [page for page in lookups.sections[home.pk] if page.live]
    return list(home.get_children().live())


def first_of_type(pages, page_class):
    """The first of `pages` that is a `page_class`, as one (without another query: only
    Page's fields are loaded when it came from the database), or None."""
    for page in pages:
        if page.specific_class is page_class:
            return page.specific_deferred
    return None


def forget_cached(key):
    """Drop a cached value now and again once the current transaction commits: a request
    served in between would otherwise cache what the transaction is changing."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget():
    """Build the lookups again on next use (now, and once the current transaction commits)."""
    forget_cached(MADE)


def page_saved(sender, instance, created=False, **kwargs):
    """Registered for every model's post_save (home/apps.py): a home page or a page
    directly under one, or a new alias, changes the lookups."""
    from wagtail.models import Page

    if isinstance(instance, Page) and (
        (instance.depth or 0) <= 3 or (created and instance.alias_of_id)
    ):
        forget()


class SiteLookupsMiddleware:
    """Fetches the lookups once a request and gives Wagtail the request's site and the
    response settings from them, as if it had queried them itself."""

    def __init__(self, get_response):
        from blog.models import CommentSettings

        self.get_response = get_response
        self.settings_attr = CommentSettings.get_cache_attr_name()

    def __call__(self, request):
        if not settings.SITE_LOOKUPS:
            return self.get_response(request)
        lookups = get()
        request._wagtail_site = lookups.site_for(request)
        # Page URLs made with the request read the sites' root paths from it, not the
        # cache (a round trip each).
        request._wagtail_cached_site_root_paths = lookups.site_root_paths
        setattr(request, self.settings_attr, lookups.comment_settings)
        _current.lookups = lookups
        try:
            return self.get_response(request)
        finally:
            _current.lookups = None
