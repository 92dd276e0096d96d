from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_url(context, blog_index, tag):
    """The URL of a tag's archive on the given blog index."""
    return blog_index.tag_url(tag, context.get("request"))


@register.filter
def web_url(url):
    """The address if it is an http(s) link, else "": a visitor's website must
    never become a javascript: or data: link."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


@register.filter
def responses_label(count):
    """ "No responses yet", "1 Response", "7 Responses"."""
    if not count:
        return "No responses yet"
    return f"{count} Response" if count == 1 else f"{count} Responses"
