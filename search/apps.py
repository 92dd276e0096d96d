from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"

    def ready(self):
        from wagtail.contrib.search_promotions.models import SearchPromotion
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished

        from blog.models import BlogPostPage, BlogTag

        from .views import forget_filter_choices, forget_promoted_queries

        # What changes the years and tags the search filters offer.
        page_published.connect(forget_filter_choices, sender=BlogPostPage)
        page_unpublished.connect(forget_filter_choices, sender=BlogPostPage)
        post_delete.connect(forget_filter_choices, sender=BlogPostPage)
        for model in (BlogTag, PageViewRestriction):
            post_save.connect(forget_filter_choices, sender=model)
            post_delete.connect(forget_filter_choices, sender=model)
        # What changes the searches that have promoted results (deleting a search term
        # deletes its promotions, one by one).
        post_save.connect(forget_promoted_queries, sender=SearchPromotion)
        post_delete.connect(forget_promoted_queries, sender=SearchPromotion)
