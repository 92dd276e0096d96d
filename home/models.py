"""The site's own pages: home, About, New Here? and plain content pages; and the
record of which WordPress object each imported object came from."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from blog.blocks import BodyBlock
from blog.models import POSTS_TAG, BlogIndexPage, BlogPostPage, attach_tags
from blog.responses.threads import attach_response_counts
from pagecache import snapshot
from pagecache.tags import SITE


class SitePage(snapshot.RestrictionsFromSnapshot, Page):
    """The pages of the home app: beside the navigation and footer, each may show or link
    to posts (the home page's latest posts, New Here?'s picks, links in a body)."""

    class Meta:
        abstract = True

    def cache_tags(self):
        return [SITE, POSTS_TAG]


class HomePage(SitePage):
    """The site root: an introduction and the latest posts."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    latest_posts_count = models.PositiveSmallIntegerField(
        "number of latest posts", default=5, help_text="How many recent posts the home page lists."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("latest_posts_count")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "blog.BlogIndexPage",
        "home.AboutPage",
        "home.NewHerePage",
        "home.ContentPage",
    ]

    class Meta:
        verbose_name = "home page"

    def serve(self, request, *args, **kwargs):
        # Old WordPress links name their post in the query string (/?p=123,
        # /?page_id=5). Wagtail's redirects middleware only looks for a
        # redirect when no page answers, and this page answers "/": so it
        # looks for one itself, for those WordPress parameters only.
        from home.wordpress.redirects import query_string_redirect

        return query_string_redirect(request) or super().serve(request, *args, **kwargs)

    def blog_index(self):
        """The live blog under this home page (from the site snapshot: no query)."""
        return snapshot.first_of_type(snapshot.live_children(self), BlogIndexPage)

    def route(self, request, path_components):
        # The pages under this one (the blog, About, New Here?) come from the site
        # snapshot, with no query, where Wagtail's routing takes two (the page, then its
        # specific type). A page not among them (added since) is routed as usual.
        if path_components:
            section = snapshot.section(self, path_components[0])
            if section is not None:
                return section.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        blog_index = self.blog_index()
        context["blog_index"] = blog_index
        posts = blog_index.get_posts()[: self.latest_posts_count] if blog_index else []
        context["posts"] = attach_tags(attach_response_counts(posts))
        return context


class AboutPage(SitePage):
    body = StreamField(BodyBlock())

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "about page"


class NewHerePage(SitePage):
    """Welcomes first-time visitors and points them to the posts to start with."""

    body = StreamField(BodyBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        InlinePanel("start_here_posts", heading="Start here", label="Post"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "New Here? page"

    def get_start_here_posts(self):
        """The picked posts in the editor's order, leaving out drafts and private posts."""
        visible = BlogPostPage.objects.live().public().values("pk")
        return self.start_here_posts.filter(post__in=visible).select_related("post")


class ContentPage(SitePage):
    """A plain page with a title and a body: WordPress pages other than About and
    New Here? become these, keeping their hierarchy."""

    # Blank allowed: a WordPress page is often only the parent of others.
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]

    class Meta:
        verbose_name = "content page"


class StartHerePost(Orderable):
    page = ParentalKey(NewHerePage, related_name="start_here_posts", on_delete=models.CASCADE)
    post = models.ForeignKey(BlogPostPage, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(
        max_length=255, blank=True, help_text="Optional: why a newcomer should read this one."
    )

    panels = [FieldPanel("post"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "start-here post"


class WordPressItem(models.Model):
    """Which WordPress object an imported object came from, so that importing the
    same export again updates it in place instead of adding a copy.

    A generic mapping rather than a column on each model: the imported objects
    are of many kinds (posts, pages, tags, images, users' responses), two of them
    third-party models we cannot add fields to (XtdComment, Image), and the
    mapping means nothing to the site once the move is done. WordPress numbers
    posts, pages and attachments in one sequence, terms in another and comments
    in a third, so `kind` plus the WordPress ID is unique; images found only in
    post bodies are keyed on their path under wp-content/uploads instead.
    """

    KIND_CHOICES = [
        ("post", "post"),
        ("page", "page"),
        ("attachment", "attachment"),
        ("image", "image file"),
        ("tag", "tag"),
        ("category", "category"),
        ("comment", "comment"),
    ]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    wp_id = models.CharField("WordPress ID", max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    # What the item looked like in the export last imported: an unchanged
    # item is left alone on the next run, so editors' changes made since stay.
    fingerprint = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "WordPress item"
        constraints = [
            models.UniqueConstraint(fields=["kind", "wp_id"], name="unique_wordpress_item")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"WordPress {self.kind} {self.wp_id}"
