"""Import a read WordPress export into the site, in place on every later run.

Order: the site itself (home, blog and Site, made as `home.seed` makes them
when missing), authors, tags and categories, attachments, posts with their
responses, pages (parents first), then links between them and the redirects.
Each item is written in a savepoint of its own: one that fails is rolled
back, reported and skipped, and the rest go on. A dry run does all of it in
a transaction that is rolled back at the end (image files are not stored).
"""

import re
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Revision, Site

from blog.models import BlogIndexPage, BlogPostPage
from home.models import AboutPage, ContentPage, HomePage, NewHerePage
from home.seed import Seeder

from .media import MediaLibrary
from .models import WordPressItem
from .pages import SKIPPED_STATES, STATES, PageWriter
from .redirects import OldLinks
from .report import Progress, Report
from .responses import ResponseImporter
from .terms import TermImporter
from .wxr import fingerprint_of

# Bump when the same export should be written again by a newer importer.
IMPORT_FORMAT = 1
SINGLETONS = {"about": AboutPage, "new-here": NewHerePage}
USERNAME_INVALID = re.compile(r"[^\w.@+-]")


class Importer:
    def __init__(
        self,
        export,
        *,
        media_dir=None,
        author_map=None,
        dry_run=False,
        with_pingbacks=False,
        force=False,
        progress_stream=None,
    ):
        self.export = export
        self.author_map = author_map or {}
        self.dry_run = dry_run
        self.with_pingbacks = with_pingbacks
        self.force = force
        self.progress_stream = progress_stream
        self.media_dir = media_dir
        self.report = Report()

    # The run --------------------------------------------------------------------

    def run(self):
        with transaction.atomic():
            self.prepare()
            items = self.export.items
            progress = Progress(self.progress_stream, len(items)) if self.progress_stream else None
            for item in self.ordered(items):
                self.import_item(item)
                if progress:
                    progress.advance()
            if progress:
                progress.finish()
            self.link_forward_references()
            self.links.save()
            if self.dry_run:
                transaction.set_rollback(True)
        return self.report

    def prepare(self):
        self.site, self.home, self.blog = self.prepare_site()
        self.mappings = {
            (m.kind, m.wp_id): m
            for m in WordPressItem.objects.filter(kind__in=["post", "page", "tag", "category"])
        }
        self.claimed_pages = {
            m.object_id for m in self.mappings.values() if m.kind in ("post", "page")
        }
        self.media = MediaLibrary(self.media_dir, self.report, self.dry_run)
        self.pages = PageWriter(self)
        self.responses = ResponseImporter(self)
        self.links = OldLinks(self.export, self.site, self.report)
        self.urls = {}
        self.pending = []
        self.users_by_login, self.users_by_wp_id = self.import_authors()
        self.tags = TermImporter(self).run()
        live_dates = set()
        for item in self.export.items:
            kind = item.type
            if kind in ("post", "page") and not item.error and item.status in STATES:
                self.links.add_item(item, kind)
                if kind == "post" and item.status == "publish" and item.date:
                    live_dates.add(item.date.date())
        self.links.add_blog(self.blog, sorted(live_dates))

    def prepare_site(self):
        """The default site's home page and blog, made as the seed site makes them if
        missing."""
        seed = Seeder()
        home = seed.seed_home()
        if seed.created:  # a new home page: the WordPress site's name and tagline
            home.title = self.export.title or home.title
            home.intro = (
                f"<p>{escape(self.export.description)}</p>" if self.export.description else ""
            )
            home.save_revision(clean=False).publish()
            self.report.warn(f"made the home page “{home.title}” and the site it is the root of")
        site = home.get_site()
        if seed.created:
            # The blog moves in: the site answers at the WordPress site's address.
            site.site_name = self.export.title or site.site_name
            address = urlsplit(self.export.base_site_url)
            if address.hostname:
                port = address.port or (443 if address.scheme == "https" else 80)
                others = Site.objects.exclude(pk=site.pk)
                if not others.filter(hostname=address.hostname, port=port).exists():
                    site.hostname, site.port = address.hostname, port
            site.save()
        blog = BlogIndexPage.objects.child_of(home).first()
        if blog is None:
            blog = seed.seed_blog(home)
            self.report.warn(f"made the blog “{blog.title}” at {blog.url}")
        return site, home.specific, blog

    @staticmethod
    def ordered(items):
        """Attachments, posts, then pages with every parent before its children."""
        kinds = {"attachment": 0, "post": 1}
        first = sorted(
            (item for item in items if item.type != "page"), key=lambda i: kinds.get(i.type, 2)
        )
        pages = [item for item in items if item.type == "page"]
        ids = {item.id for item in pages}
        children = {}
        for item in pages:
            parent = item.parent if item.parent in ids and item.parent != item.id else 0
            children.setdefault(parent, []).append(item)
        ordered, queue, seen = [], list(children.get(0, [])), set()
        while queue:
            item = queue.pop(0)
            if item.id in seen:
                continue
            seen.add(item.id)
            ordered.append(item)
            queue.extend(children.get(item.id, []))
        ordered += [item for item in pages if item.id not in seen]  # parents in a loop
        return first + ordered

    # Authors and terms --------------------------------------------------------------

    def import_authors(self):
        """Each author's user: --author's choice, else the user of that name, else a new
        user without a usable password."""
        User = get_user_model()
        authors = {author.login: author for author in self.export.authors if author.login}
        for item in self.export.items:
            if item.creator and item.creator not in authors:
                authors[item.creator] = None
        by_login, by_wp_id = {}, {}
        for login, author in authors.items():
            user = self.author_map.get(login)
            if user is None:
                username = USERNAME_INVALID.sub("_", login)[:150]
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username)
                    if author is not None:
                        user.email = author.email[:254]
                        # WordPress's display name is the login unless the author chose one.
                        shown = author.display_name if author.display_name != login else ""
                        user.first_name = (author.first_name or shown)[:150]
                        user.last_name = author.last_name[:150]
                    user.set_unusable_password()
                    user.save()
                    self.report.count("author", "new")
                else:
                    self.report.count("author", "unchanged")
            else:
                self.report.count("author", "unchanged")
            by_login[login] = user
            if author is not None and author.id is not None:
                by_wp_id[author.id] = user
        return by_login, by_wp_id

    def user_for_wp_id(self, wp_id):
        return self.users_by_wp_id.get(wp_id) if wp_id else None

    def remember(self, kind, wp_id, obj, fingerprint):
        content_type = ContentType.objects.get_for_model(obj)
        mapping = self.mappings.get((kind, str(wp_id)))
        if mapping is None:
            mapping = WordPressItem.objects.create(
                kind=kind,
                wp_id=str(wp_id),
                content_type=content_type,
                object_id=obj.pk,
                fingerprint=fingerprint,
            )
        else:
            mapping.content_type, mapping.object_id = content_type, obj.pk
            mapping.fingerprint = fingerprint
            mapping.save(update_fields=["content_type", "object_id", "fingerprint", "imported_at"])
        self.mappings[(kind, str(wp_id))] = mapping
        if kind in ("post", "page"):
            self.claimed_pages.add(obj.pk)

    # Items ----------------------------------------------------------------------------

    def import_item(self, item):
        kind = item.type if item.type in ("post", "page", "attachment") else "other"
        label = f"{item.type} {item.id or '?'} “{item.title or '(no title)'}”"
        if item.error:
            self.report.warn(f"{label}: skipped: {item.error}")
            self.report.item("skipped", label, "(malformed)")
            return self.report.skip(kind, "malformed")
        if kind == "other":
            return self.report.skip(kind, f"post type “{item.type}”")
        try:
            if kind == "attachment":
                return self.media.import_attachment(item)
            return self.import_page_item(item, kind, label)
        except Exception as error:  # noqa: BLE001 - one bad item is reported and skipped
            self.report.warn(f"{label}: skipped: {describe(error)}")
            self.report.item("skipped", label, "(an error)")
            self.report.skip(kind, "errors (see warnings)")
            return None

    def import_page_item(self, item, kind, label):
        if item.status not in STATES:
            reason = SKIPPED_STATES.get(item.status, f"status “{item.status}”")
            self.report.item("skipped", label, f"({reason})")
            return self.report.skip(kind, reason)
        author = self.users_by_login.get(item.creator)
        page_class, parent, page = self.locate(item, kind, label)
        mapping = self.mappings.get((kind, str(item.id)))
        fingerprint = fingerprint_of([item.fingerprint(), author and author.pk, IMPORT_FORMAT])
        is_new = page is None
        if page is not None and mapping and mapping.fingerprint == fingerprint and not self.force:
            self.report.count(kind, "unchanged")
            self.report.item("unchanged", label)
        else:
            outcome = "new" if page is None else "updated"
            page = self.write_page(item, kind, page_class, parent, page, author, label, fingerprint)
            self.urls[page.pk] = self.links.url_from_path(page.url_path)
            self.report.item(outcome, label, f"→ {self.urls[page.pk]} ({item.status})")
        self.links.imported(kind, item.id, page.pk)
        if kind == "post":
            self.import_responses(page, item, label, is_new)
        elif item.comments:
            self.report.skip("comment", "on pages (pages take no responses)", len(item.comments))
        return page

    def write_page(self, item, kind, page_class, parent, page, author, label, fingerprint):
        from .content import html_to_blocks

        outcome = "new" if page is None else "updated"
        # Outside the item's savepoint: an image made here stays even if the post fails.
        blocks = html_to_blocks(
            item.content,
            image_for=self.media.image_for,
            warn=lambda message: self.report.warn(f"{label}: {message}"),
        )
        blocks, pending = self.links.rewrite_links(blocks, self.url_of)
        tags = []
        for taxonomy, slug, _name in item.terms:
            tag = self.tags.get((taxonomy, slug))
            if tag is not None and tag not in tags:
                tags.append(tag)
        with transaction.atomic():
            page = self.pages.write(
                item, kind, page_class, parent, page, blocks, author, tags, label
            )
            self.remember(kind, item.id, page, fingerprint)
        self.report.count(kind, outcome)
        if pending:
            self.pending.append((page.pk, label))
        return page

    def locate(self, item, kind, label):
        """The page type, the parent and the existing page (or None) for an item."""
        mapping = self.mappings.get((kind, str(item.id)))
        if kind == "post":
            mapped = BlogPostPage.objects.filter(pk=mapping.object_id).first() if mapping else None
            if mapped is None and item.name in self.pages.sibling_slugs(self.blog):
                mapped = self.unclaimed(BlogPostPage.objects.child_of(self.blog), item.name)
            return BlogPostPage, self.blog, mapped
        mapped = Page.objects.filter(pk=mapping.object_id).first() if mapping else None
        mapped = mapped.specific if mapped else None
        singleton = SINGLETONS.get(item.name) if not item.parent else None
        if singleton is not None:
            return singleton, self.home, mapped or singleton.objects.child_of(self.home).first()
        parent = self.home
        if item.parent:
            parent_id = self.links.page_ids.get(("page", item.parent))
            found = Page.objects.filter(pk=parent_id).first() if parent_id else None
            if found is not None and found.specific_class in (ContentPage, HomePage):
                parent = found
            elif found is not None:
                self.report.warn(
                    f"{label}: “{found.title}” takes no sub-pages here; it is under the home page"
                )
            else:
                self.report.warn(f"{label}: its parent page {item.parent} is not imported")
        if mapped is None:
            mapped = self.unclaimed(ContentPage.objects.child_of(parent), item.name)
        return ContentPage, parent, mapped

    def unclaimed(self, queryset, slug):
        """A page no import made with this slug: the same page, made another way."""
        page = queryset.filter(slug=slug).first() if slug else None
        return None if page is None or page.pk in self.claimed_pages else page

    def url_of(self, page_id):
        if page_id not in self.urls:
            self.urls.update(self.links.page_urls({page_id}))
        return self.urls.get(page_id)

    def import_responses(self, post, item, label, post_is_new):
        if not item.comments:
            return
        try:
            with transaction.atomic():
                self.responses.import_for(post, item, label, post_is_new)
        except Exception as error:  # noqa: BLE001 - reported, and the post stays
            self.report.warn(f"{label}: its responses were skipped: {describe(error)}")
            self.report.skip("comment", "errors (see warnings)", self.responses.attempted)

    def link_forward_references(self):
        """Links to items imported after the item that links to them."""
        for page_id, label in self.pending:
            page = Page.objects.get(pk=page_id).specific
            blocks, pending = self.links.rewrite_links(list(page.body.raw_data), self.url_of)
            if pending:
                self.report.warn(f"{label}: some links lead to items that were not imported")
            with transaction.atomic():
                page.body = blocks
                page.save(clean=False, update_fields=["body"])
                if page.latest_revision_id:
                    Revision.objects.filter(pk=page.latest_revision_id).update(
                        content=page.serializable_data()
                    )


def describe(error):
    """An exception in one line, for the report."""
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
