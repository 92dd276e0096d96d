from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from blog.comments import responses_changed
        from blog.models import BlogTag, CommentSettings

        from . import page_cache, site_lookups

        # What makes cached pages out of date (home/page_cache.py).
        page_published.connect(page_cache.page_changed, dispatch_uid="page_cache.published")
        page_unpublished.connect(page_cache.page_changed, dispatch_uid="page_cache.unpublished")
        post_page_move.connect(page_cache.site_changed, dispatch_uid="page_cache.moved")
        page_slug_changed.connect(page_cache.site_changed, dispatch_uid="page_cache.slug")
        post_delete.connect(page_cache.site_changed, sender=Page, dispatch_uid="page_cache.deleted")
        responses_changed.connect(
            page_cache.post_responses_changed, dispatch_uid="page_cache.responses"
        )
        for model in (BlogTag, CommentSettings, Site, PageViewRestriction):
            uid = f"page_cache.{model._meta.label}"
            for signal in (post_save, post_delete):
                signal.connect(page_cache.site_changed, sender=model, dispatch_uid=uid)
        # Pages the site lookups hold (home/site_lookups.py); the rest come through
        # page_cache.site_changed.
        post_save.connect(site_lookups.page_saved, dispatch_uid="site_lookups.page_saved")
