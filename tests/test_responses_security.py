"""Everything a visitor writes renders inert: on the page, in feeds and in emails."""

import pytest
from django.core import mail
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from tests.builders import make_post
from tests.html import parse, soup, text_of, texts_of
from tests.responses import approve_sender, make_response, respond, rules

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=//evil.example></iframe>",
    "';alert(String.fromCharCode(88,83,83))//",
    "<body onload=alert(1)>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "{{ 7*7 }} {% now 'Y' %}",
    "\u202etxt.exe",
]


@pytest.fixture
def post(site_tree):
    rules(hold_on_posts_older_than_days=0)
    return make_post(site_tree.blog, "Target", date=timezone.localdate())


def dangerous(html):
    page = parse(html)
    main = page.select_one("#responses")
    found = []
    for tag in main.find_all(True):
        if tag.name in {"script", "img", "svg", "iframe", "style", "body"}:
            found.append(tag.name)
        for attr, value in tag.attrs.items():
            if attr.startswith("on"):
                found.append(attr)
            if attr == "href" and str(value).strip().lower().startswith("javascript:"):
                found.append(value)
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_posted_through_the_form_render_inert(client, post, payload):
    approve_sender(post, name=payload[:50], email="eve@example.com")
    response = respond(
        client, post, name=payload[:50], email="eve@example.com", comment=f"Hi {payload}"
    )
    assert response.status_code == 302
    html = client.get(post.url).content.decode()
    assert dangerous(html) == []
    # What the visitor wrote shows exactly as written: not evaluated as a
    # template ({{ 7*7 }} stays, never 49), not turned into markup. Only the
    # name and the text are compared: the response's time may contain "49".
    page = parse(html)
    texts = texts_of(page, "#responses .response__text")
    names = texts_of(page, "#responses .response__author")
    assert f"Hi {payload}" in texts
    assert payload[:50] in names
    stored = XtdComment.norel_objects.get(comment=f"Hi {payload}")
    assert stored.is_public  # inert, and kept exactly as written


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]
)
def test_a_website_is_only_linked_when_it_is_http(client, post, url):
    make_response(post, name="Eve", email="eve@example.com", user_url=url)
    page = soup(client.get(post.url))
    assert page.select_one(".response__author a") is None
    assert text_of(page, ".response__author") == "Eve"
    assert respond(client, post, url=url).status_code == 400  # the form refuses it too


def test_a_website_link_keeps_its_address_inert(client, post):
    # An http address may still hold quotes and brackets (the form's check is not the
    # only way in: imports, the admin): they stay inside the href.
    url = "https://evil.example/?q=\"><script>alert(1)</script>&x='1'"
    make_response(post, name="Eve", email="eve@example.com", user_url=url)
    html = client.get(post.url).content.decode()
    assert dangerous(html) == []
    link = parse(html).select_one(".response__author a")
    assert (link["href"], text_of(link)) == (url, "Eve")


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:5])
def test_payloads_are_escaped_in_feeds_and_emails(
    client, post, payload, django_capture_on_commit_callbacks, django_user_model
):
    django_user_model.objects.create_superuser("mod", "mod@example.com", "pw")
    make_response(post, name="Eve", email="eve@example.com", comment=payload)
    feed = client.get(post.url + "responses/feed/").content.decode()
    assert payload not in feed or "<" not in payload

    with django_capture_on_commit_callbacks(execute=True):
        respond(client, post, name="Mallory", email="m@example.com", comment=payload)
    html = mail.outbox[-1].alternatives[0][0]
    body = parse(html)
    assert not body.find(["script", "img", "svg", "iframe"])
    assert all(not a.get("href", "").startswith("javascript:") for a in body.find_all("a"))
