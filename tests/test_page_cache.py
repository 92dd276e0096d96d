"""The anonymous full-page cache: hits, every way a page goes out of date, the bypasses,
and the forms on cached pages."""

import contextlib
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from blog.models import Subscriber
from tests.builders import make_author, make_post, make_tag, publish
from tests.clients import PageCacheClient
from tests.html import soup, text_of
from tests.responses import form_fields, make_response

ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Changes reach the cache when their transaction commits; tests run inside one."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def post(site_tree):
    return make_post(
        site_tree.blog,
        "Micro experts",
        date=datetime.date(2008, 12, 15),
        tags=[make_tag("niche")],
        body="<p>On niches.</p>",
    )


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def cache_state(client, url):
    return fetch(client, url).get("X-Page-Cache")


def text(response):
    return text_of(soup(response))


@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/tag/niche/", "/blog/2008/", "/blog/feed/"])
def test_the_second_anonymous_visit_is_served_from_the_cache_without_queries(
    client, post, path, django_assert_num_queries
):
    assert cache_state(client, path) == "miss"
    with django_assert_num_queries(0):
        response = fetch(client, path)
    assert response["X-Page-Cache"] == "hit"
    assert "public" in response["Cache-Control"] and "s-maxage=60" in response["Cache-Control"]


def test_a_post_is_cached_and_its_page_keeps_its_headers(client, post):
    first = fetch(client, post.url)
    second = fetch(client, post.url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert client.head(post.url)["X-Page-Cache"] == "hit"


def test_publishing_a_post_shows_on_the_listings_at_once(client, site_tree, post, committed):
    for path in ("/", "/blog/", "/blog/tag/niche/", "/blog/feed/", "/sitemap.xml"):
        fetch(client, path)
    new = make_post(site_tree.blog, "Fresh thoughts", tags=[make_tag("niche")], live=False)
    with committed(execute=True):
        publish(new)
    for path in ("/", "/blog/", "/blog/tag/niche/", "/blog/feed/", "/sitemap.xml"):
        response = fetch(client, path)
        assert response["X-Page-Cache"] == "miss", path
        assert b"Fresh thoughts" in response.content or b"fresh-thoughts" in response.content


def test_editing_a_post_shows_on_its_page_and_the_feed_at_once(client, post, committed):
    fetch(client, post.url), fetch(client, "/blog/feed/")
    post.title = "Micro experts, revised"
    with committed(execute=True):
        publish(post)
    assert "Micro experts, revised" in text(fetch(client, post.url))
    assert b"Micro experts, revised" in fetch(client, "/blog/feed/").content


def test_unpublishing_a_post_removes_it_at_once(client, post, committed):
    fetch(client, post.url), fetch(client, "/blog/")
    with committed(execute=True):
        post.unpublish()
    assert client.get(post.url).status_code == 404
    assert "Micro experts" not in text(fetch(client, "/blog/"))


def test_moving_and_deleting_a_post_show_at_once(client, site_tree, post, committed):
    other = make_post(site_tree.blog, "Staying put")
    fetch(client, "/blog/"), fetch(client, other.url)
    with committed(execute=True):
        post.delete()
    assert "Micro experts" not in text(fetch(client, "/blog/"))
    assert fetch(client, other.url)["X-Page-Cache"] == "miss"


def test_approving_a_response_shows_on_its_post_at_once(client, admin_client, post, committed):
    held = make_response(post, name="Held Reader", comment="Waiting here", is_public=False)
    assert "Waiting here" not in text(fetch(client, post.url))
    fetch(client, "/blog/")
    with committed(execute=True):
        response = admin_client.post(
            reverse("blog_responses:edit", args=[held.pk]), {"action": "approve"}
        )
    assert response.status_code == 302
    page = text(fetch(client, post.url))
    assert "Waiting here" in page and "1 Response to" in page
    assert "1 Response" in text(fetch(client, "/blog/"))


def test_removing_a_response_hides_it_at_once(client, admin_client, post, committed):
    shown = make_response(post, name="Spammy", comment="Buy things")
    assert "Buy things" in text(fetch(client, post.url))
    with committed(execute=True):
        admin_client.post(reverse("blog_responses:edit", args=[shown.pk]), {"action": "remove"})
    assert "Buy things" not in text(fetch(client, post.url))


@pytest.fixture
def cache_calls(monkeypatch):
    """The calls made to the cache from now on, by method name."""
    from django.core.cache import cache

    calls, depth = [], []

    def counted(method):
        real = getattr(cache, method)

        def call(*args, **kwargs):
            if not depth:  # local memory's get_many calls get: count the outer call only
                calls.append(method)
            depth.append(method)
            try:
                return real(*args, **kwargs)
            finally:
                depth.pop()

        return call

    for method in ("get", "get_many", "set", "set_many", "add"):
        monkeypatch.setattr(cache, method, counted(method))
    return calls


def test_a_hit_costs_one_round_trip_to_the_cache(client, post, request):
    fetch(client, f"{post.url}responses/feed/"), fetch(client, post.url)
    calls = request.getfixturevalue("cache_calls")
    assert fetch(client, post.url)["X-Page-Cache"] == "hit"
    assert fetch(client, f"{post.url}responses/feed/")["X-Page-Cache"] == "hit"
    assert calls == ["get_many", "get_many"]


def test_a_new_process_learns_the_listings_tag_on_its_first_hit(client, post, request, monkeypatch):
    from pagecache import store

    fetch(client, "/blog/")
    monkeypatch.setattr(store, "seen_tags", set())  # a worker that has stored nothing
    calls = request.getfixturevalue("cache_calls")
    assert fetch(client, "/blog/")["X-Page-Cache"] == "hit"
    assert calls == ["get_many", "get_many"]  # the entry, then the tag it did not know
    calls.clear()
    assert fetch(client, "/blog/")["X-Page-Cache"] == "hit"
    assert calls == ["get_many"]


def test_changing_a_posts_address_shows_at_once(client, site_tree, post, committed):
    fetch(client, post.url), fetch(client, "/blog/")
    old = post.url
    post.slug = "micro-experts-moved"
    with committed(execute=True):
        publish(post)
    moved = client.get(old)  # Wagtail redirects the old address
    assert (moved.status_code, moved["Location"]) == (301, "/blog/micro-experts-moved/")
    assert "micro-experts-moved" in fetch(client, "/blog/").content.decode()


def test_renaming_a_tag_shows_everywhere_at_once(client, post, committed):
    fetch(client, post.url), fetch(client, "/")
    tag = post.tags.get()
    tag.name = "small markets"
    with committed(execute=True):
        tag.save()
    assert "small markets" in text(fetch(client, post.url))


def test_signed_in_editors_always_get_a_fresh_page(client, post, django_user_model):
    fetch(client, post.url)
    editor = make_author("editor", "Eddie", "Tor")
    editor.is_superuser = editor.is_staff = True
    editor.save()
    editors = Client()
    editors.force_login(editor)
    response = fetch(editors, post.url)
    assert "X-Page-Cache" not in response
    assert b"csrfmiddlewaretoken" in response.content  # their forms carry the token
    # An editor's page never reaches anonymous visitors.
    XtdComment.objects.all().delete()
    assert b"userbar" not in fetch(client, post.url).content


def test_posts_and_personal_cookies_bypass_the_cache(client, post):
    fetch(client, post.url)
    assert client.post(post.url).get("X-Page-Cache") is None
    client.cookies["held_responses"] = "x"
    assert "X-Page-Cache" not in fetch(client, post.url)


def test_search_pages_are_not_cached_so_the_search_terms_report_counts_each(client, post):
    fetch(client, "/search/?q=niche")
    assert "X-Page-Cache" not in fetch(client, "/search/?q=niche")


def test_the_switch_turns_it_off(client, post, settings):
    settings.PAGE_CACHE = False
    fetch(client, post.url)
    assert "X-Page-Cache" not in fetch(client, post.url)


def test_a_response_sent_from_a_cached_page_is_taken(client, post):
    fetch(client, post.url)
    cached = fetch(client, post.url)
    assert cached["X-Page-Cache"] == "hit"
    assert b"csrfmiddlewaretoken" not in cached.content
    data = form_fields(client, post)
    data.update(name="Ann Reader", email="ann@example.com", comment="From a cached page.")
    response = client.post("/responses/post/", data, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 302
    assert XtdComment.objects.filter(comment="From a cached page.").exists()


def test_subscribing_from_a_cached_pages_footer_works(client, post):
    fetch(client, "/")
    assert fetch(client, "/")["X-Page-Cache"] == "hit"
    response = client.post(
        reverse("blog_subscribe"), {"email": "reader@example.com"}, HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 200
    assert Subscriber.objects.filter(email="reader@example.com").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://elsewhere.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://elsewhere.example/page"},
    ],
)
def test_forms_sent_from_another_site_are_refused(client, post, headers):
    data = form_fields(client, post)
    data.update(name="Ann Reader", email="ann@example.com", comment="Forged.")
    response = client.post("/responses/post/", data, **headers)
    assert response.status_code == 403
    assert b"only be sent from this site" in response.content
    response = client.post(reverse("blog_subscribe"), {"email": "victim@example.com"}, **headers)
    assert response.status_code == 403
    assert not XtdComment.objects.filter(comment="Forged.").exists()
    assert not Subscriber.objects.exists()


def test_signed_in_users_still_need_the_csrf_token(post):
    user = make_author("reader", "Rea", "Der")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    data = form_fields(browser, post)
    data.update(name="Rea Der", email="rea@example.com", comment="With my account.")
    token = data.pop("csrfmiddlewaretoken")
    assert browser.post("/responses/post/", data, HTTP_ORIGIN=ORIGIN).status_code == 403
    data["csrfmiddlewaretoken"] = token
    assert browser.post("/responses/post/", data, HTTP_ORIGIN=ORIGIN).status_code == 302


purged = []


class RecordingBackend(BaseBackend):
    """Stands in for the CDN's purge API, which lies outside this machine."""

    def purge(self, url):
        purged.append(url)


def test_a_cdn_in_front_is_told_which_pages_changed(client, site_tree, post, settings):
    settings.WAGTAILFRONTENDCACHE = {"cdn": {"BACKEND": "tests.test_page_cache.RecordingBackend"}}
    purged.clear()
    post.title = "Micro experts again"
    publish(post)
    root = site_tree.home.get_site().root_url
    for url in (
        f"{root}/",
        f"{root}/blog/",
        f"{root}/blog/2008/",
        f"{root}/blog/2008/12/",
        f"{root}/blog/tag/niche/",
        f"{root}/blog/feed/",
        f"{root}/blog/tag/niche/feed/",
        f"{root}/sitemap.xml",
        f"{root}{post.url}",
    ):
        assert url in purged, url


@pytest.mark.redis
def test_the_cache_is_shared_through_redis(client, post, settings, committed):
    import uuid

    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    try:
        fetch(client, post.url)
        assert cache_state(client, post.url) == "hit"
        # Another visitor gets the same entry, kept in Redis (db 15, cleared after).
        assert cache_state(PageCacheClient(), post.url) == "hit"
        post.title = "Micro experts, from Redis"
        with committed(execute=True):
            publish(post)
        assert "Micro experts, from Redis" in text(fetch(PageCacheClient(), post.url))
    finally:
        cache.clear()


# Hits answered before Django reads the request (serve_cached_pages, config/wsgi.py) ----


@pytest.fixture
def wsgi():
    """GET or HEAD through the WSGI application as a server calls it: the page cache's
    wrapper around a Django handler built for each request, so that its middleware
    reads the test's settings as they are then. Like Django's test client, it keeps
    the handler from closing the database connection that holds the test's
    transaction."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import RequestFactory

    from pagecache.wsgi import PageCache as serve_cached_pages

    def call(path, method="GET", scheme="http", application=None, **variables):
        application = application or serve_cached_pages(WSGIHandler())
        environ = (
            RequestFactory()
            .generic(
                method,
                path,
                secure=scheme == "https",
                **{"SERVER_PORT": "80", "HTTP_HOST": "testserver", **variables},
            )
            .environ
        )
        sent = {}

        def start_response(status, headers, exc_info=None):
            sent.update(status=int(status.split()[0]), headers=dict(headers))

        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return sent["status"], sent["headers"], body

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield call
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@contextlib.contextmanager
def requests_django_reads():
    """The requests Django's handler starts on while the block runs."""
    from django.core.signals import request_started

    started = []

    def count(**kwargs):
        started.append(kwargs)

    request_started.connect(count)
    try:
        yield started
    finally:
        request_started.disconnect(count)


def test_a_hit_is_answered_before_django_reads_the_request(wsgi, post, django_assert_num_queries):
    status, first_headers, first = wsgi(post.url)
    assert (status, first_headers["X-Page-Cache"]) == (200, "miss")
    with requests_django_reads() as started, django_assert_num_queries(0):
        status, headers, body = wsgi(post.url)
    assert (status, headers["X-Page-Cache"], body) == (200, "hit", first)
    assert started == []
    # The headers of the whole middleware stack, security headers included.
    for name in ("Content-Type", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"):
        assert headers[name] == first_headers[name], name
    assert headers["Content-Length"] == str(len(first))
    status, headers, body = wsgi(post.url, method="HEAD")
    assert (status, headers["X-Page-Cache"], body) == (200, "hit", b"")
    assert headers["Content-Length"] == str(len(first))


def test_the_servers_entry_point_answers_hits_before_django(wsgi, post):
    from config.wsgi import application

    assert wsgi(post.url, application=application)[1]["X-Page-Cache"] == "miss"
    with requests_django_reads() as started:
        status, headers, _body = wsgi(post.url, application=application)
    assert (status, headers["X-Page-Cache"], started) == (200, "hit", [])


def test_a_change_shows_at_once_through_the_wsgi_path(wsgi, post, committed):
    wsgi(post.url), wsgi("/blog/")
    assert wsgi(post.url)[1]["X-Page-Cache"] == "hit"
    post.title = "Micro experts, said again"
    with committed(execute=True):
        publish(post)
    for path in (post.url, "/blog/"):
        status, headers, body = wsgi(path)
        assert headers["X-Page-Cache"] == "miss", path
        assert b"Micro experts, said again" in body, path
        assert wsgi(path)[1]["X-Page-Cache"] == "hit", path


def test_the_wsgi_path_leaves_editors_and_personal_cookies_to_django(wsgi, post):
    wsgi(post.url)
    for cookie in ("sessionid=abc", "held_responses=x", "messages=y", "theme=dark; sessionid=1"):
        status, headers, _body = wsgi(post.url, HTTP_COOKIE=cookie)
        assert status == 200 and "X-Page-Cache" not in headers, cookie
    assert wsgi(post.url, HTTP_COOKIE="theme=dark")[1]["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "secure, plain",
    [
        ({"scheme": "https"}, {}),
        # Behind a proxy that ends TLS and says so (production's SECURE_PROXY_SSL_HEADER).
        ({"HTTP_X_FORWARDED_PROTO": "https"}, {"HTTP_X_FORWARDED_PROTO": "http"}),
    ],
)
def test_a_page_kept_for_https_is_not_served_over_plain_http(wsgi, post, settings, secure, plain):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert wsgi(post.url, **secure)[0] == 200
    assert wsgi(post.url, **secure)[1]["X-Page-Cache"] == "hit"
    status, headers, _body = wsgi(post.url, **plain)
    assert status == 301 and headers["Location"] == f"https://testserver{post.url}"


def test_other_hosts_are_refused_as_before(wsgi, post, settings):
    wsgi(post.url)
    settings.ALLOWED_HOSTS = ["testserver"]
    assert wsgi(post.url)[1]["X-Page-Cache"] == "hit"
    assert wsgi(post.url, HTTP_HOST="elsewhere.example")[0] == 400


def test_static_files_skip_the_page_cache(wsgi, post, monkeypatch):
    from django.core.cache import cache

    looked_up = []
    monkeypatch.setattr(cache, "get_many", lambda keys: looked_up.append(keys) or {})
    status, headers, body = wsgi("/static/css/site.css")
    assert status == 200 and b"body" in body
    assert looked_up == []


def test_a_cache_that_cannot_be_read_still_gives_the_page(wsgi, post, monkeypatch):
    from django.core.cache import cache

    real, failures = cache.get_many, []

    def first_fails(keys):
        if not failures:
            failures.append(keys)
            raise ConnectionError("the cache is restarting")
        return real(keys)

    monkeypatch.setattr(cache, "get_many", first_fails)
    status, headers, body = wsgi(post.url)
    assert failures and status == 200 and b"Micro experts" in body


ONE_POST_WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>http://old.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://old.example</wp:base_site_url>
<wp:base_blog_url>http://old.example</wp:base_blog_url>
<item><title>Moved from WordPress</title><link>http://old.example/2009/01/02/moved/</link>
<dc:creator><![CDATA[ben]]></dc:creator>
<content:encoded><![CDATA[<p>Hello from the old blog.</p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>41</wp:post_id><wp:post_date>2009-01-02 10:00:00</wp:post_date>
<wp:post_date_gmt>2009-01-02 10:00:00</wp:post_date_gmt><wp:post_name>moved</wp:post_name>
<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent>
<wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


def test_an_import_from_wordpress_shows_at_once(client, site_tree, committed, tmp_path):
    # The import puts posts live without the publish signal (no emails to
    # subscribers), so it tells the page cache itself.
    from django.core.management import call_command

    export = tmp_path / "export.xml"
    export.write_text(ONE_POST_WXR)
    assert "Moved from WordPress" not in text(fetch(client, "/blog/"))
    with committed(execute=True):
        call_command("import_wordpress", str(export), verbosity=0)
    assert "Moved from WordPress" in text(fetch(client, "/blog/"))
