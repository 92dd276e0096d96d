"""The blog: its index with archives, posts, and the tags editors keep."""

import calendar
import datetime
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from pagecache.snapshot import PublicFromSnapshot, RestrictionsFromSnapshot
from pagecache.tags import SITE, page_path, path_tag

from . import lookups
from .blocks import BodyBlock
from .feeds import (
    LatestPostsFeed,
    LatestResponsesFeed,
    PostResponsesFeed,
    serve_posts_feed,
)
from .responses import threads
from .responses.forms import ResponseForm
from .responses.held import held_ids_from

# Defined beside the modules that use them; imported here, so that `blog.models` names
# every model of the blog.
from .responses.models import CommentSettings, ReplyNotice  # noqa: F401
from .responses.threads import attach_response_counts
from .tagging import BlogPostTag, BlogTag, attach_tags, in_name_order

# The cache tag of every page that lists posts (home, the index, archives, feeds,
# New Here?, the sitemap): a post's publication or responses make them stale.
POSTS_TAG = "posts"


def nearest_page(paginator, number):
    """The listing page a visitor asked for, or the nearest one that exists.

    `?page=abc` gives page 1, `?page=0` page 1 and `?page=999` the last page,
    so an old or mistyped link still lands on real posts.
    """
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))


class BlogIndexPage(RestrictionsFromSnapshot, RoutablePageMixin, Page):
    """The blog: newest posts first, with date and tag archives below it."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["blog.BlogPostPage"]
    max_count = 1

    class Meta:
        verbose_name = "blog index"

    def route(self, request, path_components):
        # A post's address: the post with its author in one query, and this page set as
        # its blog, where Wagtail's own routing takes two queries and the post two more
        # (its author, its blog). Archives and feeds keep precedence over post slugs.
        if self.live and path_components:
            try:
                self.resolve_subpage("/" + "/".join(path_components) + "/")
            except Http404:
                post = lookups.post_by_slug(BlogPostPage, self, path_components[0])
                if post is not None:
                    post.blog_index = self
                    post.served_as_saved = True
                    return post.route(request, path_components[1:])
        return super().route(request, path_components)

    def cache_tags(self):
        return [SITE, POSTS_TAG]

    def get_posts(self):
        """Live, public posts of this blog, newest first, with their authors (a listing
        adds their tags and response counts to the page it shows)."""
        return (
            BlogPostPage.objects.child_of(self)
            .live()
            .public()
            .select_related("author")
            .order_by("-date", "-first_published_at", "-pk")
        )

    def render_listing(self, request, posts, archive_title="", none_found="", **extra):
        """A page of `posts`; a 404 saying `none_found` when there are none to list."""
        paginator = Paginator(posts, settings.BLOG_POSTS_PER_PAGE)
        if none_found and not paginator.count:
            raise Http404(none_found)
        posts_page = nearest_page(paginator, request.GET.get("page"))
        posts_page.object_list = attach_tags(attach_response_counts(posts_page.object_list))
        return self.render(
            request,
            context_overrides={
                "posts": posts_page,
                "page_range": paginator.get_elided_page_range(posts_page.number),
                "archive_title": archive_title,
                **extra,
            },
        )

    @path("")
    def index_route(self, request):
        return self.render_listing(request, self.get_posts())

    @re_path(r"^(?P<year>\d{4})/$")
    def year_archive(self, request, year):
        posts = self.get_posts().filter(date__year=int(year))
        return self.render_listing(
            request,
            posts,
            archive_title=f"Posts from {year}",
            archive_year=int(year),
            none_found="No posts in that year.",
        )

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$")
    def month_archive(self, request, year, month):
        year, month = int(year), int(month)
        if not 1 <= month <= 12:
            raise Http404("There is no such month.")
        posts = self.get_posts().filter(date__year=year, date__month=month)
        return self.render_listing(
            request,
            posts,
            archive_title=f"Posts from {calendar.month_name[month]} {year}",
            archive_year=year,
            none_found="No posts in that month.",
        )

    @path("tag/<str:slug>/")
    def tag_archive(self, request, slug):
        # PostgreSQL refuses NUL bytes in text, and no slug has one.
        tag = BlogTag.objects.filter(slug=slug).first() if "\x00" not in slug else None
        if tag is None:
            raise Http404("No such tag.")
        return self.render_listing(
            request,
            self.get_posts().filter(tagged_items__tag=tag),
            archive_title=f"Posts tagged “{tag.name}”",
            tag=tag,
        )

    @path("feed/")
    def feed(self, request):
        return LatestPostsFeed(self)(request)

    @re_path(r"^feed/(?P<kind>atom|json)/$")
    def feed_format(self, request, kind):
        return serve_posts_feed(self, request, kind)

    @path("tag/<str:slug>/feed/", name="tag_feed")
    @re_path(r"^tag/(?P<slug>[^/]+)/feed/(?P<kind>atom|json)/$", name="tag_feed_format")
    def tag_feed(self, request, slug, kind="rss"):
        return serve_posts_feed(self, request, kind, tag_slug=slug)

    @path("responses/feed/")
    def responses_feed(self, request):
        return LatestResponsesFeed(self)(request)

    def feed_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("feed")

    def tag_url(self, tag, request=None):
        return self.get_url(request) + self.reverse_subpage(
            "tag_archive", kwargs={"slug": tag.slug}
        )


class BlogPostQuerySet(PublicFromSnapshot, PageQuerySet):
    pass


class BlogPostPage(RestrictionsFromSnapshot, RoutablePageMixin, Page):
    date = models.DateField(
        "post date",
        default=datetime.date.today,
        help_text="The date readers see on the post; archives are grouped by it.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blog_posts",
        help_text="Shown as “by …” under the title, using the user's full name.",
    )
    summary = models.TextField(
        max_length=500,
        blank=True,
        help_text="One or two sentences for listings, feeds and search engines.",
    )
    body = StreamField(BodyBlock())
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True)
    # public() in listings and search costs no query for view restrictions.
    objects = PageManager.from_queryset(BlogPostQuerySet)()
    comments_open = models.BooleanField(
        "responses open",
        default=True,
        help_text="Let visitors respond to this post.",
    )
    email_subscribers = models.BooleanField(
        "email subscribers",
        default=True,
        help_text="Email this post to confirmed subscribers when it is first published.",
    )
    # Set when the post is loaded to be served at its address (BlogIndexPage.route), as
    # saved: not a preview.
    served_as_saved = False

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldRowPanel([FieldPanel("date"), FieldPanel("author")])], "Byline"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    settings_panels = [
        *Page.settings_panels,
        FieldPanel("comments_open"),
        FieldPanel("email_subscribers"),
    ]

    search_fields = [
        *Page.search_fields,
        # A match in the title outranks any number of matches in the body.
        index.SearchField("title", boost=10),
        index.AutocompleteField("summary"),
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.AutocompleteField("body"),
        index.RelatedFields("tags", [index.SearchField("name", boost=3)]),
        index.FilterField("date"),
    ]

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "blog post"
        # Every listing shows the newest posts first.
        indexes = [models.Index(fields=["-date"], name="blog_post_newest_first")]

    @property
    def author_name(self):
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.get_username()

    @path("responses/feed/")
    def responses_feed(self, request):
        return PostResponsesFeed(self)(request)

    def responses_feed_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("responses_feed")

    @cached_property
    def tag_list(self):
        """Tags in name order (a listing sets them for all its posts: attach_tags)."""
        if self.served_as_saved:
            return in_name_order(lookups.tags_of_post(BlogTag, BlogPostTag, self.pk))
        # A preview's tags are the draft's, held in memory by the tag manager.
        return in_name_order(self.tags.all())

    def get_meta_description(self):
        return self.search_description or self.summary

    def cache_tags(self):
        """What the post's pages show: the site, and the post (its responses included)."""
        return [SITE, path_tag(page_path(self))]

    def invalidated_cache_tags(self):
        """Its publication changes the listings and its own pages, not the whole site."""
        return [POSTS_TAG, path_tag(page_path(self))]

    def accepts_responses(self, rules=None):
        """Open to visitor responses: switched on, and not past the site's closing age."""
        if not self.comments_open:
            return False
        rules = rules or CommentSettings.load()
        if rules.close_after_days:
            return self.date >= timezone.localdate() - timedelta(days=rules.close_after_days)
        return True

    @cached_property
    def blog_index(self):
        # One query straight for the specific page (get_parent().specific costs two).
        return BlogIndexPage.objects.ancestor_of(self).first()

    @path("")
    def post_route(self, request):
        return self.render(request)

    @path("comment-page-<int:number>/")
    def response_page_route(self, request, number):
        # WordPress's address for a page of responses, so imported links keep working.
        if number == 1:
            return redirect(self.get_url(request), permanent=True)
        return self.render(request, response_page=number)

    def get_context(self, request, *args, response_page=1, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self.blog_index

        page = threads.response_page(self, response_page, held_ids_from(request))
        if page.number != response_page:
            raise Http404("No such page of responses.")
        context["responses"] = page.roots
        context["response_page"] = page
        context["response_count"] = page.count
        context["responses_feed_url"] = self.responses_feed_url(request)
        context["responses_open"] = self.accepts_responses(CommentSettings.load(request))
        context["max_reply_level"] = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        # How long the responses and the blank form are kept as fragments: no longer than
        # a cached page, so a release's new markup shows as soon after as its pages do.
        context["fragment_seconds"] = settings.PAGE_CACHE_SECONDS
        form = getattr(request, "response_form", None)
        if form is None and context["responses_open"]:
            # ?replytocom=<id> is the reply link: it works without JavaScript.
            node = page.node(request.GET.get("replytocom", ""))
            can_reply = node and not node.held
            can_reply = can_reply and node.response.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL
            reply_to = node.response if can_reply else None
            form = ResponseForm(self, reply_to=reply_to)
            context["replying_to"] = reply_to
        elif form is not None:
            node = page.node(form.data.get("reply_to", ""))
            context["replying_to"] = node.response if node else None
        context["response_form"] = form
        # The body of the "email this to a friend" link.
        context["share_text"] = "\n\n".join(
            part
            for part in (
                self.title,
                self.summary,
                request.build_absolute_uri(self.get_url(request)),
            )
            if part
        )
        return context


class Subscriber(models.Model):
    """Someone who asked for new posts by email (double opt-in)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"
    STATUS_CHOICES = [
        (PENDING, "Waiting for confirmation"),
        (CONFIRMED, "Confirmed"),
        (UNSUBSCRIBED, "Unsubscribed"),
    ]

    email = models.EmailField(unique=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PENDING)
    created_at = models.DateTimeField("subscribed", auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.email


class PostEmail(models.Model):
    """The record that a post was emailed to subscribers: one a post, ever.

    The unique post makes a second send impossible, even when two publishes
    race: only one of them can create this row.
    """

    post = models.OneToOneField(BlogPostPage, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "post email"
