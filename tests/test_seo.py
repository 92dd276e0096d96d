"""What search engines and link previews read: the sitemap, robots.txt, canonical
URLs, descriptions, OpenGraph and Twitter cards, JSON-LD; and the share buttons."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from tests.builders import make_author, make_post, make_tag, publish
from tests.html import soup, text_of
from tests.responses import make_response

ORIGIN = "http://testserver"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def meta(page, name):
    """The content of the head's <meta property=name> or <meta name=name>, or None."""
    tag = page.head.find("meta", attrs={"property": name}) or page.head.find(
        "meta", attrs={"name": name}
    )
    return tag["content"] if tag else None


def canonical(page):
    links = page.head.find_all("link", rel="canonical")
    assert len(links) <= 1
    return links[0]["href"] if links else None


def json_ld(page):
    [script] = page.find_all("script", type="application/ld+json")
    return json.loads(script.string)


@pytest.fixture
def post(site_tree):
    return make_post(
        site_tree.blog,
        "The Rise of the Micro Expert",
        date=datetime.date(2008, 12, 15),
        author=make_author(),
        summary="We are all micro experts.",
        tags=[make_tag("niche", description="Posts about niches."), make_tag("long tail")],
    )


def test_sitemap_lists_live_posts_with_absolute_urls_and_lastmod(client, site_tree, post):
    make_post(site_tree.blog, "Secret draft", live=False)
    make_post(site_tree.blog, "Members only", private=True)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {
        url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS)
        for url in ElementTree.fromstring(response.content).findall("sm:url", SITEMAP_NS)
    }
    assert set(urls) == {
        f"{ORIGIN}/",
        f"{ORIGIN}/blog/",
        f"{ORIGIN}/about/",
        f"{ORIGIN}/new-here/",
        f"{ORIGIN}/blog/the-rise-of-the-micro-expert/",
    }
    lastmod = urls[f"{ORIGIN}/blog/the-rise-of-the-micro-expert/"]
    assert lastmod is not None
    assert lastmod.text.startswith(timezone.localdate(post.last_published_at).isoformat())


def test_robots_txt_allows_all_but_admin_and_search_and_names_the_sitemap(client, site_tree):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200
    assert client.post("/robots.txt").status_code == 405


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/", "/"),
        ("/?utm_source=x", "/"),
        ("/about/", "/about/"),
        ("/new-here/", "/new-here/"),
        ("/blog/", "/blog/"),
        ("/blog/?page=1", "/blog/"),
        ("/blog/?page=abc", "/blog/"),
        ("/blog/?page=2", "/blog/?page=2"),
        ("/blog/?page=99&utm_source=x", "/blog/?page=2"),
        ("/blog/2008/", "/blog/2008/"),
        ("/blog/2008/12/?page=2", "/blog/2008/12/?page=2"),
        ("/blog/tag/niche/", "/blog/tag/niche/"),
        ("/blog/the-rise-of-the-micro-expert/", "/blog/the-rise-of-the-micro-expert/"),
        ("/blog/the-rise-of-the-micro-expert/?replytocom=1", "/blog/the-rise-of-the-micro-expert/"),
    ],
)
def test_canonical_url_on_every_page(client, site_tree, post, url, expected):
    for n in range(10):  # eleven posts in December 2008: two listing pages
        make_post(site_tree.blog, f"Filler {n}", date=datetime.date(2008, 12, 1 + n), tags=[])
    page = soup(client.get(url))
    assert canonical(page) == ORIGIN + expected
    assert meta(page, "og:url") == ORIGIN + expected


def test_search_has_no_canonical_and_is_not_indexed(client, site_tree, post):
    page = soup(client.get("/search/?q=micro"))
    assert canonical(page) is None
    assert meta(page, "robots") == "noindex"


def test_post_description_opengraph_and_twitter_card(client, site_tree, post):
    page = soup(client.get(post.url))
    assert meta(page, "description") == "We are all micro experts."
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == "The Rise of the Micro Expert"
    assert meta(page, "og:description") == "We are all micro experts."
    assert meta(page, "og:url") == f"{ORIGIN}/blog/the-rise-of-the-micro-expert/"
    assert meta(page, "og:site_name") == "Test Blog"
    assert meta(page, "og:image") is None  # the post has no image
    assert meta(page, "article:published_time") == "2008-12-15"
    assert meta(page, "article:author") == "Ben Young"
    tags = [tag["content"] for tag in page.head.find_all("meta", property="article:tag")]
    assert tags == ["long tail", "niche"]
    assert meta(page, "twitter:card") == "summary"
    assert meta(page, "twitter:title") == "The Rise of the Micro Expert"
    assert meta(page, "twitter:description") == "We are all micro experts."


def test_search_description_wins_over_the_summary(client, site_tree, post):
    post.search_description = "For search engines."
    publish(post)
    page = soup(client.get(post.url))
    assert meta(page, "description") == meta(page, "og:description") == "For search engines."
    assert json_ld(page)["description"] == "For search engines."


def test_other_pages_are_websites(client, site_tree, post):
    home = soup(client.get("/"))
    assert meta(home, "og:type") == "website"
    assert meta(home, "og:title") == "Test Blog"
    assert meta(home, "article:published_time") is None
    assert not home.find_all("script", type="application/ld+json")

    archive = soup(client.get("/blog/tag/niche/"))
    assert meta(archive, "og:type") == "website"
    assert meta(archive, "og:title") == "Posts tagged “niche”"
    assert meta(archive, "og:description") == "Posts about niches."
    assert meta(archive, "description") == "Posts about niches."
    assert meta(archive, "twitter:card") == "summary"


def test_og_image_is_the_first_body_image_as_an_absolute_rendition(client, site_tree, post):
    image = Image.objects.create(title="Map", file=get_test_image_file(size=(1600, 900)))
    post.body = [
        {"type": "paragraph", "value": "<p>Words first.</p>"},
        {
            "type": "image",
            "value": {
                "image": {"image": image.pk, "decorative": False, "alt_text": "A map"},
                "caption": "",
            },
        },
    ]
    publish(post)
    page = soup(client.get(post.url))
    url = meta(page, "og:image")
    assert url.startswith(f"{ORIGIN}/media/images/") and "fill-1200x630" in url
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:image:alt") == "A map"
    assert json_ld(page)["image"] == url


def test_json_ld_blog_posting(client, site_tree, post):
    page = soup(client.get(post.url))
    data = json_ld(page)
    url = f"{ORIGIN}/blog/the-rise-of-the-micro-expert/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "The Rise of the Micro Expert"
    assert data["description"] == "We are all micro experts."
    assert data["datePublished"] == "2008-12-15"
    assert datetime.datetime.fromisoformat(data["dateModified"]) == post.last_published_at
    assert data["author"] == {"@type": "Person", "name": "Ben Young"}
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert data["keywords"] == ["long tail", "niche"]
    assert data["publisher"] == {"@type": "Organization", "name": "Test Blog"}
    assert data["commentCount"] == 0


def test_json_ld_counts_public_responses(client, site_tree, post):
    make_response(post, comment="First!")
    make_response(post, comment="Removed", is_removed=True)
    make_response(post, name="New Name", comment="Held back", is_public=False)
    assert json_ld(soup(client.get(post.url)))["commentCount"] == 1


def test_a_title_cannot_break_out_of_the_json_ld_script(client, site_tree):
    evil = "</script><script>alert(1)</script> & <!--"
    post = make_post(site_tree.blog, evil, slug="evil", summary="<b>bold</b> & </SCRIPT>")
    response = client.get(post.url)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "</SCRIPT>" not in html
    head = html[: html.index("</head>")]
    start = head.index('<script type="application/ld+json">')
    end = head.index("</script>", start)
    script = head[start:end]
    assert "<" not in script[1:] and ">" not in script[:-1].split(">", 1)[1]
    assert "&" not in script
    data = json_ld(soup(response))
    assert data["headline"] == evil
    assert data["description"] == "<b>bold</b> & </SCRIPT>"
    # The other head tags escape it as an attribute value.
    assert meta(soup(response), "og:title") == evil


def test_head_tags_escape_their_values(client, site_tree):
    post = make_post(site_tree.blog, 'Quotes " and <tags>', slug="quotes", summary='"x" <y>')
    html = client.get(post.url).content.decode()
    assert 'content="Quotes &quot; and &lt;tags&gt;"' in html
    assert 'content="&quot;x&quot; &lt;y&gt;"' in html


def test_share_box_sits_between_the_tags_and_the_responses(client, site_tree, post):
    page = soup(client.get(post.url))
    box = page.select_one("article.post .share")
    assert box is not None
    assert box.find_previous_sibling(class_="post-tags") is not None
    assert box.find_next(id="responses") is not None
    assert box["data-share-url"] == f"{ORIGIN}/blog/the-rise-of-the-micro-expert/"
    assert box["data-share-title"] == "The Rise of the Micro Expert"
    assert box["data-share-text"] == "We are all micro experts."

    buttons = {text_of(button): button for button in box.find_all("button")}
    assert set(buttons) == {"Share…", "Copy link"}
    for button in buttons.values():
        # Hidden until share.js finds the browser can do it.
        assert button.has_attr("hidden") and button["type"] == "button"
    status = box.find(attrs={"role": "status"})
    assert status["aria-live"] == "polite" and text_of(status) == ""
    # Nothing to fill in and send: the server never mails anyone for a visitor.
    assert not box.find_all(["form", "input"])

    [script] = page.select('script[src$="js/share.js"]')
    assert script.has_attr("defer")
    assert client.get(script["src"]).status_code == 200

    mailto = urlsplit(page.select_one(".post-next-steps a[href^=mailto]")["href"])
    query = parse_qs(mailto.query)
    assert query["subject"] == ["The Rise of the Micro Expert"]
    assert query["body"] == [
        "The Rise of the Micro Expert\n\nWe are all micro experts.\n\n"
        "http://testserver/blog/the-rise-of-the-micro-expert/"
    ]
    assert mail.outbox == []


def test_share_script_only_on_posts(client, site_tree, post):
    for url in ("/", "/blog/", "/about/"):
        assert not soup(client.get(url)).select('script[src$="js/share.js"]'), url
