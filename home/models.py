"""The site's own pages: home, About, New Here? and plain content pages."""

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
    """A plain page with a title and a body, in a hierarchy of its own: the pages
    an imported blog brings besides About and New Here? become these."""

    # Blank allowed: such a page is often only the parent of others.
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
