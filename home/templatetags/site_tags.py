"""Site chrome shared by every template: navigation and the footer's links."""

from django import template
from django.utils.functional import cached_property
from wagtail.models import Site

from blog.models import BlogIndexPage
from home.models import AboutPage, NewHerePage
from pagecache import snapshot

register = template.Library()


class SiteChrome:
    """The pages the header and footer link to, from the site snapshot (no query)."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def site(self):
        return Site.find_for_request(self.request) if self.request else None

    @cached_property
    def home(self):
        return self.site.root_page if self.site else None

    @cached_property
    def sections(self):
        """The home page's live children, in the order editors gave them."""
        return snapshot.live_children(self.home) if self.home is not None else []

    @cached_property
    def blog(self):
        return snapshot.first_of_type(self.sections, BlogIndexPage)

    @cached_property
    def about(self):
        return snapshot.first_of_type(self.sections, AboutPage)

    @cached_property
    def new_here(self):
        return snapshot.first_of_type(self.sections, NewHerePage)

    @cached_property
    def menu(self):
        pages = [page for page in self.sections if page.show_in_menus]
        return ([self.home] if self.home else []) + pages

    @cached_property
    def feed_url(self):
        if self.blog is None:
            return ""
        return self.blog.feed_url(self.request)

    @property
    def site_name(self):
        return (self.site and self.site.site_name) or "Blog"


@register.simple_tag(takes_context=True)
def site_chrome(context):
    """The request's SiteChrome, built on first use and shared by every include."""
    request = context.get("request")
    if request is None:
        return SiteChrome(None)
    chrome = getattr(request, "site_chrome", None)
    if chrome is None:
        chrome = request.site_chrome = SiteChrome(request)
    return chrome
