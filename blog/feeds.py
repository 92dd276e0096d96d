"""RSS feed of the latest posts, served at the blog index's `feed/` route."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed


class LatestPostsFeed(Feed):
    feed_type = Rss201rev2Feed
    limit = 20

    def __init__(self, blog_index):
        super().__init__()
        self.blog_index = blog_index

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.blog_index

    def title(self, index):
        site = index.get_site()
        return site.site_name if site and site.site_name else index.title

    def link(self, index):
        return index.get_full_url(self.request)

    def description(self, index):
        return f"The latest posts from {self.title(index)}."

    def items(self, index):
        return index.get_posts()[: self.limit]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.summary

    def item_link(self, post):
        return post.get_full_url(self.request)

    def item_pubdate(self, post):
        return timezone.make_aware(datetime.datetime.combine(post.date, datetime.time()))

    def item_author_name(self, post):
        return post.author_name

    def item_categories(self, post):
        return [tag.name for tag in post.tag_list]
