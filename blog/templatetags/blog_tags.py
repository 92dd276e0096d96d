import functools
import json
from html import escape

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import linebreaks_filter, urlize
from django.utils import dateformat, timezone
from django.utils.encoding import escape_uri_path
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from blog.feeds import feed_links
from blog.models import BlogPostPage, BlogTag

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_url(context, blog_index, tag):
    """The URL of a tag's archive on the given blog index, worked out once a request:
    a page of search results or of a listing links the same tags many times over
    (each costs the blog's URL and a reverse of its route)."""
    request = context.get("request")
    if request is None:
        return blog_index.tag_url(tag)
    known = request.__dict__.setdefault("_blog_tag_urls", {})
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


HELD_NOTE = mark_safe(
    '<p class="response__held"><strong>Your response is awaiting moderation.</strong> '
    "It will appear here for everyone once it is approved.</p>"
)


@register.simple_tag(takes_context=True)
def response_items(context, nodes):
    """The list items of `nodes` (blog.comments.ResponseNode), replies nested in theirs.

    Written here rather than as an included template: a page of responses holds a
    hundred or more, and the template engine spent more on each than the rest of the
    page together (the busy post took three times as long as the seed post). Plain
    f-strings, each visitor's value through escape() where it goes in, rather than
    format_html: the busy post's 109 responses take 1.4 ms instead of 6.3."""
    author_id = getattr(context.get("page"), "author_id", None)
    replies_open = context.get("responses_open")
    max_level = context.get("max_reply_level", 0)
    zone, language = timezone.get_current_timezone_name(), get_language()

    def item(node):
        comment = node.comment
        pk = int(comment.pk)
        classes = "response"
        if comment.user_id and comment.user_id == author_id:
            classes += " response--by-author"
        if node.held:
            classes += " response--held"
        name = escape(comment.user_name)
        url = web_url(comment.user_url)
        cited = f'<a href="{escape(url)}" rel="nofollow ugc external">{name}</a>' if url else name
        reply = ""
        if replies_open and not node.held and comment.level < max_level:
            reply = (
                f'<p class="response__reply"><a href="?replytocom={pk}#respond" rel="nofollow"'
                f' aria-label="Reply to {name}">Reply</a></p>'
            )
        children = ""
        if node.children:
            replies = "".join(item(child) for child in node.children)
            children = f'<ol class="response-list response-list--children">{replies}</ol>'
        return (
            f'<li class="{classes}" id="comment-{pk}">'
            f'<article aria-labelledby="comment-{pk}-author">'
            '<header class="response__header">'
            f'<span class="response__number">{int(node.number)}.</span> '
            f'<cite class="response__author" id="comment-{pk}-author">{cited}</cite> Says: '
            f'<a class="response__permalink" href="#comment-{pk}">'
            f"{response_time(comment.submit_date, zone, language)}</a>"
            f"</header>{HELD_NOTE if node.held else ''}"
            f'<div class="response__text">{response_text(comment.comment)}</div>{reply}'
            f"</article>{children}</li>"
        )

    return mark_safe("".join(item(node) for node in nodes))  # every value escaped above


@register.simple_tag
def response_fields(form):
    """The response form's fields: the hidden ones, the reply's error if any, then each
    visible field in its paragraph (the honeypot hidden from people, the checkbox before
    its label, the others with their errors between label and input).

    Written here rather than as a loop in includes/response_form.html, as response_items
    is: the template engine's loop over the eleven fields made a quarter of the Python
    calls of an uncached post. tests/test_responses_page.py checks that it reads as
    that loop did, error states and escaping included."""
    parts = [str(field) for field in form.hidden_fields()]
    reply_errors = form["reply_to"].errors
    if reply_errors:
        parts.append(f'<p class="field-error" role="alert">{joined(reply_errors)}</p>')
    for field in form.visible_fields():
        if field.name == "honeypot":
            # Left empty by people; bots fill it and are refused.
            parts.append(f'<p class="honeypot" hidden>{field.label_tag()} {field}</p>')
        elif field.name == "followup":
            parts.append(f'<p class="field field--checkbox">{field} {field.label_tag()}</p>')
        elif field.errors:
            parts.append(
                f'<p class="field field--error">\n{field.label_tag()}\n'
                f'<span class="field-error" id="{escape(field.auto_id)}-error">'
                f"{joined(field.errors)}</span>\n{field}\n</p>"
            )
        else:
            parts.append(f'<p class="field">\n{field.label_tag()}\n{field}\n</p>')
    return mark_safe("\n".join(parts))  # Django's markup, and every error message escaped


def joined(errors):
    """A field's error messages, escaped, as the template's `errors|join:" "`."""
    return " ".join(conditional_escape(error) for error in errors)


def response_text(text):
    """A response as its visitor wrote it: escaped, its links made clickable, its
    paragraphs kept (urlize, then linebreaks)."""
    return _response_html(text or "")


# urlize is the slowest step of a post page with many responses, and the same text
# always gives the same HTML: each text is worked out once per process.
@functools.lru_cache(maxsize=4096)
def _response_html(text):
    return linebreaks_filter(urlize(text, autoescape=True), autoescape=True)


# Formatting dates is the next slowest step of a page of responses; a response's time
# never changes, so each is formatted once per process (for each time zone and language,
# which the caller looks up once for the page).
@functools.lru_cache(maxsize=4096)
def response_time(value, zone, language):
    """When a response was written, as <time>: "November 26th, 2026 at 2:49 a.m."."""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(),
        dateformat.format(local, r"F jS, Y \a\t g:i a"),
    )


@register.filter
def responses_label(count):
    """ "No responses yet", "1 Response", "7 Responses"."""
    if not count:
        return "No responses yet"
    return f"{count} Response" if count == 1 else f"{count} Responses"


# Search engines and link previews: canonical URL, feed autodiscovery,
# OpenGraph and Twitter card tags, and JSON-LD on posts. None of it costs a
# query that the page does not make anyway (the post's first image's share
# rendition aside, which Wagtail caches).

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
    if not hasattr(post, "_share_image"):
        post._share_image = None
        # Converts the body's image blocks as rendering the body does: no extra query.
        block = post.body.first_block_by_name("image")
        image = block.value["image"] if block is not None else None
        if image is not None:
            rendition = image.get_rendition(OG_IMAGE_FILTER)
            post._share_image = {
                "url": request.build_absolute_uri(rendition.url),
                "width": rendition.width,
                "height": rendition.height,
                "alt": image.contextual_alt_text,
            }
    return post._share_image


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
    """The post as a schema.org BlogPosting, in a <script> that its text cannot end."""
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
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )
