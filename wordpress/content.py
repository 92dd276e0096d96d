"""A WordPress post's HTML to the blog's StreamField body (markup.py goes back).

`html_to_blocks` reads `content:encoded` from either editor (block-editor
comments, or classic text with shortcodes) into raw BodyBlock data.
Regular expressions read only what WordPress itself reads with them (block
comments, shortcodes, lone URLs); the HTML goes through BeautifulSoup's
forgiving stdlib parser, which never raises on broken markup.
"""

import html
import json
import re
import warnings
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag
from bs4.element import PreformattedString

from blog.blocks import CodeBlock

CODE_LANGUAGES = {value for value, _label in CodeBlock().child_blocks["language"].field.choices}
LANGUAGE_ALIASES = {
    "py": "python", "python3": "python", "sh": "bash", "shell": "bash", "zsh": "bash",
    "console": "bash", "js": "javascript", "jscript": "javascript", "xml": "html",
    "xhtml": "html", "markup": "html", "mysql": "sql", "postgresql": "sql",
    "plain": "text", "plaintext": "text", "txt": "text",
}  # fmt: skip
# WordPress's oEmbed providers: it embeds their URLs when alone on a line.
EMBED_HOSTS = (
    "youtube.com", "youtu.be", "vimeo.com", "twitter.com", "x.com", "dailymotion.com",
    "flickr.com", "flic.kr", "soundcloud.com", "spotify.com", "slideshare.net", "ted.com",
    "speakerdeck.com", "tiktok.com", "mixcloud.com", "imgur.com", "issuu.com", "reddit.com",
    "tumblr.com", "wordpress.tv", "videopress.com", "scribd.com", "kickstarter.com",
)  # fmt: skip
# Dropped with their content, and reported: they run code or collect input.
UNSAFE_TAGS = {
    "script", "style", "iframe", "form", "object", "embed", "applet", "frame", "frameset",
    "svg", "math", "input", "button", "select", "textarea", "link", "meta", "base",
}  # fmt: skip
IGNORED_TAGS = {"noscript", "template", "head", "title"}  # fallbacks, never the post's text
BLOCK_TAGS = {
    "p", "div", "section", "article", "aside", "header", "footer", "main", "nav", "center",
    "address", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "figure",
    "figcaption", "table", "tr", "hr", "details", "summary", "fieldset", "hgroup",
    "h1", "h2", "h3", "h4", "h5", "h6", "wp-freeform",
}  # fmt: skip
# Inline tags the paragraph block's features allow (bold, italic, code); others unwrap.
INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "code": "code", "kbd": "code",
          "tt": "code", "samp": "code", "a": "a"}  # fmt: skip
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
URL = re.compile(r"https?://[^\s<>\"]+")
UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
BLOCK_COMMENT = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->",
    re.S,
)
SHORTCODE_ATTR = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\]]+))")
CODE_NAMES = "|".join(sorted(CODE_LANGUAGES | set(LANGUAGE_ALIASES), key=len, reverse=True))
CODE_SHORTCODE = re.compile(
    rf"\[(code|sourcecode|{CODE_NAMES})((?:\s[^\]]*)?)\](.*?)\[/\1\]", re.S | re.I
)
CAPTION_SHORTCODE = re.compile(r"\[caption((?:\s[^\]]*)?)\](.*?)\[/caption\]", re.S | re.I)
EMBED_SHORTCODE = re.compile(
    r"\[embed(?:\s[^\]]*)?\](.*?)\[/embed\]|\[youtube[= ]([^\]\s]+)\]", re.I
)
ANY_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)[^\]\[]*\]")
# WordPress's autoembed: a URL alone on a line, or alone in a paragraph.
LONE_URL = re.compile(
    r"(?m)^[ \t]*(https?://[^\s<>\"]+)[ \t]*$|<p(?: [^>]*)?>\s*(https?://[^\s<>\"]+)\s*</p>"
)


def _soup(markup):
    # A body that is only a URL makes bs4 warn that it "looks like a URL": it is content.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "html.parser")


def _esc(text):
    return html.escape(text, quote=False)


def _collapse(text):
    return re.sub(r"[ \t\n\r\f\v]+", " ", text)  # ASCII only: a no-break space is the author's


def _attrs(text):
    try:
        attrs = json.loads(text or "{}")
    except ValueError:
        return {}
    return attrs if isinstance(attrs, dict) else {}


def _trim(markup):
    """Markup without spaces or line breaks at either end, even inside a <b> or a link."""
    markup, previous = re.sub(r" ?<br/> ?", "<br/>", re.sub(" {2,}", " ", markup)), None
    while previous != markup:
        previous, markup = markup, markup.strip(" ").removeprefix("<br/>").removesuffix("<br/>")
        markup = re.sub(r"(?:<br/>| )+((?:</[a-z]+>)+)$", r"\1", markup)
        markup = re.sub(r"^((?:<[a-z][^>]*>)+)(?:<br/>| )+", r"\1", markup)
    return markup


def _has_text(markup):
    return bool(html.unescape(re.sub(r"<[^>]+>", "", markup)).strip())


def _plain(node, autop=False):
    """The text of `node`, with a line break for <br> and a blank line between blocks."""
    parts = []
    for child in node.children:
        if isinstance(child, Tag):
            text = "\n" if child.name == "br" else _plain(child, autop)
            parts.append(f"\n\n{text}\n\n" if child.name in BLOCK_TAGS else text)
        elif not isinstance(child, PreformattedString):
            parts.append(str(child) if autop else _collapse(str(child)))
    lines = [line.strip(" \t") for line in "".join(parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _caption(tag):
    return _collapse(_plain(tag)).strip() if tag else ""


def _language(*hints):
    for token in re.findall(r"[\w#+-]+", " ".join(str(hint or "") for hint in hints).lower()):
        token = token.removeprefix("language-").removeprefix("lang-")
        if LANGUAGE_ALIASES.get(token, token) in CODE_LANGUAGES:
            return LANGUAGE_ALIASES.get(token, token)
    return "text"


def _embed_figure(url):
    wrapper = f'<div class="wp-block-embed__wrapper">{_esc(url)}</div>'
    return f'<figure class="wp-block-embed">{wrapper}</figure>'


def _iframe_url(src):
    """The page address of a YouTube or Vimeo player, which Wagtail's embeds understand."""
    parts = urlsplit("https:" + src if src.startswith("//") else src)
    host, path = (parts.hostname or "").lower(), parts.path.strip("/").split("/")
    if host.endswith(("youtube.com", "youtube-nocookie.com")) and path[0] == "embed":
        return f"https://www.youtube.com/watch?v={path[1]}" if len(path) > 1 else None
    if host == "player.vimeo.com" and path[0] == "video" and len(path) > 1:
        return f"https://vimeo.com/{path[1]}"
    return None


def html_to_blocks(html, *, image_for=None, warn=None):
    """Raw BodyBlock data, `[{"type": ..., "value": ...}]`, for a WordPress post body.

    `image_for(src, alt)` returns a wagtail Image for an <img>, or None; `warn(message)`
    hears of missing images, unknown shortcodes and dropped markup.
    """
    if not html or not html.strip():
        return []
    return _Reader(image_for, warn).read(html)


class _Reader:
    def __init__(self, image_for, warn):
        self.image_for, self.warn = image_for, warn or (lambda message: None)
        self.blocks, self.rich, self.para, self.deferred = [], [], [], []
        self.dropped, self.warned, self.code = set(), set(), []

    def warn_once(self, message):
        if message not in self.warned:
            self.warned.add(message)
            self.warn(message)

    def read(self, text):
        # PostgreSQL refuses NUL in text; WordPress's line endings may be \r\n.
        text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
        text = self.shortcodes(text)
        block_editor = bool(BLOCK_COMMENT.search(text))
        soup = _soup(self.mark_blocks(text) if block_editor else text)
        self.sanitize(soup)
        self.flow(soup, autop=not block_editor)  # classic posts get WordPress's wpautop
        self.end_para()
        if self.rich:
            self.blocks.append({"type": "paragraph", "value": "".join(self.rich)})
        if self.dropped:
            self.warn("dropped unsafe or unsupported markup: " + ", ".join(sorted(self.dropped)))
        return self.blocks

    def shortcodes(self, text):
        def options(text):
            return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in SHORTCODE_ATTR.finditer(text)}

        def code(match):
            # Code is stored entity-encoded (SyntaxHighlighter does so); raw markup was not.
            source = match[3] if re.search(r"<[a-zA-Z/!]", match[3]) else html.unescape(match[3])
            hints = options(match[2])
            hint = hints.get("lang") or hints.get("language") or hints.get("brush") or match[1]
            self.code.append((_language(hint), source))  # kept away from the HTML parser
            return f'<pre data-wpc-code="{len(self.code) - 1}"></pre>'

        def caption(match):
            old = options(match[1]).get("caption")  # WordPress before 3.4 kept it here
            return f'<figure class="wp-caption">{match[2]}{_esc(old or "")}</figure>'

        def lone_url(match):
            url = html.unescape(match[1] or match[2])
            host = (urlsplit(url).hostname or "").lower()
            if any(host == known or host.endswith("." + known) for known in EMBED_HOSTS):
                return _embed_figure(url)
            return f'<p><a href="{html.escape(url)}">{_esc(url)}</a></p>'

        text = CODE_SHORTCODE.sub(code, text)
        text = CAPTION_SHORTCODE.sub(caption, text)
        text = EMBED_SHORTCODE.sub(lambda m: _embed_figure(html.unescape(m[1] or m[2])), text)
        for match in ANY_SHORTCODE.finditer(text):
            self.warn_once(f"unknown shortcode kept as text: [{match[1]}]")
        return LONE_URL.sub(lone_url, text)

    @staticmethod
    def mark_blocks(text):
        """Block comments as <wp-block> elements; classic text between them as <wp-freeform>."""
        out, depth, position = [], 0, 0
        for match in [*BLOCK_COMMENT.finditer(text), None]:
            chunk = text[position : match.start() if match else len(text)]
            free = depth == 0 and chunk.strip()
            out.append(f"<wp-freeform>{chunk}</wp-freeform>" if free else chunk)
            if match is None:
                break
            position = match.end()
            if match["closer"]:
                out.append("</wp-block>" if depth else "")
                depth = max(depth - 1, 0)
                continue
            name = match["name"] if "/" in match["name"] else "core/" + match["name"]
            out.append(f'<wp-block name="{name}" attrs="{html.escape(match["attrs"] or "")}"')
            out.append(" void></wp-block>" if match["void"] else ">")
            depth += not match["void"]
        return "".join(out)

    def sanitize(self, soup):
        for block in soup.find_all("wp-block"):
            if block.decomposed:
                continue
            name, attrs = block["name"], _attrs(block["attrs"])
            if block.has_attr("void"):
                if name not in ("core/more", "core/nextpage"):
                    self.warn_once(f"dynamic block not imported: wp:{name.removeprefix('core/')}")
                block.decompose()
                continue
            if name in ("core/freeform", "core/shortcode"):  # classic text: wpautop applies
                block.name = "wp-freeform"
                continue
            first = block.find(True)
            if first is not None and isinstance(attrs.get("url"), str):
                first["data-url"] = attrs["url"]  # an embed's address
            if first is not None and isinstance(attrs.get("language"), str):
                first["data-language"] = attrs["language"]  # a code plugin's language
            block.unwrap()
        for tag in soup.find_all(True):
            if tag.decomposed:
                continue
            if tag.name == "iframe" and (url := _iframe_url(tag.get("src", "").strip())):
                tag.replace_with(_soup(_embed_figure(url)))
            elif tag.name in IGNORED_TAGS | UNSAFE_TAGS:
                if tag.name in UNSAFE_TAGS:
                    self.dropped.add(f"<{tag.name}>")
                tag.decompose()
                continue
            for name in list(tag.attrs):
                scheme = UNSAFE_SCHEME.match(re.sub(r"[\x00-\x20]", "", str(tag[name])))
                if name.lower().startswith("on") or (name in ("href", "src") and scheme):
                    self.dropped.add(f"{scheme[1].lower()}: URLs" if scheme else "on* attributes")
                    del tag[name]

    # Output: the paragraph being written, the rich text it joins, then the blocks.

    def end_para(self):
        markup, self.para = _trim("".join(self.para)), []
        if _has_text(markup):
            self.rich.append(f"<p>{markup}</p>")
        deferred, self.deferred = self.deferred, []
        for block in deferred:
            self.emit(block)

    def emit(self, block):
        self.end_para()
        if self.rich:
            self.blocks.append({"type": "paragraph", "value": "".join(self.rich)})
            self.rich = []
        self.blocks.append(block)

    def add_rich(self, markup):
        self.end_para()
        self.rich.append(markup)
        self.end_para()  # an image from a list item follows the list

    # Input: block-level flow, and inline content inside it.

    def flow(self, node, autop):
        for child in list(node.children):
            name = getattr(child, "name", None)
            if isinstance(child, PreformattedString):
                continue
            if name is None:  # text: in a classic post a blank line ends a paragraph
                for i, part in enumerate(re.split(r"\n[ \t]*\n", child) if autop else [child]):
                    if i:
                        self.end_para()
                    self.para.append(self.text(part, autop))
            elif (media := self.media(child)) is not None:
                if isinstance(media, dict):
                    self.emit(media)
                else:
                    self.para.append(media)
            elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                if text := _collapse(_plain(child)).strip():
                    level = f"h{min(max(int(name[1]), 2), 4)}"  # the post title is the h1
                    self.emit({"type": "heading", "value": {"text": text, "level": level}})
            elif name in ("ul", "ol"):
                self.add_rich(self.list_html(child, autop))
            elif name == "hr":
                self.add_rich("<hr/>")
            elif name == "pre":
                self.code_block(child)
            elif name == "blockquote":
                self.quote(child, autop)
            elif name in BLOCK_TAGS:
                self.end_para()
                self.flow(child, autop or name == "wp-freeform")
                self.end_para()
            elif name in ("td", "th"):  # a table becomes a paragraph a row
                self.para.append(" ")
                self.flow(child, autop)
            elif (name in INLINE and not child.find(BLOCK_TAGS)) or name == "br":
                self.para.append(self.inline(child, autop, in_link=False))
            else:  # span, font, u, unknown tags, a <b> around paragraphs: their content
                self.flow(child, autop)

    @staticmethod
    def text(text, autop):
        lines = text.split("\n") if autop else [text]  # wpautop: a newline is a <br>
        return "<br/>".join(_esc(_collapse(line)) for line in lines)

    def inline(self, node, autop, in_link):
        if node.name == "br":
            return "<br/>"
        if node.name in INLINE and (node.name != "a" or node.get("href")):
            # A link inside a link is not valid HTML: the inner one keeps only its text.
            inner = self.inline_children(node, autop, in_link or node.name == "a")
            if not _has_text(inner) or (node.name == "a" and in_link):
                return inner
            if node.name == "a":
                return f'<a href="{html.escape(node["href"].strip())}">{inner}</a>'
            return f"<{INLINE[node.name]}>{inner}</{INLINE[node.name]}>"
        if node.name in ("ul", "ol"):
            return self.list_html(node, autop)
        inner = self.inline_children(node, autop, in_link)
        return f"<br/>{inner}<br/>" if node.name in BLOCK_TAGS else inner  # a block: own line

    def inline_children(self, node, autop, in_link):
        out = []
        for child in node.children:
            if isinstance(child, Tag) and (media := self.media(child)) is not None:
                # An image inside a <b> or a list item goes out after the paragraph;
                # a missing one's link, inside a link, is only its text.
                if isinstance(media, dict):
                    self.deferred.append(media)
                else:
                    out.append(re.sub(r"<[^>]+>", "", media) if in_link else media)
            elif isinstance(child, Tag):
                out.append(self.inline(child, autop, in_link))
            elif not isinstance(child, PreformattedString):
                out.append(self.text(child, autop))
        return "".join(out)

    def list_html(self, tag, autop):
        items, child = [], tag.find(["li", "ul", "ol"], recursive=False)  # [text, nested lists]
        while child is not None:
            if child.name != "li":  # a list straight inside a list, as old editors wrote
                if items:
                    items[-1][1].append(self.list_html(child, autop))
                child = child.find_next_sibling(["li", "ul", "ol"])
                continue
            anchor = child
            for sub in child.find_all("li", recursive=False):  # an unclosed <li>, nested
                anchor.insert_after(sub.extract())
                anchor = sub
            nested = [self.list_html(sub.extract(), autop) for sub in child(["ul", "ol"])
                      if sub.parent is child]  # fmt: skip
            items.append([_trim(self.inline_children(child, autop, False)), nested])
            child = child.find_next_sibling(["li", "ul", "ol"])
        body = "".join(f"<li>{t}{''.join(n)}</li>" for t, n in items if _has_text(t) or any(n))
        return f"<{tag.name}>{body}</{tag.name}>" if body else ""

    def media(self, tag):
        """An image or embed block for `tag`, a link when its image is missing, else None."""
        classes = tag.get("class") or []
        if "wp-block-embed" in classes:
            wrapper = tag.find(class_="wp-block-embed__wrapper") or tag
            url = URL.fullmatch(tag.get("data-url", "").strip()) or URL.search(_plain(wrapper))
            caption = _caption(tag.find("figcaption"))
            return {"type": "embed", "value": {"url": url[0], "caption": caption}} if url else None
        if tag.name == "figure" or (tag.name == "div" and "wp-caption" in classes):
            images = tag.find_all("img")
            if len(images) != 1:
                return None  # a gallery, a table: read part by part
            wrapper = images[0].parent if images[0].parent.name == "a" else images[0]
            caption = tag.find("figcaption") or tag.find(class_="wp-caption-text")
            if caption is None:  # [caption]: the text after the image is the caption
                strings = tag.find_all(string=True)
                caption = "".join(s for s in strings if all(p is not wrapper for p in s.parents))
            caption = _caption(caption) if isinstance(caption, Tag) else _collapse(caption).strip()
            return self.image(images[0], caption, wrapper.get("href"))
        if tag.name == "img":
            return self.image(tag, "", None)
        inside = [c for c in tag.contents if isinstance(c, Tag) or c.strip()]
        if tag.name == "a" and len(inside) == 1 and getattr(inside[0], "name", "") == "img":
            return self.image(inside[0], "", tag.get("href"))
        return None

    def image(self, img, caption, link):
        src = (img.get("src") or img.get("data-src") or img.get("data-lazy-src") or "").strip()
        if not src:
            return ""
        alt = _collapse(img.get("alt", "")).strip()
        found = self.image_for(src, alt) if self.image_for else None
        link = (link or "").strip()
        if found is None and self.image_for and link and link != src:
            # Classic posts link a thumbnail to its full-size file: try that file too.
            if PurePosixPath(urlsplit(link).path).suffix.lower() in IMAGE_SUFFIXES:
                found = self.image_for(link, alt)
        if found is not None:
            value = {"image": found.pk, "decorative": not alt, "alt_text": alt}
            return {"type": "image", "value": {"image": value, "caption": caption}}
        self.warn_once(f"image not found under --media-dir: {src}")
        label = alt or PurePosixPath(urlsplit(src).path).name or src
        link = f'<a href="{html.escape(src)}">{_esc(label)}</a>'
        return link + (f"<br/>{_esc(caption)}" if caption else "")

    def code_block(self, pre):
        if pre.has_attr("data-wpc-code"):
            language, source = self.code[int(pre["data-wpc-code"])]
        else:
            for br in pre.find_all("br"):
                br.replace_with("\n")
            hints = [pre.get("data-language")]
            for element in (pre, pre.find("code")):
                if element is not None:  # Prism, highlight.js, SyntaxHighlighter's "brush:"
                    hints += [*(element.get("class") or []), element.get("lang")]
                    hints += [element.get("data-lang"), element.get("data-language")]
            language, source = _language(*hints), pre.get_text()
        if source := source.lstrip("\n").rstrip():
            self.emit({"type": "code", "value": {"language": language, "source": source}})

    def quote(self, tag, autop):
        attribution, cites = "", tag.find_all(["cite", "footer"])
        # The last <cite> is the attribution when no text of the quote follows it.
        if cites and not any(
            s.strip() and any(p is tag for p in s.parents)
            for s in cites[-1].find_all_next(string=True)
            if all(p is not cites[-1] for p in s.parents)
        ):
            attribution = _collapse(cites[-1].extract().get_text()).strip()
        lines = _plain(tag, autop).split("\n")
        if attribution and re.fullmatch(r"[—–―~-]{1,2}", lines[-1]):  # "— <cite>Name</cite>"
            lines = lines[:-1]
        dash = re.match(r"[—–―~-]{1,2}\s*(\S.*)$", lines[-1])  # a closing "— Name" line
        if not attribution and dash and len(lines) > 1:
            attribution, lines = dash[1], lines[:-1]
        attribution = re.sub(r"^[—–―~-]{1,2}\s*", "", attribution)
        if text := "\n".join(lines).strip("\n"):
            self.emit({"type": "quote", "value": {"text": text, "attribution": attribution}})
