from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_url(context, blog_index, tag):
    """The URL of a tag's archive on the given blog index."""
    return blog_index.tag_url(tag, context.get("request"))
