"""The WordPress site's old addresses, and where each one leads now.

Every permalink an imported item had (its own <link>, /YYYY/MM/DD/slug/,
/?p=ID, /?page_id=ID), every tag, category, feed and date archive address
becomes a permanent redirect (wagtail.contrib.redirects) to the new page, or to
a route of the blog index such as /blog/tag/x/. The same table turns links in
imported bodies that point to the old site into links to the new pages.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import HttpResponsePermanentRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

# The query-string forms of WordPress's "ugly" permalinks.
WORDPRESS_QUERY_KEYS = ("p", "page_id", "cat", "tag", "feed", "m")
FEEDS = {
    "/feed/": "/feed/",
    "/feed/rss2/": "/feed/",
    "/feed/rss/": "/feed/",
    "/feed/rdf/": "/feed/",
    "/feed/atom/": "/feed/atom/",
    "/?feed=rss2": "/feed/",
    "/?feed=rss": "/feed/",
    "/?feed=atom": "/feed/atom/",
    "/comments/feed/": "/responses/feed/",
    "/?feed=comments-rss2": "/responses/feed/",
}
HREF = re.compile(r'(<a\b[^>]*?)\bhref="([^"]*)"')


def query_string_redirect(request):
    """The redirect for an old /?p=ID style link to the home page, or None.

    Only the WordPress parameter counts: /?p=4&replytocom=9 finds /?p=4.
    """
    for key in WORDPRESS_QUERY_KEYS:
        value = request.GET.get(key)
        if value:
            path = Redirect.normalise_path(
                f"{request.path}?{urlencode({key: value})}", decode_unicode=False
            )
            redirect = get_redirect(request, path)
            if redirect is not None and redirect.link:
                return HttpResponsePermanentRedirect(redirect.link)
            return None
    return None


@dataclass(frozen=True)
class Target:
    """Where an old address leads: an imported item's page (resolved once it is
    imported), or a page and one of its routes (a tag archive, a feed)."""

    item: tuple | None = None  # (kind, WordPress ID)
    page_id: int | None = None
    route: str = ""


class OldLinks:
    """The old site's addresses, the redirects planned for them, and link rewriting."""

    def __init__(self, export, site, report):
        self.site = site
        self.report = report
        self.hosts = {
            urlsplit(url).netloc.lower()
            for url in (export.base_site_url, export.base_blog_url, export.link)
            if url
        }
        self.base = urlsplit(export.base_blog_url).path.rstrip("/")
        # The old site at this site's own address (a re-import of our own export,
        # or a blog moving in place): its other links become root-relative.
        self.same_host = urlsplit(site.root_url).netloc.lower() in self.hosts
        self.targets = {}  # normalised old path -> Target
        self.planned = {}  # normalised old path -> Target, for items actually imported
        self.page_ids = {}  # (kind, WordPress ID) -> page id, filled as items import

    # Addresses -----------------------------------------------------------------------

    def local_path(self, url):
        """The path and query of a link into the old site, or None for any other."""
        parts = urlsplit((url or "").strip())
        if parts.scheme in ("http", "https"):
            if parts.netloc.lower() not in self.hosts:
                return None
        elif parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None
        return urlunsplit(("", "", parts.path or "/", parts.query, ""))

    def key(self, path):
        return Redirect.normalise_path(path)

    def item_paths(self, item, kind):
        """Every address WordPress answered for this post or page."""
        paths = []
        if link := self.local_path(item.link):
            paths.append(link)
        if kind == "post" and item.date and item.name:
            paths.append(f"{self.base}/{item.date:%Y/%m/%d}/{item.name}/")
        paths.append(f"{self.base}/?p={item.id}")
        if kind == "page":
            paths.append(f"{self.base}/?page_id={item.id}")
        return paths

    def feed_paths(self, item, kind):
        """A post's own comment feed, at its permalinks plus feed/."""
        if kind != "post":
            return []
        return [
            f"{path}feed/"
            for path in self.item_paths(item, kind)
            if path.endswith("/") and "?" not in path
        ]

    # The address table, built from the whole export before anything is written ------

    def add_item(self, item, kind):
        for path in self.item_paths(item, kind):
            self.targets.setdefault(self.key(path), Target(item=(kind, item.id)))
        for path in self.feed_paths(item, kind):
            self.targets.setdefault(
                self.key(path), Target(item=(kind, item.id), route="/responses/feed/")
            )

    def add_term(self, term, category_path, blog, tag):
        """A tag's or category's archive and feed; `tag` None leads to the blog itself."""
        if term.taxonomy == "post_tag":
            paths = [f"{self.base}/tag/{term.slug}/", f"{self.base}/?tag={term.slug}"]
        else:
            paths = [f"{self.base}/category/{category_path}/"]
            if term.id:
                paths.append(f"{self.base}/?cat={term.id}")
        route = f"/tag/{tag.slug}/" if tag else ""
        for path in paths:
            self.targets.setdefault(self.key(path), Target(page_id=blog.pk, route=route))
        self.targets.setdefault(
            self.key(paths[0] + "feed/"),
            Target(page_id=blog.pk, route=f"{route}feed/" if tag else "/feed/"),
        )

    def add_blog(self, blog, dates):
        """Feeds and date archives (/2008/, /2008/12/, /2008/12/15/, /?m=200812)."""
        for old, route in FEEDS.items():
            self.targets.setdefault(
                self.key(f"{self.base}{old}"), Target(page_id=blog.pk, route=route)
            )
        for date in dates:
            archives = {
                f"{self.base}/{date:%Y}/": f"/{date:%Y}/",
                f"{self.base}/{date:%Y/%m}/": f"/{date:%Y/%m}/",
                f"{self.base}/{date:%Y/%m/%d}/": f"/{date:%Y/%m}/",
                f"{self.base}/?m={date:%Y%m}": f"/{date:%Y/%m}/",
                f"{self.base}/?m={date:%Y}": f"/{date:%Y}/",
            }
            for old, route in archives.items():
                self.targets.setdefault(self.key(old), Target(page_id=blog.pk, route=route))

    # Planning and writing the redirects ------------------------------------------

    def imported(self, kind, wp_id, page_id):
        """An item now has its page: its old addresses may redirect there."""
        self.page_ids[(kind, wp_id)] = page_id

    def plan(self):
        """Every old address whose target exists, as (old path, page id, route)."""
        for path, target in self.targets.items():
            page_id = self.page_ids.get(target.item) if target.item else target.page_id
            if page_id is not None:
                yield path, page_id, target.route

    def save(self):
        """Create or update the redirects, in bulk; an address a page now answers
        itself (/about/ to /about/) gets none."""
        plan = list(self.plan())
        urls = self.page_urls({page_id for _, page_id, _ in plan})
        existing = {
            redirect.old_path: redirect for redirect in Redirect.objects.filter(site=self.site)
        }
        new, changed = [], []
        for path, page_id, route in plan:
            if len(path) > 255:
                self.report.skip("redirect", "old address longer than 255 characters")
                continue
            url = urls.get(page_id)
            if url is None or self.key(url.rstrip("/") + (route or "/")) == path:
                continue
            redirect = existing.get(path)
            if redirect is None:
                new.append(
                    Redirect(
                        old_path=path,
                        site=self.site,
                        redirect_page_id=page_id,
                        redirect_page_route_path=route,
                        is_permanent=True,
                    )
                )
            elif (
                redirect.redirect_page_id,
                redirect.redirect_page_route_path,
                redirect.redirect_link,
                redirect.is_permanent,
            ) != (page_id, route, "", True):
                redirect.redirect_page_id = page_id
                redirect.redirect_page_route_path = route
                redirect.redirect_link = ""
                redirect.is_permanent = True
                changed.append(redirect)
            else:
                self.report.count("redirect", "unchanged")
        Redirect.objects.bulk_create(new, batch_size=500)
        Redirect.objects.bulk_update(
            changed,
            ["redirect_page", "redirect_page_route_path", "redirect_link", "is_permanent"],
            batch_size=500,
        )
        self.report.count("redirect", "new", len(new))
        self.report.count("redirect", "updated", len(changed))

    def page_urls(self, page_ids):
        """Each page's address on the site, from its url_path (one query)."""
        urls = {
            pk: self.url_from_path(url_path)
            for pk, url_path in Page.objects.filter(pk__in=page_ids).values_list("pk", "url_path")
        }
        return {pk: url for pk, url in urls.items() if url is not None}

    def url_from_path(self, url_path):
        root = self.site.root_page.url_path
        return "/" + url_path[len(root) :] if url_path.startswith(root) else None

    # Links inside imported bodies ------------------------------------------------

    def rewrite_links(self, blocks, urls):
        """Links to the old site's posts and pages in paragraph blocks become page
        links; to its tags, categories and feeds, the new addresses. Returns the
        blocks and whether some link points to an item not imported yet."""
        pending = False

        def replace(match):
            nonlocal pending
            href = html.unescape(match.group(2))
            path = self.local_path(href)
            target = self.targets.get(self.key(path)) if path else None
            if target is None:
                if path and self.same_host and "://" in href:
                    fragment = urlsplit(href).fragment
                    relative = path + (f"#{fragment}" if fragment else "")
                    return f'{match.group(1)}href="{html.escape(relative)}"'
                return match.group(0)
            if target.item and not target.route:
                page_id = self.page_ids.get(target.item)
                if page_id is None:
                    pending = True
                    return match.group(0)
                return f'{match.group(1)}linktype="page" id="{page_id}"'
            page_id = self.page_ids.get(target.item) if target.item else target.page_id
            url = urls(page_id)
            if url is None:
                pending = pending or bool(target.item)
                return match.group(0)
            new_url = url.rstrip("/") + (target.route or "/")
            return f'{match.group(1)}href="{html.escape(new_url)}"'

        rewritten = []
        for block in blocks:
            if block.get("type") == "paragraph" and isinstance(block.get("value"), str):
                block = {**block, "value": HREF.sub(replace, block["value"])}
            rewritten.append(block)
        return rewritten, pending
