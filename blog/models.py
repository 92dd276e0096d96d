"""The blog: its index with archives, posts, and the tags editors keep."""

import calendar
import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock


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


class BlogIndexPage(RoutablePageMixin, Page):
    """The blog: newest posts first, with date and tag archives below it."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["blog.BlogPostPage"]
    max_count = 1

    class Meta:
        verbose_name = "blog index"

    def get_posts(self):
        """Live, public posts of this blog, newest first, ready for a listing."""
        return (
            BlogPostPage.objects.child_of(self)
            .live()
            .public()
            .select_related("author")
            .prefetch_related("tags")
            .order_by("-date", "-first_published_at", "-pk")
        )

    def render_listing(self, request, posts, archive_title="", **extra):
        paginator = Paginator(posts, settings.BLOG_POSTS_PER_PAGE)
        posts_page = nearest_page(paginator, request.GET.get("page"))
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
        if not posts.exists():
            raise Http404("No posts in that year.")
        return self.render_listing(
            request, posts, archive_title=f"Posts from {year}", archive_year=int(year)
        )

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$")
    def month_archive(self, request, year, month):
        year, month = int(year), int(month)
        if not 1 <= month <= 12:
            raise Http404("There is no such month.")
        posts = self.get_posts().filter(date__year=year, date__month=month)
        if not posts.exists():
            raise Http404("No posts in that month.")
        return self.render_listing(
            request,
            posts,
            archive_title=f"Posts from {calendar.month_name[month]} {year}",
            archive_year=year,
        )

    @path("tag/<str:slug>/")
    def tag_archive(self, request, slug):
        tag = BlogTag.objects.filter(slug=slug).first()
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
        from .feeds import LatestPostsFeed

        return LatestPostsFeed(self)(request)

    def feed_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("feed")

    def tag_url(self, tag, request=None):
        return self.get_url(request) + self.reverse_subpage(
            "tag_archive", kwargs={"slug": tag.slug}
        )


class BlogPostPage(Page):
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

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldRowPanel([FieldPanel("date"), FieldPanel("author")])], "Byline"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "blog post"

    @property
    def author_name(self):
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.get_username()

    @cached_property
    def tag_list(self):
        """Tags in name order; uses the listing's prefetch when there is one."""
        return sorted(self.tags.all(), key=lambda tag: tag.name.lower())

    def get_meta_description(self):
        return self.search_description or self.summary

    @cached_property
    def blog_index(self):
        # One query straight for the specific page (get_parent().specific costs two).
        return BlogIndexPage.objects.ancestor_of(self).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self.blog_index
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
