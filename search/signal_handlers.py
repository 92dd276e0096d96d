"""What keeps the search page's cached lookups right: the changes that forget them.

Connected by `register_signal_handlers()`, which SearchConfig.ready() calls.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from blog.models import BlogPostPage, BlogTag

from .views import FILTER_CHOICES_KEY, PROMOTED_QUERIES_KEY


def forget_cached(key):
    """Delete a cached value now and again once the current transaction commits: a
    search made in between would otherwise cache what the transaction is changing."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_filter_choices(**kwargs):
    forget_cached(FILTER_CHOICES_KEY)


def forget_promoted_queries(**kwargs):
    forget_cached(PROMOTED_QUERIES_KEY)


def register_signal_handlers():
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
