"""Every page type renders what a visitor expects to read."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

from home.models import StartHerePost
from tests.builders import make_author, make_post, make_tag, paragraph, publish
from tests.html import soup, text_of, texts_of


def test_post_page_reads_like_the_seed(client, site_tree):
    tags = [make_tag(name) for name in ("micro expert", "long tail", "niche", "internet")]
    post = make_post(
        site_tree.blog,
        "The Rise of the Micro Expert",
        date=datetime.date(2008, 12, 15),
        author=make_author(),
        summary="We are all micro experts.",
        body="<p>We hold expert knowledge.</p><ul><li>Bootstrapped Marketing</li></ul>",
        tags=tags,
    )
    page = soup(client.get(post.url))

    assert text_of(page, "h1") == "The Rise of the Micro Expert"
    assert len(page.find_all("h1")) == 1
    assert text_of(page, "time") == "December 15th, 2008"
    assert "by Ben Young" in text_of(page)
    assert text_of(page, ".post-body ul li") == "Bootstrapped Marketing"
    tag_links = page.select(".post-tags a")
    assert [text_of(a) for a in tag_links] == ["internet", "long tail", "micro expert", "niche"]
    assert text_of(page, ".post-tags").startswith("Tags: internet, long tail")
    assert tag_links[0]["href"] == "/blog/tag/internet/"
    assert page.find("meta", attrs={"name": "description"})["content"] == (
        "We are all micro experts."
    )

    next_steps = page.select_one(".post-next-steps")
    text = text_of(next_steps)
    assert "What are you doing all the way down here? You could:" in text
    assert "View my about page" in text
    assert "Or for first timers the New Here? page" in text
    assert "Or maybe email this to a friend" in text
    assert "Or subscribe to get blog updates" in text
    links = {text_of(a): a["href"] for a in next_steps.find_all("a")}
    assert links["about page"] == "/about/"
    assert links["New Here?"] == "/new-here/"
    assert links["subscribe to get blog updates"] == "/subscribe/"
    mailto = urlsplit(links["email this to a friend"])
    assert mailto.scheme == "mailto"
    query = parse_qs(mailto.query)
    assert query["subject"] == ["The Rise of the Micro Expert"]
    assert "http://testserver/blog/the-rise-of-the-micro-expert/" in query["body"][0]


def test_post_links_and_feed_are_live(client, site_tree):
    post = make_post(site_tree.blog, "Hello", tags=[make_tag("niche")])
    page = soup(client.get(post.url))
    for a in page.select(".post-tags a, .post-next-steps a:not([href^=mailto])"):
        assert client.get(a["href"]).status_code == 200, a["href"]


def test_site_chrome_on_every_page(client, site_tree):
    post = make_post(site_tree.blog, "Hello")
    for url in ("/", "/blog/", post.url, "/about/", "/new-here/", "/search/?q=hello"):
        page = soup(client.get(url))
        assert page.select_one("a.skip-link")["href"] == "#main"
        assert page.find("main", id="main")
        assert page.find("header") and page.find("footer")
        nav = texts_of(page, "nav[aria-label=Main] a")
        assert nav == ["Home", "Blog", "About", "New Here?"], url
        form = page.find("form", attrs={"role": "search"})
        assert form["action"] == "/search/" and form["method"] == "get"
        assert len(page.find_all("h1")) == 1, url
        assert page.find("link", rel="stylesheet")["href"].startswith("/static/css/")
        assert page.find("link", type="application/rss+xml")["href"] == "/blog/feed/"


def test_home_lists_the_latest_posts(client, site_tree):
    for n in range(7):
        make_post(site_tree.blog, f"Post {n}", date=datetime.date(2020, 1, 1 + n))
    page = soup(client.get("/"))
    assert text_of(page, "h1") == "Test Blog"
    assert "Welcome to the test blog." in text_of(page)
    titles = texts_of(page, ".post-card__title")
    assert titles == ["Post 6", "Post 5", "Post 4", "Post 3", "Post 2"]


def test_blog_index_paginates_ten_a_page_newest_first(client, site_tree):
    for n in range(23):
        make_post(
            site_tree.blog, f"Post {n}", date=datetime.date(2020, 1, 1) + datetime.timedelta(n)
        )
    first = soup(client.get("/blog/"))
    titles = texts_of(first, ".post-card__title")
    assert titles[:2] == ["Post 22", "Post 21"] and len(titles) == 10
    numbers = [n for n in texts_of(first, ".pagination a") if n.isdigit()]
    assert numbers == ["1", "2", "3"]
    assert text_of(first, ".pagination a[aria-current=page]") == "1"

    third = soup(client.get("/blog/?page=3"))
    assert texts_of(third, ".post-card__title") == [
        "Post 2",
        "Post 1",
        "Post 0",
    ]


def test_about_and_new_here_pages(client, site_tree):
    post = make_post(site_tree.blog, "Start with this", summary="The first post to read.")
    other = make_post(site_tree.blog, "Then this")
    draft = make_post(site_tree.blog, "Unfinished", live=False)
    new_here = site_tree.new_here
    new_here.body = paragraph("<p>Welcome, newcomer.</p>")
    new_here.start_here_posts.add(StartHerePost(post=other, sort_order=1))
    new_here.start_here_posts.add(StartHerePost(post=post, sort_order=0, note="Read me first."))
    new_here.start_here_posts.add(StartHerePost(post=draft, sort_order=2))
    publish(new_here)

    page = soup(client.get("/new-here/"))
    assert "Welcome, newcomer." in text_of(page)
    items = texts_of(page, ".start-here li")
    assert items == ["Start with this — Read me first.", "Then this"]

    about = soup(client.get("/about/"))
    assert text_of(about, "h1") == "About"
    assert "About me." in text_of(about)


def test_code_block_is_escaped_and_heading_levels_render(client, site_tree):
    post = make_post(site_tree.blog, "Code")
    post.body = [
        {"type": "heading", "value": {"text": "Section", "level": "h3"}},
        {"type": "code", "value": {"language": "html", "source": "<script>alert(1)</script>"}},
        {"type": "quote", "value": {"text": "Jack of many trades", "attribution": "Ben"}},
        {"type": "embed", "value": {"url": "https://www.youtube.com/watch?v=abc", "caption": ""}},
    ]
    publish(post)
    response = client.get(post.url)
    html = response.content.decode()
    page = soup(response)
    assert text_of(page, ".post-body h3") == "Section"
    assert "<script>alert(1)</script>" not in html
    assert text_of(page, "pre code.language-html") == "<script>alert(1)</script>"
    assert text_of(page, "blockquote") == "Jack of many trades"
    assert text_of(page, "figure.block-quote cite") == "Ben"
    # No oEmbed provider is reachable in tests: the media stays a working link.
    assert page.select_one(".block-embed a")["href"] == "https://www.youtube.com/watch?v=abc"


def test_feed_lists_live_posts(client, site_tree):
    make_post(site_tree.blog, "Published one", summary="Summary here.")
    make_post(site_tree.blog, "Secret draft", live=False)
    response = client.get("/blog/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert "<title>Published one</title>" in body
    assert "http://testserver/blog/published-one/" in body
    assert "Secret draft" not in body


def test_custom_404_page(client, site_tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = soup(response, status=404)
    assert text_of(page, "h1") == "Page not found"
    assert page.select_one("nav[aria-label=Main]")


def test_custom_500_page_renders_without_a_database():
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert re.search(rb"<h1>Something went wrong</h1>", response.content)


def test_favicon(client, site_tree):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.ico")


def test_a_preview_shows_the_drafts_tags_and_the_live_page_the_saved_ones(client, site_tree):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from blog.models import BlogPostPage

    post = make_post(site_tree.blog, "First", tags=[make_tag("niche"), make_tag("Alpha")])
    editor = make_author("editor", "Eddie", "Tor")
    editor.groups.add(Group.objects.get(name="Moderators"))
    draft = BlogPostPage.objects.get(pk=post.pk)
    draft.tags.add(make_tag("draft only"))
    revision = draft.save_revision()

    live = client.get(post.url).content.decode()
    assert "niche" in live and "draft only" not in live

    client.force_login(editor)
    preview = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=(post.pk, revision.pk))
    ).content.decode()
    assert "draft only" in preview and "niche" in preview

    publish(draft)
    client.logout()
    assert "draft only" in client.get(post.url).content.decode()


def test_the_post_and_its_tags_written_out_read_as_the_orm_would(site_tree):
    # A post's address is looked up with SQL written out (blog/lookups.py): the same
    # post, author and tags as the querysets it replaces, and nothing for other slugs.
    from django.forms.models import model_to_dict

    from blog import lookups
    from blog.models import BlogPostPage, BlogPostTag, BlogTag

    author = make_author()
    post = make_post(site_tree.blog, "First", author=author, tags=[make_tag("niche")])
    make_post(site_tree.blog, "Second", tags=[make_tag("long tail")])
    ours = lookups.post_by_slug(BlogPostPage, site_tree.blog, post.slug)
    theirs = (
        BlogPostPage.objects.child_of(site_tree.blog)
        .filter(slug=post.slug)
        .select_related("author")
        .get()
    )
    assert model_to_dict(ours) == model_to_dict(theirs)
    assert (ours.first_published_at, ours.date) == (theirs.first_published_at, theirs.date)
    assert ours.author.get_full_name() == theirs.author.get_full_name() != ""
    assert ours.author.username == author.username
    assert lookups.post_by_slug(BlogPostPage, site_tree.blog, "no-such-post") is None
    tags = lookups.tags_of_post(BlogTag, BlogPostTag, post.pk)
    assert tags == list(BlogTag.objects.filter(tagged_posts__content_object_id=post.pk))
    assert [tag.name for tag in tags] == ["niche"]
