"""The post feeds: RSS 2.0, Atom and JSON Feed 1.1, of the whole blog and of each tag."""

import datetime
import json
from types import SimpleNamespace
from xml.etree import ElementTree

import feedparser
import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from blog.feeds import absolutize_html
from tests.builders import make_author, make_post, make_tag, paragraph, publish
from tests.html import parse, soup, text_of

ORIGIN = "http://testserver"
XML_FEEDS = {"/blog/feed/": "rss20", "/blog/feed/atom/": "atom10"}


def parse_feed(response):
    """The feed as feedparser reads it, failing on any parse error (bozo).

    Relative URIs are not resolved and HTML is not sanitized, so the test sees
    the URLs and markup the feed really carries.
    """
    assert response.status_code == 200
    parsed = feedparser.parse(
        response.content,
        response_headers={"content-type": response["Content-Type"]},
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def entry_html(entry):
    """The full content of a feedparser entry (RSS content:encoded or Atom content)."""
    [content] = entry.content
    assert content.type == "text/html"
    return content.value


@pytest.fixture
def blog(site_tree):
    """A tagged post with an image and links, an untagged post, a draft and a private post."""
    image = Image.objects.create(title="Team map", file=get_test_image_file(size=(1600, 900)))
    niche = make_tag("niche", description="Posts about niches.")
    author = make_author()
    micro = make_post(
        site_tree.blog,
        "The Rise of the Micro Expert",
        date=datetime.date(2008, 12, 15),
        author=author,
        summary="Why the web rewards people who know one small thing well & more.",
        tags=[niche, make_tag("long tail")],
    )
    micro.body = [
        *paragraph(
            "<p>Being an expert in a small niche is now a real career path.</p>"
            f'<p>Read <a linktype="page" id="{site_tree.about.pk}">about me</a>'
            ' or <a href="#responses">the responses</a> or <a href="https://example.com/x">'
            "elsewhere</a>.</p>"
        ),
        {
            "type": "image",
            "value": {
                "image": {"image": image.pk, "decorative": False, "alt_text": "A map"},
                "caption": "The team",
            },
        },
    ]
    publish(micro)
    note = make_post(
        site_tree.blog,
        "An Untagged Note",
        date=datetime.date(2008, 11, 2),
        body="<p>Odds and ends.</p>",
    )
    make_post(site_tree.blog, "Secret draft", tags=[niche], live=False)
    make_post(site_tree.blog, "Members only", tags=[niche], private=True)
    return SimpleNamespace(tree=site_tree, micro=micro, note=note, niche=niche, image=image)


@pytest.mark.parametrize("url, version", XML_FEEDS.items())
def test_xml_feeds_parse_cleanly_with_full_content(client, blog, url, version):
    feed = parse_feed(client.get(url))

    assert feed.version == version
    assert feed.feed.title == "Test Blog"
    assert feed.feed.link == f"{ORIGIN}/blog/"
    assert [entry.title for entry in feed.entries] == [
        "The Rise of the Micro Expert",
        "An Untagged Note",
    ]
    entry = feed.entries[0]
    assert entry.link == f"{ORIGIN}/blog/the-rise-of-the-micro-expert/"
    assert entry.author == "Ben Young"
    assert sorted(tag.term for tag in entry.tags) == ["long tail", "niche"]
    assert entry.published_parsed[:3] == (2008, 12, 15)
    # The summary is text, escaped for readers that read it as HTML.
    assert entry.summary == ("Why the web rewards people who know one small thing well &amp; more.")

    html = entry_html(entry)
    body = parse(html)
    assert "Being an expert in a small niche is now a real career path." in text_of(body)
    links = {text_of(a): a["href"] for a in body.find_all("a")}
    assert links == {
        "about me": f"{ORIGIN}/about/",
        "the responses": f"{ORIGIN}/blog/the-rise-of-the-micro-expert/#responses",
        "elsewhere": "https://example.com/x",
    }
    img = body.select_one("figure.block-image img")
    assert img["src"].startswith(f"{ORIGIN}/media/images/")
    assert img["alt"] == "A map"
    candidates = [
        candidate.strip().split(" ")[0]
        for element in body.select("[srcset]")
        for candidate in element["srcset"].split(",")
    ]
    assert len(candidates) >= 3
    assert all(candidate.startswith(f"{ORIGIN}/media/images/") for candidate in candidates)
    assert "The team" in text_of(body, "figcaption")

    assert "Odds and ends." in entry_html(feed.entries[1])


def test_rss_keeps_its_address_and_declares_the_content_namespace(client, blog):
    response = client.get("/blog/feed/")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    body = response.content.decode()
    assert 'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in body
    assert "<content:encoded>" in body
    self_link = ElementTree.fromstring(response.content).find(
        "channel/{http://www.w3.org/2005/Atom}link[@rel='self']"
    )
    assert self_link.get("href") == f"{ORIGIN}/blog/feed/"


def test_atom_has_summary_and_html_content(client, blog):
    response = client.get("/blog/feed/atom/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.content)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entry = feed.find("atom:entry", ns)
    assert entry.find("atom:summary", ns).get("type") == "html"
    assert entry.find("atom:content", ns).get("type") == "html"
    assert entry.find("atom:updated", ns).text
    assert feed.find("atom:link[@rel='self']", ns).get("href") == f"{ORIGIN}/blog/feed/atom/"
    assert feed.find("atom:author/atom:name", ns).text == "Test Blog"


def test_json_feed_follows_version_1_1(client, blog):
    response = client.get("/blog/feed/json/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/feed+json"
    feed = json.loads(response.content)

    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Test Blog"
    assert feed["home_page_url"] == f"{ORIGIN}/blog/"
    assert feed["feed_url"] == f"{ORIGIN}/blog/feed/json/"
    assert [item["title"] for item in feed["items"]] == [
        "The Rise of the Micro Expert",
        "An Untagged Note",
    ]
    item = feed["items"][0]
    assert item["id"] == item["url"] == f"{ORIGIN}/blog/the-rise-of-the-micro-expert/"
    assert item["summary"] == "Why the web rewards people who know one small thing well & more."
    assert item["authors"] == [{"name": "Ben Young"}]
    assert item["tags"] == ["long tail", "niche"]
    # RFC 3339: a full date and time with an offset.
    published = datetime.datetime.fromisoformat(item["date_published"])
    assert published.tzinfo is not None and published.date() == datetime.date(2008, 12, 15)
    assert datetime.datetime.fromisoformat(item["date_modified"]).tzinfo is not None

    body = parse(item["content_html"])
    assert "Being an expert in a small niche" in text_of(body)
    assert body.select_one("img")["src"].startswith(f"{ORIGIN}/media/images/")
    untagged = feed["items"][1]
    assert "tags" not in untagged and "authors" not in untagged and "summary" not in untagged
    for item in feed["items"]:
        assert set(item) <= {
            "id",
            "url",
            "title",
            "content_html",
            "summary",
            "date_published",
            "date_modified",
            "authors",
            "tags",
        }
        assert isinstance(item["id"], str) and item["content_html"]


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_tag_feeds_hold_only_that_tags_live_posts(client, blog, suffix):
    feed = parse_feed(client.get(f"/blog/tag/niche/feed/{suffix}"))
    assert feed.feed.title == "Test Blog: posts tagged “niche”"
    assert feed.feed.link == f"{ORIGIN}/blog/tag/niche/"
    assert [entry.title for entry in feed.entries] == ["The Rise of the Micro Expert"]


def test_tag_json_feed(client, blog):
    response = client.get("/blog/tag/niche/feed/json/")
    feed = json.loads(response.content)
    assert feed["title"] == "Test Blog: posts tagged “niche”"
    assert feed["home_page_url"] == f"{ORIGIN}/blog/tag/niche/"
    assert feed["feed_url"] == f"{ORIGIN}/blog/tag/niche/feed/json/"
    assert [item["title"] for item in feed["items"]] == ["The Rise of the Micro Expert"]


@pytest.mark.parametrize("suffix", ["", "atom/", "json/", "rss/"])
def test_unknown_tag_or_format_is_404(client, blog, suffix):
    assert client.get(f"/blog/tag/no-such-tag/feed/{suffix}").status_code == 404
    assert client.get("/blog/feed/xml/").status_code == 404


def test_a_tag_without_live_posts_has_an_empty_feed(client, blog):
    make_tag("empty")
    feed = parse_feed(client.get("/blog/tag/empty/feed/atom/"))
    assert feed.entries == []


@pytest.mark.parametrize("url", ["/blog/feed/", "/blog/feed/atom/", "/blog/feed/json/"])
def test_feeds_hold_the_newest_twenty_in_constant_queries(
    client, site_tree, url, django_assert_num_queries
):
    tags = [make_tag("a"), make_tag("b")]

    def add(count, start):
        for n in range(start, start + count):
            make_post(
                site_tree.blog,
                f"Post {n}",
                date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
                tags=tags,
                author=make_author(),
            )

    def fetched():
        client.get(url)  # warm per-process caches
        with django_assert_num_queries(2):
            response = client.get(url)
        assert response.status_code == 200
        return response

    add(2, 0)
    fetched()
    add(28, 2)
    response = fetched()

    if url.endswith("json/"):
        titles = [item["title"] for item in json.loads(response.content)["items"]]
    else:
        titles = [entry.title for entry in parse_feed(response).entries]
    assert titles == [f"Post {n}" for n in range(29, 9, -1)]


def test_every_page_announces_the_feeds(client, blog):
    for url in ("/", "/blog/", blog.micro.url, "/about/", "/new-here/", "/search/?q=niche"):
        page = soup(client.get(url))
        feeds = [
            (link["type"], link["href"]) for link in page.head.find_all("link", rel="alternate")
        ]
        assert feeds == [
            ("application/rss+xml", "/blog/feed/"),
            ("application/atom+xml", "/blog/feed/atom/"),
            ("application/feed+json", "/blog/feed/json/"),
        ], url
        assert all(link["title"] for link in page.head.find_all("link", rel="alternate"))


def test_tag_archive_also_announces_its_own_feeds(client, blog):
    page = soup(client.get("/blog/tag/niche/"))
    links = page.head.find_all("link", rel="alternate")
    assert [(link["type"], link["href"]) for link in links[3:]] == [
        ("application/rss+xml", "/blog/tag/niche/feed/"),
        ("application/atom+xml", "/blog/tag/niche/feed/atom/"),
        ("application/feed+json", "/blog/tag/niche/feed/json/"),
    ]
    assert "niche" in links[3]["title"]
    for link in links:
        response = client.get(link["href"])
        assert response.status_code == 200, link["href"]
        assert response["Content-Type"].startswith(link["type"]), link["href"]


def test_absolutize_html_resolves_only_relative_urls():
    html = (
        '<a href="/a/">a</a><a href="mailto:x@example.com">m</a><a href="#top">t</a>'
        '<picture><source srcset="/i/1.avif 400w, /i/2.avif 800w" type="image/avif">'
        '<img src="//cdn.example.com/i.jpg" srcset="/i/1.jpg 400w,/i/2.jpg 800w" alt=""></picture>'
        '<video poster="p.jpg" src="https://v.example.com/v.mp4"></video>'
    )
    fragment = parse(absolutize_html(html, "http://b.example/blog/post/"))
    assert [a["href"] for a in fragment.find_all("a")] == [
        "http://b.example/a/",
        "mailto:x@example.com",
        "http://b.example/blog/post/#top",
    ]
    assert fragment.source["srcset"] == (
        "http://b.example/i/1.avif 400w, http://b.example/i/2.avif 800w"
    )
    assert fragment.img["src"] == "http://cdn.example.com/i.jpg"
    assert fragment.img["srcset"] == "http://b.example/i/1.jpg 400w, http://b.example/i/2.jpg 800w"
    assert fragment.video["poster"] == "http://b.example/blog/post/p.jpg"
    assert fragment.video["src"] == "https://v.example.com/v.mp4"
