"""Snippets of a post around the words a reader searched for, with those words marked.

Wagtail's database search has no highlighting (wagtail/wagtail#5340), so this
finds the matches itself. It matches on word stems the way the search engines
do (English), so "experts" also marks "expert" and "marketing" marks "market".

A snippet is plain data, a list of Parts of text, each a match or not; the template
(templates/search/search.html) writes the matches in <mark> and escapes every part.
"""

import html
import re
from typing import NamedTuple

WORD = re.compile(r"\w+", re.UNICODE)
# A tag of the rich text Wagtail stores (its editor writes well-formed HTML with escaped
# attribute values). A regex reads a post's text eighty times faster than an HTML
# parser, and the template escapes what it returns.
TAG = re.compile(r"<[^>]*>")
# The common English endings the porter and PostgreSQL "english" stemmers drop.
SUFFIXES = ("ing", "ers", "ies", "ied", "ed", "es", "er", "ly", "s")
STOP_WORDS = {"a", "an", "and", "are", "as", "at", "be", "by", "for", "in", "is", "it",
              "of", "on", "or", "the", "to", "with"}  # fmt: skip


def stem(word):
    word = word.lower()
    for suffix in SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms_pattern(query):
    """A regex matching any word that shares a stem (or a typed prefix) with a query word."""
    stems = sorted(
        {stem(word) for word in WORD.findall(query) if word.lower() not in STOP_WORDS},
        key=len,
        reverse=True,
    )
    if not stems:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)


def block_text(block):
    """The readable text of one body block, from its stored JSON.

    Reading the raw JSON, not the StreamField's values, costs no queries: an
    image block's value would load its image.
    """
    kind, value = block.get("type"), block.get("value")
    if kind == "paragraph" and isinstance(value, str):
        return html.unescape(TAG.sub(" ", value))
    if isinstance(value, dict):
        if kind == "heading":
            return str(value.get("text", ""))
        if kind == "quote":
            return f"{value.get('text', '')} {value.get('attribution', '')}"
        if kind == "code":
            return str(value.get("source", ""))
        return str(value.get("caption") or "")
    return ""


def post_text(post):
    """A post's summary and body as plain text, for snippets."""
    body = " ".join(block_text(block) for block in post.body.raw_data)
    return " ".join(f"{post.summary} {body}".split())


class Part(NamedTuple):
    """A stretch of a snippet's text, and whether it matches a searched word."""

    text: str
    match: bool = False


def highlight(text, pattern):
    """Text as Parts, every match of pattern a Part of its own."""
    if pattern is None:
        return [Part(text)] if text else []
    parts = []
    last = 0
    for found in pattern.finditer(text):
        if found.start() > last:
            parts.append(Part(text[last : found.start()]))
        parts.append(Part(found.group(0), match=True))
        last = found.end()
    if last < len(text):
        parts.append(Part(text[last:]))
    return parts


def snippet(text, pattern, width=240):
    """The stretch of text (about `width` characters) holding the most matches, as
    Parts, with an ellipsis where it leaves text out."""
    if pattern is None or len(text) <= width:
        return highlight(text[:width], pattern)
    starts = [found.start() for found in pattern.finditer(text)]
    if not starts:
        return highlight(text[:width].rsplit(" ", 1)[0] + " …", None)
    # The window starting a little before a match that covers the most matches.
    best = max(starts, key=lambda s: sum(1 for t in starts if s <= t < s + width - 40))
    start = max(0, best - 40)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + width)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    prefix = [Part("… ")] if start else []
    suffix = [Part(" …")] if end < len(text) else []
    return prefix + highlight(text[start:end], pattern) + suffix
