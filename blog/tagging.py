"""The tags editors keep under Snippets and pick on posts, and reading them for listings."""

from collections import defaultdict

from django.db import models
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase


class BlogTag(TagBase):
    """A tag editors manage under Snippets and pick on posts."""

    slug = models.SlugField(
        unique=True,
        max_length=100,
        allow_unicode=True,
        blank=True,
        help_text="The tag's address: /blog/tag/<slug>/. Made from the name when left empty.",
    )
    description = models.TextField(
        blank=True, help_text="Shown at the top of the tag's archive page."
    )

    class Meta:
        verbose_name = "tag"
        verbose_name_plural = "tags"
        ordering = ["name"]


class BlogPostTag(ItemBase):
    tag = models.ForeignKey(BlogTag, related_name="tagged_posts", on_delete=models.CASCADE)
    content_object = ParentalKey(
        "blog.BlogPostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


def attach_tags(posts):
    """Set each post's `tag_list` for a listing with one query: reading the links with
    their tags directly is cheaper than taggit's prefetch through modelcluster's manager."""
    posts = list(posts)
    if not posts:
        return posts
    tags = defaultdict(list)
    links = BlogPostTag.objects.filter(content_object_id__in=[post.pk for post in posts])
    for link in links.select_related("tag"):
        tags[link.content_object_id].append(link.tag)
    for post in posts:
        post.tag_list = in_name_order(tags[post.pk])
    return posts


def in_name_order(tags):
    return sorted(tags, key=lambda tag: tag.name.lower())
