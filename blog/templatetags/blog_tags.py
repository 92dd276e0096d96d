"""Tags for the blog's pages: links to tag archives, and visitors' website links."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_url(context, blog_index, tag):
    """The URL of a tag's archive on the given blog index, worked out once a request:
    a page of search results or of a listing links the same tags many times over
    (each costs the blog's URL and a reverse of its route)."""
    request = context.get("request")
    if request is None:
        return blog_index.tag_url(tag)
    known = request.__dict__.setdefault("blog_tag_urls", {})
    key = (blog_index.pk, tag.slug)
    if key not in known:
        known[key] = blog_index.tag_url(tag, request)
    return known[key]


@register.filter
def web_url(url):
    """The address if it is an http(s) link, else "": a visitor's website must
    never become a javascript: or data: link."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""
