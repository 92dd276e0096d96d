"""Read a WordPress export (WXR: WordPress eXtended RSS, versions 1.0 to 1.2).

The file is parsed with defusedxml: no DTD, no entity expansion, no external
references, so a hostile file cannot make the parser fetch anything from the
network or blow up in memory. A file that is not well-formed XML, or not a
WordPress export, raises `WXRError` with a one-line message; a single item
with a missing or bad field is kept, with `error` set, for the importer to
skip and report.
"""

import datetime
import hashlib
import html
import json
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse
from django.utils.text import slugify

WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}
REFUSALS = {
    "DTDForbidden": "it has a document type declaration (DTD)",
    "EntitiesForbidden": "it declares entities, which could expand without limit",
    "ExternalReferenceForbidden": "it refers to external resources",
    "NotSupportedError": "it uses XML features the safe parser refuses",
}


class WXRError(Exception):
    """The file cannot be read as a WordPress export at all."""


@dataclass
class Author:
    id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category or a tag."""

    taxonomy: str  # "category" or "post_tag"
    id: int | None
    slug: str
    name: str
    description: str = ""
    parent: str = ""  # the parent category's slug


@dataclass
class Comment:
    id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: datetime.datetime | None = None  # the site's local time, naive
    date_gmt: datetime.datetime | None = None  # UTC, naive
    content: str = ""
    approved: str = "1"  # "1", "0", "spam", "trash", "post-trashed"
    type: str = "comment"  # "comment", "pingback", "trackback"
    parent: int = 0
    user_id: int = 0
    error: str = ""

    def fingerprint(self):
        return fingerprint_of(asdict(self))


@dataclass
class Item:
    """A post, a page, an attachment, or any other of WordPress's post types."""

    id: int
    title: str = ""
    link: str = ""
    creator: str = ""  # the author's login
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    date: datetime.datetime | None = None  # local, naive
    date_gmt: datetime.datetime | None = None  # UTC, naive; None for drafts
    modified_gmt: datetime.datetime | None = None
    comment_status: str = "open"
    name: str = ""  # the slug, percent-decoded
    status: str = "publish"
    parent: int = 0
    menu_order: int = 0
    type: str = "post"
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    terms: list = field(default_factory=list)  # [(taxonomy, slug, name)]
    comments: list = field(default_factory=list)
    error: str = ""

    def fingerprint(self):
        data = asdict(self)
        data.pop("comments")
        return fingerprint_of(data)


@dataclass
class Export:
    version: str
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    authors: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    items: list = field(default_factory=list)


def fingerprint_of(data):
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def parse_date(text):
    """WordPress's "2008-12-15 09:30:00"; None for the zero date drafts carry."""
    text = (text or "").strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ValueError(f"bad date “{text}”") from None


def parse_int(text, name):
    text = (text or "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"bad {name} “{text}”") from None


class Reader:
    """Finds the children of one element by namespace and name."""

    def __init__(self, wp_ns):
        self.ns = {
            "wp": wp_ns,
            "excerpt": wp_ns + "excerpt/",
            "content": CONTENT_NS,
            "dc": DC_NS,
            "": "",
        }

    def text(self, element, name, default=""):
        prefix, _, local = name.rpartition(":")
        child = element.find(f"{{{self.ns[prefix]}}}{local}" if prefix else local)
        if child is None or child.text is None:
            return default
        return child.text

    def all(self, element, name):
        prefix, _, local = name.rpartition(":")
        return element.findall(f"{{{self.ns[prefix]}}}{local}" if prefix else local)


def read(path):
    """The export in `path` (a file name or a binary file object) as an `Export`."""
    try:
        tree = parse(path, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        what = REFUSALS.get(type(error).__name__, "unsafe XML")
        raise WXRError(f"refused to read it: {what} (WordPress exports have none)") from None
    except ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        raise WXRError(f"not well-formed XML: {message} at line {line}, column {column}") from None
    except OSError as error:
        raise WXRError(f"cannot read it: {error.strerror or error}") from None

    root = tree.getroot()
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise WXRError("not a WordPress export: no <rss><channel> at its top")
    wp_ns = find_wp_namespace(root)
    if wp_ns is None:
        raise WXRError("not a WordPress export: it has no wp: elements (WXR)")
    reader = Reader(wp_ns)
    version = reader.text(channel, "wp:wxr_version").strip() or wp_ns.rstrip("/").rsplit("/")[-1]
    if version not in SUPPORTED_VERSIONS:
        raise WXRError(f"WXR version {version} is not supported (1.0, 1.1 and 1.2 are)")

    export = Export(
        version=version,
        title=clean_text(reader.text(channel, "title")),
        link=reader.text(channel, "link").strip(),
        description=clean_text(reader.text(channel, "description")),
        language=reader.text(channel, "language").strip(),
        base_site_url=reader.text(channel, "wp:base_site_url").strip(),
        base_blog_url=reader.text(channel, "wp:base_blog_url").strip(),
    )
    export.base_blog_url = export.base_blog_url or export.link or export.base_site_url
    export.base_site_url = export.base_site_url or export.base_blog_url
    export.authors = [read_author(reader, element) for element in reader.all(channel, "wp:author")]
    export.terms = read_terms(reader, channel)
    export.items = [read_item(reader, element) for element in channel.findall("item")]
    return export


def find_wp_namespace(root):
    for element in root.iter():
        if element.tag.startswith("{" + WP_NAMESPACE_PREFIX):
            namespace = element.tag[1:].split("}")[0]
            if not namespace.endswith("/excerpt/"):
                return namespace
    return None


def clean_text(text):
    """A title or name: WordPress stores some characters as HTML entities."""
    return html.unescape(text or "").strip()


def read_author(reader, element):
    author_id = reader.text(element, "wp:author_id").strip()
    return Author(
        id=int(author_id) if author_id.isdigit() else None,
        login=reader.text(element, "wp:author_login").strip(),
        email=reader.text(element, "wp:author_email").strip(),
        display_name=clean_text(reader.text(element, "wp:author_display_name")),
        first_name=clean_text(reader.text(element, "wp:author_first_name")),
        last_name=clean_text(reader.text(element, "wp:author_last_name")),
    )


def read_terms(reader, channel):
    """Categories and tags, from wp:category, wp:tag and (WXR 1.2) wp:term."""
    terms = {}

    def add(taxonomy, term_id, slug, name, description, parent):
        slug = unquote(slug.strip())
        if not slug and not name:
            return
        key = (taxonomy, slug)
        term = terms.get(key)
        if term is None:
            terms[key] = Term(
                taxonomy=taxonomy,
                id=int(term_id) if term_id.strip().isdigit() else None,
                slug=slug,
                name=clean_text(name) or slug,
                description=(description or "").strip(),
                parent=unquote(parent.strip()),
            )
        elif description and not term.description:
            term.description = description.strip()

    for element in reader.all(channel, "wp:category"):
        add(
            "category",
            reader.text(element, "wp:term_id"),
            reader.text(element, "wp:category_nicename"),
            reader.text(element, "wp:cat_name"),
            reader.text(element, "wp:category_description"),
            reader.text(element, "wp:category_parent"),
        )
    for element in reader.all(channel, "wp:tag"):
        add(
            "post_tag",
            reader.text(element, "wp:term_id"),
            reader.text(element, "wp:tag_slug"),
            reader.text(element, "wp:tag_name"),
            reader.text(element, "wp:tag_description"),
            "",
        )
    for element in reader.all(channel, "wp:term"):
        taxonomy = reader.text(element, "wp:term_taxonomy").strip()
        if taxonomy in ("category", "post_tag"):
            add(
                taxonomy,
                reader.text(element, "wp:term_id"),
                reader.text(element, "wp:term_slug"),
                reader.text(element, "wp:term_name"),
                reader.text(element, "wp:term_description"),
                reader.text(element, "wp:term_parent"),
            )
    return list(terms.values())


def read_item(reader, element):
    text = reader.text
    raw_id = text(element, "wp:post_id").strip()
    item = Item(id=int(raw_id) if raw_id.isdigit() else 0)
    item.title = clean_text(text(element, "title"))
    if not raw_id.isdigit():
        item.error = f"no valid wp:post_id (“{raw_id}”)" if raw_id else "no wp:post_id"
        return item
    try:
        item.link = text(element, "link").strip()
        item.creator = text(element, "dc:creator").strip()
        item.guid = text(element, "guid").strip()
        item.content = text(element, "content:encoded")
        item.excerpt = text(element, "excerpt:encoded")
        item.date = parse_date(text(element, "wp:post_date"))
        item.date_gmt = parse_date(text(element, "wp:post_date_gmt"))
        item.modified_gmt = parse_date(text(element, "wp:post_modified_gmt"))
        item.comment_status = text(element, "wp:comment_status", "open").strip()
        item.name = unquote(text(element, "wp:post_name").strip())
        item.status = text(element, "wp:status", "publish").strip()
        item.parent = parse_int(text(element, "wp:post_parent"), "wp:post_parent")
        item.menu_order = parse_int(text(element, "wp:menu_order"), "wp:menu_order")
        item.type = text(element, "wp:post_type", "post").strip()
        item.password = text(element, "wp:post_password")
        item.sticky = text(element, "wp:is_sticky").strip() == "1"
        item.attachment_url = text(element, "wp:attachment_url").strip()
    except ValueError as error:
        item.error = str(error)
        return item
    for category in element.findall("category"):
        # WXR 1.0 wrote tags as domain="tag", and each term once more without a domain.
        domain = {"tag": "post_tag"}.get(category.get("domain"), category.get("domain", "category"))
        name = clean_text(category.text)
        slug = unquote(category.get("nicename", "")).strip() or slugify(name, allow_unicode=True)
        term = (domain, slug, name)
        if domain in ("category", "post_tag") and slug and term not in item.terms:
            item.terms.append(term)
    item.comments = [read_comment(reader, c) for c in reader.all(element, "wp:comment")]
    return item


def read_comment(reader, element):
    text = reader.text
    raw_id = text(element, "wp:comment_id").strip()
    comment = Comment(id=int(raw_id) if raw_id.isdigit() else 0)
    if not raw_id.isdigit():
        comment.error = "no valid wp:comment_id"
        return comment
    try:
        comment.author = clean_text(text(element, "wp:comment_author"))
        comment.email = text(element, "wp:comment_author_email").strip()
        comment.url = text(element, "wp:comment_author_url").strip()
        comment.ip = text(element, "wp:comment_author_IP").strip()
        comment.date = parse_date(text(element, "wp:comment_date"))
        comment.date_gmt = parse_date(text(element, "wp:comment_date_gmt"))
        comment.content = text(element, "wp:comment_content")
        comment.approved = text(element, "wp:comment_approved", "1").strip()
        comment.type = text(element, "wp:comment_type").strip() or "comment"
        comment.parent = parse_int(text(element, "wp:comment_parent"), "wp:comment_parent")
        comment.user_id = parse_int(text(element, "wp:comment_user_id"), "wp:comment_user_id")
    except ValueError as error:
        comment.error = str(error)
    return comment
