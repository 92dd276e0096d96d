"""Writing one WordPress post or page as a Wagtail page, new or in place.

States: `publish` is live; `draft` and `pending` are drafts; `future` is
scheduled the way the admin schedules (a revision approved to go live at the
post's date, published by `manage.py publish_scheduled`), or live when that
date has passed; `private` is live behind a "logged-in users" restriction and
a post password becomes a password restriction.

Speed, and no email: a live page is written directly (its row, then one
revision marked live) rather than through revision.publish(), which would
validate embeds over the network, send page_published and, for a first
publication, email every subscriber. The page keeps WordPress's dates, so
nothing about it looks like a new post.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils import timezone
from django.utils.text import Truncator, slugify
from wagtail.models import Page, PageViewRestriction, Revision

from blog.models import BlogPostPage

from .responses import comment_text

LIVE_STATES = {"publish": "live", "private": "private"}
STATES = {**LIVE_STATES, "future": "future", "draft": "draft", "pending": "draft"}
SKIPPED_STATES = {
    "trash": "in the trash",
    "auto-draft": "automatic drafts",
    "inherit": "revisions",
}


class ItemError(Exception):
    """This item cannot be imported; the message says why."""


class PageWriter:
    def __init__(self, importer):
        self.importer = importer
        self.report = importer.report
        self.siblings = {}  # parent id -> {slug: page id}

    # Field values ---------------------------------------------------------------

    def sibling_slugs(self, parent):
        """{slug: page id} of the parent's children, kept up to date as pages are added."""
        if parent.pk not in self.siblings:
            self.siblings[parent.pk] = dict(Page.objects.child_of(parent).values_list("slug", "pk"))
        return self.siblings[parent.pk]

    def slug_for(self, item, kind, parent, page, label):
        """WordPress's slug, made unique among the page's new siblings."""
        slug = item.name
        try:
            validate_unicode_slug(slug)
        except ValidationError:
            slug = slugify(slug or item.title, allow_unicode=True)
        slug = (slug or f"{kind}-{item.id}")[:255]
        taken = self.sibling_slugs(parent)
        candidate, number = slug, 1
        while taken.get(candidate, page.pk if page else None) != (page.pk if page else None):
            number += 1
            candidate = f"{slug[:250]}-{number}"
        if candidate != slug:
            self.report.warn(f"{label}: the address “{slug}” is taken here; it is “{candidate}”")
        return candidate

    def summary_for(self, item, label):
        summary = comment_text(item.excerpt)
        if len(summary) > 500:
            self.report.warn(f"{label}: excerpt cut to the summary's 500 characters")
            summary = Truncator(summary).chars(500)
        return summary

    @staticmethod
    def repair(blocks, label, warn):
        """Fit headings and captions to their blocks' limits rather than lose the post."""
        for block in blocks:
            value = block.get("value")
            if block.get("type") == "heading" and len(value.get("text", "")) > 255:
                value["text"] = Truncator(value["text"]).chars(255)
                warn(f"{label}: a heading longer than 255 characters was cut")
            elif block.get("type") in ("image", "embed") and len(value.get("caption", "")) > 500:
                value["caption"] = Truncator(value["caption"]).chars(500)
                warn(f"{label}: a caption longer than 500 characters was cut")
        return blocks

    @staticmethod
    def validate_body(page_class, blocks):
        """Each block as the editor would check it; embeds only store their address
        (checking one would ask its provider over the network)."""
        stream_block = page_class._meta.get_field("body").stream_block
        for child in stream_block.to_python(blocks):
            if child.block_type != "embed":
                child.block.clean(child.value)

    # Writing --------------------------------------------------------------------

    def write(self, item, kind, page_class, parent, page, blocks, author, tags, label):
        """The page for `item`, created under `parent` or updated in place."""
        state = STATES[item.status]
        now = timezone.now()
        published_at = aware(item.date_gmt, item.date) or now
        if state == "future" and published_at <= now:
            self.report.warn(f"{label}: scheduled for {published_at:%Y-%m-%d}, passed: published")
            state = "live"
        title = item.title or "(no title)"
        if len(title) > 255:
            self.report.warn(f"{label}: title cut to 255 characters")
            title = Truncator(title).chars(255)
        blocks = self.repair(blocks, label, self.report.warn)
        self.validate_body(page_class, blocks)

        is_new = page is None
        if is_new:
            page = page_class(owner=author, show_in_menus=kind == "page" and parent.depth == 2)
        page.title = page.draft_title = title
        page.slug = self.slug_for(item, kind, parent, None if is_new else page, label)
        page.body = blocks
        if page_class is BlogPostPage:
            page.date = item.date.date() if item.date else timezone.localdate(published_at)
            page.author = author
            page.summary = self.summary_for(item, label)
            page.comments_open = item.comment_status == "open"
            page.tags.set(tags)
        if author is not None:
            page.owner = author

        if is_new:
            page.live = False  # saved as a draft first: a live save would check embeds
            page.has_unpublished_changes = True
            parent.add_child(instance=page)
        else:
            if page.get_parent().pk != parent.pk:
                page.move(parent, pos="last-child")
                page.refresh_from_db(fields=["path", "depth", "url_path"])
            page.save(clean=False)
        self.siblings[parent.pk][page.slug] = page.pk

        if state == "future":
            self.schedule(page, published_at)
        else:
            modified_at = aware(item.modified_gmt, None)
            self.settle(page, state, published_at, max(published_at, modified_at or published_at))
        self.restrict(page, state, item.password, is_new)
        return page

    def schedule(self, page, go_live_at):
        """As the admin does: a revision approved to go live at the post's date."""
        page.go_live_at = go_live_at
        page.save(clean=False, update_fields=["go_live_at"])
        revision = page.save_revision(clean=False, log_action=True)
        revision.publish(skip_permission_checks=True)

    def settle(self, page, state, published_at, modified_at):
        """Live (with WordPress's dates) or a draft, with one revision of what it holds."""
        live = state in ("live", "private")
        page.live = live
        page.go_live_at = None
        page.expired = False
        page.has_unpublished_changes = not live
        if live:
            page.first_published_at = published_at
            page.last_published_at = modified_at
        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            content=page.serializable_data(),
            object_str=str(page)[:255],
        )
        page.latest_revision = revision
        page.latest_revision_created_at = revision.created_at
        page.live_revision = revision if live else None
        fields = [
            "live",
            "go_live_at",
            "expired",
            "has_unpublished_changes",
            "first_published_at",
            "last_published_at",
            "latest_revision",
            "latest_revision_created_at",
            "live_revision",
        ]
        Page.objects.filter(pk=page.pk).update(**{name: getattr(page, name) for name in fields})

    @staticmethod
    def restrict(page, state, password, is_new=False):
        """Private: for logged-in users only; a post password: Wagtail's shared password."""
        wanted = None
        if state == "private":
            wanted = (PageViewRestriction.LOGIN, "")
        elif password:
            wanted = (PageViewRestriction.PASSWORD, password[:255])
        if is_new and wanted is None:
            return  # a page made just now has no restrictions to remove
        restrictions = PageViewRestriction.objects.filter(
            page=page,
            restriction_type__in=[PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD],
        )
        kept = False
        for restriction in restrictions:
            if wanted and (restriction.restriction_type, restriction.password) == wanted:
                kept = True
            else:
                restriction.delete()
        if wanted and not kept:
            PageViewRestriction.objects.create(
                page=page, restriction_type=wanted[0], password=wanted[1]
            )


def aware(value, local=None):
    """A WordPress GMT time as an aware datetime, else its local time in TIME_ZONE."""
    if value is not None:
        return value.replace(tzinfo=datetime.UTC)
    if local is not None:
        return timezone.make_aware(local)
    return None
