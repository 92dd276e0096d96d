"""The blog's feeds: posts as RSS 2.0, Atom and JSON Feed (all posts, or one tag's),
and visitor responses as RSS.

Post feeds carry each post in full: its body rendered with the real block
templates, every link and image made absolute, so that a feed reader shows what
the page shows.
"""

import datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django_comments_xtd.models import XtdComment
from wagtail.models import Site

from .responses.threads import post_model, response_page_numbers, response_path
from .tagging import BlogTag, attach_tags

# kind: (MIME type, label); RSS first, as the feed readers expect by default.
POST_FEED_FORMATS = {
    "rss": ("application/rss+xml", "RSS"),
    "atom": ("application/atom+xml", "Atom"),
    "json": ("application/feed+json", "JSON Feed"),
}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


def absolutize_html(html, base_url):
    """`html` with every relative href, src, poster and srcset candidate made
    absolute against `base_url`; absolute URLs (https:, mailto:) stay as they are."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        for attribute in ("href", "src", "poster"):
            if element.get(attribute):
                element[attribute] = urljoin(base_url, element[attribute].strip())
        if element.get("srcset"):
            element["srcset"] = ", ".join(
                _absolute_candidate(candidate, base_url)
                for candidate in element["srcset"].split(",")
                if candidate.strip()
            )
    return str(soup)


def _absolute_candidate(candidate, base_url):
    """One srcset candidate, "url 800w", with its URL made absolute."""
    url, _, descriptor = candidate.strip().partition(" ")
    return f"{urljoin(base_url, url)} {descriptor.strip()}".strip()


def site_name(request, blog_index):
    site = Site.find_for_request(request)  # cached on the request by Wagtail's serve view
    return (site and site.site_name) or blog_index.title


def post_feed_url(blog_index, kind="rss", tag=None, request=None):
    """The (site-relative) URL of the blog's, or a tag's, post feed in format `kind`."""
    route, kwargs = ("tag_feed", {"slug": tag.slug}) if tag else ("feed", {})
    if kind != "rss":
        route, kwargs = f"{route}_format", {**kwargs, "kind": kind}
    return blog_index.get_url(request) + blog_index.reverse_subpage(route, kwargs=kwargs)


def feed_links(blog_index, request, tag=None):
    """(MIME type, title, URL) of each feed a page announces in its head: the whole
    blog's in every format, then, on a tag's archive, the tag's. No queries."""
    name = site_name(request, blog_index)
    links = [
        (mime, f"{name}: latest posts ({label})", post_feed_url(blog_index, kind, None, request))
        for kind, (mime, label) in POST_FEED_FORMATS.items()
    ]
    if tag is not None:
        links += [
            (
                mime,
                f"{name}: posts tagged “{tag.name}” ({label})",
                post_feed_url(blog_index, kind, tag, request),
            )
            for kind, (mime, label) in POST_FEED_FORMATS.items()
        ]
    return links


def serve_posts_feed(blog_index, request, kind="rss", tag_slug=None):
    """The blog's (or, given a slug, one tag's) latest posts in the feed format `kind`."""
    tag = None
    if tag_slug is not None:
        tag = BlogTag.objects.filter(slug=tag_slug).first() if "\x00" not in tag_slug else None
        if tag is None:
            raise Http404("No such tag.")
    feed_class = {"rss": LatestPostsFeed, "atom": AtomPostsFeed, "json": JsonPostsFeed}[kind]
    return feed_class(blog_index, tag=tag)(request)


class RssWithContentFeed(Rss201rev2Feed):
    """RSS 2.0 with the full post in content:encoded beside the summary."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContentFeed(Atom1Feed):
    """Atom with the full post in <content type="html"> beside the summary."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class LatestPostsFeed(Feed):
    """The latest live, public posts of the blog, or of one of its tags, in full (RSS 2.0).

    Queries: the posts with their authors, their tags (prefetched), and what
    each body needs to render, which for text is nothing and for an image is
    the image and its renditions.
    """

    feed_type = RssWithContentFeed
    limit = 20

    def __init__(self, blog_index, tag=None):
        super().__init__()
        self.blog_index = blog_index
        self.tag = tag

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return self.blog_index

    def absolute(self, url):
        return self.request.build_absolute_uri(url)

    def title(self, index):
        name = site_name(self.request, index)
        return f"{name}: posts tagged “{self.tag.name}”" if self.tag else name

    def link(self, index):
        if self.tag:
            return self.absolute(index.tag_url(self.tag, self.request))
        return self.absolute(index.get_url(self.request))

    def feed_url(self, index):
        return self.absolute(escape_uri_path(self.request.path))

    def description(self, index):
        if self.tag:
            return self.tag.description or self.title(index)
        return f"The latest posts from {self.title(index)}."

    def items(self, index):
        posts = index.get_posts()
        if self.tag:
            posts = posts.filter(tagged_items__tag=self.tag)
        return attach_tags(posts[: self.limit])

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        # Read as HTML by feed readers: the plain-text summary is escaped.
        return escape(post.summary)

    def item_link(self, post):
        return self.absolute(post.get_url(self.request))

    def item_pubdate(self, post):
        return timezone.make_aware(datetime.datetime.combine(post.date, datetime.time()))

    def item_updateddate(self, post):
        return post.last_published_at or self.item_pubdate(post)

    def item_author_name(self, post):
        return post.author_name or None

    def item_categories(self, post):
        return [tag.name for tag in post.tag_list]

    def item_content_html(self, post):
        """The post's body as its page renders it, with absolute links and images."""
        html = post.body.render_as_block(context={"request": self.request, "page": post})
        return absolutize_html(str(html), self.item_link(post))

    def item_extra_kwargs(self, post):
        return {"content_html": self.item_content_html(post)}


class AtomPostsFeed(LatestPostsFeed):
    feed_type = AtomWithContentFeed

    def author_name(self, index):
        # Atom wants an author for the feed when an entry has none.
        return site_name(self.request, index)


class JsonPostsFeed(LatestPostsFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of the same posts."""

    def __call__(self, request, *args, **kwargs):
        self.request = request
        index = self.get_object(request)
        feed = {
            "version": JSON_FEED_VERSION,
            "title": self.title(index),
            "home_page_url": self.link(index),
            "feed_url": self.feed_url(index),
            "description": self.description(index),
            "language": "en",
            "items": [self.json_item(post) for post in self.items(index)],
        }
        return JsonResponse(
            feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False}
        )

    def json_item(self, post):
        url = self.item_link(post)
        item = {
            "id": url,
            "url": url,
            "title": post.title,
            "content_html": self.item_content_html(post),
            "date_published": self.item_pubdate(post).isoformat(),
            "date_modified": self.item_updateddate(post).isoformat(),
        }
        if post.summary:
            item["summary"] = post.summary
        if post.author_name:
            item["authors"] = [{"name": post.author_name}]
        if post.tag_list:
            item["tags"] = self.item_categories(post)
        return item


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
            content_type=ContentType.objects.get_for_model(post_model()),
            is_public=True,
            is_removed=False,
        ).order_by("-submit_date")

    def items(self, page):
        responses = list(self.responses_for(page)[: self.limit])
        # The posts' titles and URLs in one query, not one a response.
        posts = (
            post_model()
            .objects.live()
            .public()
            .in_bulk([int(response.object_pk) for response in responses])
        )
        self.posts = {str(pk): post for pk, post in posts.items()}
        responses = [response for response in responses if response.object_pk in self.posts]
        self.page_numbers = response_page_numbers(responses)
        return responses

    def item_title(self, response):
        return f"{response.user_name} on “{self.posts[response.object_pk].title}”"

    def item_description(self, response):
        return response.comment

    def item_link(self, response):
        post = self.posts[response.object_pk]
        return response_path(
            post.get_full_url(self.request), response, self.page_numbers[response.pk]
        )

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
