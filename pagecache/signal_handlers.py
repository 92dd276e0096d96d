"""What makes cached pages and the site snapshot out of date, as far as Wagtail's own models
tell. Apps connect handlers of their own for their data (blog/signal_handlers.py)."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import snapshot
from .tags import SITE, invalidate, tags_invalidated_by


def page_changed(sender, instance, **kwargs):
    """A page was published or unpublished: what it says its change makes stale."""
    tags = tags_invalidated_by(instance.specific_deferred)
    if SITE in tags:
        snapshot.forget()
    invalidate(*tags)


def site_changed(**kwargs):
    """A page moved, changed its slug or was deleted, or a site, a view restriction or a
    setting changed: every page, and the snapshot."""
    snapshot.forget()
    invalidate(SITE)


def register_signal_handlers():
    page_published.connect(page_changed, dispatch_uid="pagecache.published")
    page_unpublished.connect(page_changed, dispatch_uid="pagecache.unpublished")
    post_page_move.connect(site_changed, dispatch_uid="pagecache.moved")
    page_slug_changed.connect(site_changed, dispatch_uid="pagecache.slug")
    post_delete.connect(site_changed, sender=Page, dispatch_uid="pagecache.deleted")
    for model in (Site, PageViewRestriction, *snapshot.generic_settings()):
        uid = f"pagecache.{model._meta.label}"
        for signal in (post_save, post_delete):
            signal.connect(site_changed, sender=model, dispatch_uid=uid)
    # Pages the snapshot holds (the rest come through site_changed).
    post_save.connect(snapshot.page_saved, dispatch_uid="pagecache.page_saved")
