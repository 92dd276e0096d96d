"""A post's body as WordPress's block-editor markup, for export_wordpress: each Wagtail
block becomes the WordPress block an editor there would have made, which
wordpress/content.py reads back the same."""

import html
import json
import re

from bs4 import Tag
from bs4.element import PreformattedString
from wagtail.rich_text import expand_db_html

from blog.blocks import BodyBlock

from .content import _esc, _has_text, _soup

# Export: one WordPress block a Wagtail block, or a rich-text paragraph, list or rule.


def _block(name, inner, attrs=None):
    opener = f"wp:{name} "
    if attrs:  # WordPress's own escaping, so no value can end the comment early
        serialized = json.dumps(attrs, ensure_ascii=False, separators=(",", ":"))
        for old, new in (('\\"', "\\u0022"), ("--", "\\u002d\\u002d"), ("<", "\\u003c"),
                         (">", "\\u003e"), ("&", "\\u0026")):  # fmt: skip
            serialized = serialized.replace(old, new)
        opener += serialized + " "
    return f"<!-- {opener}-->\n{inner}\n<!-- /wp:{name} -->"


def _figure(css_class, inner, caption):
    caption = f'<figcaption class="wp-element-caption">{_esc(caption)}</figcaption>' * bool(caption)
    return f'<figure class="{css_class}">{inner}{caption}</figure>'


def _export_inline(node):
    out = []
    for child in node.children:
        if isinstance(child, Tag):
            tag = {"b": "strong", "strong": "strong", "i": "em", "em": "em", "code": "code"}
            inner = _export_inline(child)
            if child.name == "br":
                out.append("<br>")
            elif child.name in tag:
                out.append(f"<{tag[child.name]}>{inner}</{tag[child.name]}>")
            elif child.name == "a" and child.get("href"):
                out.append(f'<a href="{html.escape(child["href"])}">{inner}</a>')
            else:
                out.append(inner)
        elif not isinstance(child, PreformattedString):
            out.append(_esc(str(child)))
    return "".join(out)


def _export_list(node):
    items = []
    for li in node.find_all("li", recursive=False):
        nested = [sub.extract() for sub in li.find_all(["ul", "ol"], recursive=False)]
        inner = _export_inline(li) + "".join(_export_list(sub) for sub in nested)
        items.append(_block("list-item", f"<li>{inner}</li>"))
    markup = f'<{node.name} class="wp-block-list">' + "\n\n".join(items) + f"</{node.name}>"
    return _block("list", markup, {"ordered": True} if node.name == "ol" else None)


def _export_rich_text(value):
    parts, soup = [], _soup(expand_db_html(value.source))
    for node in soup.find_all(recursive=False):
        if node.name in ("ul", "ol"):
            parts.append(_export_list(node))
        elif node.name == "hr":
            hr = '<hr class="wp-block-separator has-alpha-channel-opacity"/>'
            parts.append(_block("separator", hr))
        elif _has_text(markup := _export_inline(node)):
            parts.append(_block("paragraph", f"<p>{markup}</p>"))
    return parts


def _code_markup(source):
    markup = _esc(source).replace("[", "&#91;")  # so no shortcode runs inside the code
    # A URL alone on a line would be auto-embedded: WordPress escapes its slashes too.
    return re.sub(r"(?m)^(\s*https?:)//(\S+\s*)$", r"\1&#47;&#47;\2", markup)


def blocks_to_html(body, *, image_url=None):
    """Block-editor markup for a post body: a StreamValue, or raw BodyBlock data.

    Rich-text links to pages and documents become their URLs (`expand_db_html`);
    an image's `src` is `image_url(image)`, by default `image.file.url`.
    """
    image_url = image_url or (lambda image: image.file.url)
    body = BodyBlock().to_python(body) if isinstance(body, list) else body
    parts = []
    for child in body:
        kind, value = child.block_type, child.value
        if kind == "paragraph":
            parts += _export_rich_text(value)
        elif kind == "heading":
            level = int(value["level"][1])
            heading = f'<h{level} class="wp-block-heading">{_esc(value["text"])}</h{level}>'
            parts.append(_block("heading", heading, {"level": level} if level != 2 else None))
        elif kind == "image" and value["image"] is not None:
            image = value["image"]
            alt = "" if image.decorative else (image.contextual_alt_text or "")
            img = f'<img src="{html.escape(image_url(image))}" alt="{html.escape(alt)}"/>'
            parts.append(_block("image", _figure("wp-block-image", img, value["caption"])))
        elif kind == "quote":
            paragraphs = [p for p in re.split(r"\n\s*\n", value["text"].strip()) if p.strip()]
            inner = "".join(
                _block("paragraph", "<p>" + "<br>".join(map(_esc, p.split("\n"))) + "</p>")
                for p in paragraphs
            )
            cite = f"<cite>{_esc(value['attribution'])}</cite>" * bool(value["attribution"])
            quote = f'<blockquote class="wp-block-quote">{inner}{cite}</blockquote>'
            parts.append(_block("quote", quote))
        elif kind == "embed" and value["url"]:
            url = value["url"].url
            wrapper = f'<div class="wp-block-embed__wrapper">\n{_esc(url)}\n</div>'
            figure = _figure("wp-block-embed", wrapper, value["caption"])
            parts.append(_block("embed", figure, {"url": url}))
        elif kind == "code":
            language = value["language"] if value["language"] != "text" else ""
            css_class = f"language-{language}" * bool(language)
            code = f"<code>{_code_markup(value['source'])}</code>"
            pre = f'<pre class="{f"wp-block-code {css_class}".strip()}">{code}</pre>'
            parts.append(_block("code", pre, {"className": css_class} if language else None))
    return "\n\n".join(parts)
