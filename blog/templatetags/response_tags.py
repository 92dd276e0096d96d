"""Tags for visitor responses: a response's text, and the "7 Responses" label."""

import functools

from django import template
from django.template.defaultfilters import linebreaks_filter, urlize

register = template.Library()


@register.filter
def response_text(text):
    """A response as its visitor wrote it: escaped, its links made clickable, its
    paragraphs kept (urlize, then linebreaks)."""
    return response_html(text or "")


# urlize is the slowest step of a post page with many responses, and the same text always
# gives the same HTML: each text is worked out once per process.
@functools.lru_cache(maxsize=4096)
def response_html(text):
    return linebreaks_filter(urlize(text, autoescape=True), autoescape=True)


@register.filter
def responses_label(count):
    """ "No responses yet", "1 Response", "7 Responses"."""
    if not count:
        return "No responses yet"
    return f"{count} Response" if count == 1 else f"{count} Responses"
