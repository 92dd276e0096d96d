"""Snippets of a post around the words a reader searched for, with them in <mark>.

Wagtail's database search has no highlighting (wagtail/wagtail#5340), so this
finds the matches itself. It matches on word stems the way the search engines
do (English), so "experts" also marks "expert" and "marketing" marks "market".
"""

import html
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

WORD = re.compile(r"\w+", re.UNICODE)
# A tag of the rich text Wagtail stores (its editor writes well-formed HTML with escaped
# attribute values). A regex reads a post's text eighty times faster than an HTML
# parser, and what it returns is escaped again before it is shown.
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


def highlight(text, pattern):
    """Escape text and wrap every match of pattern in <mark>."""
    if pattern is None:
        return escape(text)
    parts = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every piece above was escaped


def snippet(text, pattern, width=240):
    """The stretch of text (about `width` characters) holding the most matches, marked."""
    if pattern is None or len(text) <= width:
        return highlight(text[:width], pattern)
    starts = [match.start() for match in pattern.finditer(text)]
    if not starts:
        return highlight(text[:width].rsplit(" ", 1)[0] + " …", None)
    # The window starting a little before a match that covers the most matches.
    best = max(starts, key=lambda s: sum(1 for t in starts if s <= t < s + width - 40))
    start = max(0, best - 40)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + width)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    piece = text[start:end]
    marked = highlight(piece, pattern)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # highlight() escaped it
