"""Site chrome shared by every template: navigation and the footer's links."""

from django import template
from django.utils.functional import cached_property
from wagtail.models import Site

from blog.models import BlogIndexPage
from home import site_lookups
from home.models import AboutPage, NewHerePage

register = template.Library()


class SiteChrome:
    """The pages the header and footer link to, from the site lookups (no query)."""

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
        if self.home is None:
            return []
        lookups = site_lookups.current()
        if lookups is not None and self.home.pk in lookups.sections:
            return [page for page in lookups.sections[self.home.pk] if page.live]
        return list(self.home.get_children().live())

    def _first(self, page_class):
        for page in self.sections:
            if page.specific_class is page_class:
                # The specific class without another query: only Page's fields load.
                return page.specific_deferred
        return None

    @cached_property
    def blog(self):
        return self._first(BlogIndexPage)

    @cached_property
    def about(self):
        return self._first(AboutPage)

    @cached_property
    def new_here(self):
        return self._first(NewHerePage)

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
    chrome = getattr(request, "_site_chrome", None)
    if chrome is None:
        chrome = request._site_chrome = SiteChrome(request)
    return chrome
