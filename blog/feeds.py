"""RSS feed of the latest posts, served at the blog index's `feed/` route."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django_comments_xtd.models import XtdComment

from .models import BlogPostPage


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


class ResponsesFeed(Feed):
    """Approved visitor responses, newest first."""

    feed_type = Rss201rev2Feed
    limit = 30

    def __init__(self, page):
        super().__init__()
        self.page = page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.page

    def link(self, page):
        return page.get_full_url(self.request)

    def responses(self):
        return XtdComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(BlogPostPage),
            is_public=True,
            is_removed=False,
        ).order_by("-submit_date")

    def items(self, page):
        responses = list(self.responses_for(page)[: self.limit])
        # The posts' titles and URLs in one query, not one a response.
        posts = (
            BlogPostPage.objects.live()
            .public()
            .in_bulk([int(response.object_pk) for response in responses])
        )
        self.posts = {str(pk): post for pk, post in posts.items()}
        return [response for response in responses if response.object_pk in self.posts]

    def item_title(self, response):
        return f"{response.user_name} on “{self.posts[response.object_pk].title}”"

    def item_description(self, response):
        return response.comment

    def item_link(self, response):
        post = self.posts[response.object_pk]
        return f"{post.get_full_url(self.request)}#comment-{response.pk}"

    def item_pubdate(self, response):
        return response.submit_date

    def item_author_name(self, response):
        return response.user_name


class PostResponsesFeed(ResponsesFeed):
    def title(self, post):
        return f"Responses to “{post.title}”"

    def description(self, post):
        return self.title(post)

    def responses_for(self, post):
        return self.responses().filter(object_pk=str(post.pk))


class LatestResponsesFeed(ResponsesFeed):
    def title(self, index):
        return f"Latest responses on {index.get_site().site_name or index.title}"

    def description(self, index):
        return self.title(index)

    def responses_for(self, index):
        return self.responses()
