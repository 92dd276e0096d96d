"""What the blog does when pages or its own data change: the new-post email, and the page
cache's view of posts, responses and tags (pagecache knows pages, not the blog)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.signals import page_published, page_unpublished

from pagecache.signal_handlers import site_changed
from pagecache.tags import invalidate, page_path, path_tag

from .models import POSTS_TAG, BlogPostPage, BlogTag, PostEmail
from .notifications import email_new_post, response_held, response_published
from .responses.signals import response_held as held
from .responses.signals import response_shown, responses_changed


def email_subscribers(sender, instance, revision=None, **kwargs):
    """Queue the new-post email the first time a post goes live (now or when scheduled)."""
    # Scheduling a post also sends page_published, with the post not yet live.
    if not instance.live:
        return
    # A first publication sets both dates at once; an edit or a re-publish leaves
    # first_published_at in the past (imported and seeded posts too).
    if not instance.first_published_at or (
        instance.first_published_at != instance.last_published_at
    ):
        return
    try:
        with transaction.atomic():
            record = PostEmail.objects.create(post=instance)
    except IntegrityError:
        return  # the other of two racing publishes got here first
    if instance.email_subscribers:
        transaction.on_commit(lambda: email_new_post.enqueue(record.post_id))


def listing_urls(post):
    """The addresses that list `post`: home, the blog index, its year, month and tag
    archives and their feeds, the responses feed and the sitemap. (The post's own
    address is purged by wagtail.contrib.frontend_cache itself.)"""
    blog = post.get_parent().specific
    site_root = post.get_site().root_url
    index = blog.get_full_url()
    routes = [
        ("index_route", ()),
        ("year_archive", (f"{post.date:%Y}",)),
        ("month_archive", (f"{post.date:%Y}", f"{post.date:%m}")),
        ("feed", ()),
        ("feed_format", ("atom",)),
        ("feed_format", ("json",)),
        ("responses_feed", ()),
    ]
    for tag in post.tags.all():
        routes += [
            ("tag_archive", (tag.slug,)),
            ("tag_feed", (tag.slug,)),
            ("tag_feed_format", (tag.slug, "atom")),
            ("tag_feed_format", (tag.slug, "json")),
        ]
    urls = [f"{site_root}/", f"{site_root}/sitemap.xml"]
    urls += [index + blog.reverse_subpage(name, args=args) for name, args in routes]
    return urls


def purge_listings(sender, instance, **kwargs):
    """Tell the CDN in front of the site (WAGTAILFRONTENDCACHE) to drop the pages that
    list a post that was published or unpublished. Nothing to do without one."""
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        purge_urls_from_cache(listing_urls(instance))


def post_responses_changed(post_pk, **kwargs):
    post = BlogPostPage.objects.filter(pk=post_pk).first()
    if post is None:
        site_changed()
    else:
        invalidate(POSTS_TAG, path_tag(page_path(post)))


def tell_moderators(sender, response, reasons, **kwargs):
    response_held(response, reasons)


def tell_followers(sender, response, **kwargs):
    response_published(response)


def register_signal_handlers():
    page_published.connect(
        email_subscribers, sender=BlogPostPage, dispatch_uid="blog.email_new_post"
    )
    for signal in (page_published, page_unpublished):
        signal.connect(purge_listings, sender=BlogPostPage, dispatch_uid="blog.purge_listings")
    responses_changed.connect(post_responses_changed, dispatch_uid="blog.responses_changed")
    held.connect(tell_moderators, dispatch_uid="blog.tell_moderators")
    response_shown.connect(tell_followers, dispatch_uid="blog.tell_followers")
    # Tags show in listings and on every post: every page.
    for signal in (post_save, post_delete):
        signal.connect(site_changed, sender=BlogTag, dispatch_uid="blog.tag_changed")
