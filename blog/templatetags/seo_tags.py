"""Search engines and link previews: canonical URL, feed autodiscovery, OpenGraph and
Twitter card tags, and JSON-LD on posts. None of it costs a query that the page does not
make anyway (the post's first image's share rendition aside, which Wagtail caches)."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.safestring import mark_safe
from wagtail.models import Page

from blog.feeds import feed_links
from blog.models import BlogPostPage, BlogTag

register = template.Library()

OG_IMAGE_FILTER = "fill-1200x630"

# What json_script escapes, so that a title like "</script>" cannot end the element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The absolute URL of the page being shown, or "" where there is no page (search).

    A routable page's own route (an archive) is kept; its query string is
    dropped, except ?page=N for the listing page actually shown when N > 1.
    """
    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, Page):
        return ""
    path = request.path
    if getattr(request, "is_preview", False):
        path = page.get_url(request) or path
    url = request.build_absolute_uri(escape_uri_path(path))
    number = getattr(context.get("posts"), "number", 1)
    return f"{url}?page={number}" if number > 1 else url


def meta_description(context, page):
    tag = context.get("tag")
    if isinstance(tag, BlogTag) and tag.description:
        return tag.description
    if hasattr(page, "get_meta_description"):
        return page.get_meta_description()
    return page.search_description


def share_image(request, post):
    """The post body's first image as an absolute link-preview rendition, or None.

    Kept on the post: the head's OpenGraph tags and the JSON-LD both ask.
    """
    if not hasattr(post, "link_preview_image"):
        post.link_preview_image = None
        # Converts the body's image blocks as rendering the body does: no extra query.
        block = post.body.first_block_by_name("image")
        image = block.value["image"] if block is not None else None
        if image is not None:
            rendition = image.get_rendition(OG_IMAGE_FILTER)
            post.link_preview_image = {
                "url": request.build_absolute_uri(rendition.url),
                "width": rendition.width,
                "height": rendition.height,
                "alt": image.contextual_alt_text,
            }
    return post.link_preview_image


@register.inclusion_tag("includes/head_meta.html", takes_context=True)
def head_meta(context, chrome):
    """Canonical link, feed autodiscovery, OpenGraph and Twitter card tags for the
    <head>. `chrome` is the request's SiteChrome: its site name and blog."""
    request, page = context.get("request"), context.get("page")
    tag = context.get("tag") if isinstance(context.get("tag"), BlogTag) else None
    meta = {"canonical": canonical_url(context), "feeds": []}
    if chrome.blog is not None and request is not None:
        meta["feeds"] = [
            {"type": mime, "title": title, "url": url}
            for mime, title, url in feed_links(chrome.blog, request, tag)
        ]
    if isinstance(page, Page) and request is not None:
        post = page if isinstance(page, BlogPostPage) else None
        meta.update(
            page=page,
            post=post,
            title=context.get("archive_title") or page.seo_title or page.title,
            description=meta_description(context, page),
            site_name=chrome.site_name,
            image=share_image(request, post) if post else None,
        )
    return meta


@register.simple_tag(takes_context=True)
def post_json_ld(context, chrome):
    """The post as a schema.org BlogPosting, as JSON that cannot end the <script> element
    the template puts it in."""
    request, post = context.get("request"), context.get("page")
    url = canonical_url(context)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.get_meta_description(),
        "datePublished": post.date.isoformat(),
        "dateModified": (post.last_published_at or timezone.now()).isoformat(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "keywords": [tag.name for tag in post.tag_list],
        "publisher": {"@type": "Organization", "name": chrome.site_name},
        "commentCount": context.get("response_count") or 0,
    }
    if post.author_name:
        data["author"] = {"@type": "Person", "name": post.author_name}
    image = share_image(request, post)
    if image:
        data["image"] = image["url"]
    # Safe once <, > and & are escaped: the text can hold no tag and no entity.
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))
