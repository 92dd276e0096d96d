"""What readers see of responses: the list under a post, the form, counts, feeds."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from blog.models import BlogPostPage
from tests.builders import make_author, make_post
from tests.html import parse, soup, text_of, texts_of
from tests.responses import approve_sender, make_response, respond, rules


@pytest.fixture
def post(site_tree):
    rules(hold_on_posts_older_than_days=0)
    return make_post(site_tree.blog, "The Rise of the Micro Expert", author=make_author())


def heading(client, post):
    return text_of(soup(client.get(post.url)), "#responses-heading")


def test_heading_counts_responses(client, post):
    assert heading(client, post) == "No responses yet"
    make_response(post)
    assert heading(client, post) == "1 Response to “The Rise of the Micro Expert”"
    make_response(post, name="Bob", email="bob@example.com")
    make_response(post, name="Held", email="held@example.com", is_public=False)
    make_response(post, name="Gone", email="gone@example.com", is_removed=True)
    assert heading(client, post) == "2 Responses to “The Rise of the Micro Expert”"


def test_each_response_shows_number_name_link_date_and_anchor(client, post):
    first = make_response(post, name="Simon Young", email="simon@example.com")
    make_response(
        post,
        name="Nathaniel Flick",
        email="nathaniel@example.com",
        user_url="http://example.com/nathaniel",
        comment="As always, great thoughts.\n\nSecond paragraph.",
        submit_date=datetime.datetime(2008, 12, 16, 21, 30, tzinfo=datetime.UTC),
    )
    html = client.get(post.url).content.decode()
    page = parse(html)
    items = page.select(".response-list > li.response")
    assert [text_of(li, ".response__number") for li in items] == ["1.", "2."]
    assert items[0]["id"] == f"comment-{first.pk}"
    assert items[0].select_one(".response__permalink")["href"] == f"#comment-{first.pk}"
    author = items[1].select_one(".response__author a")
    assert text_of(author) == "Nathaniel Flick"
    assert author["href"] == "http://example.com/nathaniel"
    assert set(author["rel"]) >= {"nofollow", "ugc"}
    assert text_of(items[1], "time") == "December 16th, 2008 at 9:30 p.m."
    assert texts_of(items[1], ".response__text p") == [
        "As always, great thoughts.",
        "Second paragraph.",
    ]
    # Email addresses never reach public HTML.
    assert "@example.com" not in html


def test_response_times_follow_the_sites_time_zone(client, post, settings):
    make_response(post, submit_date=datetime.datetime(2008, 12, 16, 21, 30, tzinfo=datetime.UTC))

    def shown():
        time = soup(client.get(post.url)).select_one(".response time")
        return text_of(time), time["datetime"]

    assert shown() == ("December 16th, 2008 at 9:30 p.m.", "2008-12-16T21:30:00+00:00")
    # Each time is formatted once per process: a new time zone must still show.
    settings.TIME_ZONE = "America/New_York"
    assert shown() == ("December 16th, 2008 at 4:30 p.m.", "2008-12-16T16:30:00-05:00")


def test_replies_nest_with_a_reply_link_that_works_without_javascript(client, post, settings):
    parent = make_response(post, name="Simon", email="simon@example.com")
    child = make_response(post, name="Ben", email="ben@example.com", parent_id=parent.pk)
    grandchild = make_response(post, name="Nat", email="nat@example.com", parent_id=child.pk)
    page = soup(client.get(post.url))
    nested = page.select_one(f"#comment-{parent.pk} .response-list--children #comment-{child.pk}")
    assert nested is not None
    assert page.select_one(f"#comment-{child.pk} #comment-{grandchild.pk}") is not None
    # Default depth 3: the third level takes no more replies.
    assert page.select_one(f"#comment-{parent.pk} > article .response__reply a")
    assert not page.select_one(f"#comment-{grandchild.pk} > article .response__reply a")

    reply_link = page.select_one(f"#comment-{child.pk} > article .response__reply a")["href"]
    assert reply_link == f"?replytocom={child.pk}#respond"
    form_page = soup(client.get(post.url + reply_link.split("#")[0]))
    assert text_of(form_page, "#respond-heading") == "Reply to Ben"
    assert form_page.select_one("input[name=reply_to]")["value"] == str(child.pk)


def test_a_reply_posted_through_the_form_lands_under_its_parent(client, post):
    parent = make_response(post, name="Simon", email="simon@example.com")
    approve_sender(post)
    response = respond(client, post, comment="I agree.", query=f"?replytocom={parent.pk}")
    assert response.status_code == 302
    page = soup(client.get(post.url))
    reply = page.select_one(f"#comment-{parent.pk} .response-list--children .response__text")
    assert text_of(reply) == "I agree."


def test_listings_show_each_posts_response_count(client, site_tree, post):
    make_response(post)
    make_response(post, name="Bob", email="bob@example.com")
    make_post(site_tree.blog, "Quiet post")
    for url in ("/", "/blog/", "/blog/2008/"):
        page = soup(client.get(url))
        counts = {
            text_of(card, ".post-card__title"): text_of(card, ".post-card__responses")
            for card in page.select(".post-card")
        }
        assert counts == {
            "The Rise of the Micro Expert": "2 Responses",
            "Quiet post": "No responses yet",
        }, url


def test_form_fields_and_errors_keep_the_visitors_text(client, post):
    page = soup(client.get(post.url))
    labels = texts_of(page, "#respond label")
    assert labels[:4] == [
        "Name:",
        "Email (required, never shown):",
        "Website (optional):",
        "Response:",
    ]
    assert "Notify me of follow-up replies by email:" in labels

    response = respond(client, post, name="", email="not-an-email", comment="My long thoughts.")
    assert response.status_code == 400
    page = soup(response, status=400)
    assert text_of(page, "#id_name-error")
    assert "valid email" in text_of(page, "#id_email-error")
    assert text_of(page, "textarea[name=comment]") == "My long thoughts."
    assert text_of(page, "h1") == "The Rise of the Micro Expert"


def test_after_posting_the_visitor_sees_their_held_response(client, post):
    response = respond(client, post, comment="First time here!")
    assert response.status_code == 302
    assert re.fullmatch(rf"{post.url}#comment-\d+", response["Location"])
    page = soup(client.get(post.url))
    held = page.select_one(".response--held")
    assert text_of(held, ".response__text") == "First time here!"
    assert "awaiting moderation" in text_of(held)
    # Nobody else sees it.
    from django.test import Client

    assert "First time here!" not in Client().get(post.url).content.decode()


def test_seed_has_the_seven_responses_in_order(client, db):
    call_command("seed_site", stdout=None)
    post = BlogPostPage.objects.get()
    page = soup(client.get(post.url))
    assert text_of(page, "#responses-heading") == "7 Responses to “The Rise of the Micro Expert”"
    names = texts_of(page, ".response__author")
    assert names == [
        "Simon Young",
        "Ben Young",
        "Simon Young",
        "Nathaniel Flick",
        "Ben Young",
        "Nathaniel Flick",
        "Ben Young",
    ]
    texts = texts_of(page, ".response__text")
    assert texts[0].strip().startswith("Good post. Reminds me of Kevin Kelly’s 1000 True Fans")
    assert "Jake of many trades, master of a dozen or so" in texts[6]
    dates = [t["datetime"][:10] for t in page.select(".response__permalink time")]
    assert dates == sorted(dates) and dates[0] == "2008-12-15"
    call_command("seed_site", stdout=None)
    assert len(soup(client.get(post.url)).select(".response")) == 7


def test_response_feeds(client, post):
    make_response(post, name="Simon", comment="Feed me <b>safely</b>")
    make_response(post, name="Hidden", is_public=False, comment="Not in feeds")
    for url in (post.url + "responses/feed/", "/blog/responses/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Simon on “The Rise of the Micro Expert”" in body
        assert "Feed me &lt;b&gt;safely&lt;/b&gt;" in body
        assert "Not in feeds" not in body
    assert f'href="{post.url}responses/feed/"' in client.get(post.url).content.decode()


def test_post_page_queries_are_constant_from_7_to_500_responses(
    client, post, django_assert_num_queries
):
    def costs_three_queries():
        client.get(post.url)
        with django_assert_num_queries(3):
            assert client.get(post.url).status_code == 200

    for n in range(7):
        make_response(post, name=f"Reader {n}", email=f"r{n}@example.com")
    costs_three_queries()
    for n in range(493):
        make_response(post, name=f"More {n}", email=f"m{n}@example.com", submit_date=timezone.now())
    # The first page of responses is one query, with the totals of all.
    costs_three_queries()


# Pages of responses ---------------------------------------------------------------


@pytest.fixture
def busy_post(post, settings):
    settings.BLOG_RESPONSES_PER_PAGE = 5
    threads = [
        make_response(post, name=f"Reader {n}", email=f"r{n}@example.com") for n in range(12)
    ]
    for top in threads[:2]:
        make_response(post, name="Replier", email="re@example.com", parent_id=top.pk)
    return post, threads


def numbers_and_names(page):
    return [
        (text_of(item, ".response__number"), text_of(item, "cite"))
        for item in page.select(".response")
    ]


def test_long_discussions_break_into_pages_of_threads(client, busy_post):
    post, threads = busy_post
    first = soup(client.get(post.url))
    assert text_of(first, "#responses-heading").startswith("14 Responses")
    shown = numbers_and_names(first)
    assert shown[:3] == [("1.", "Reader 0"), ("2.", "Replier"), ("3.", "Reader 1")]
    assert len(first.select("#responses > ol > li")) == 5
    links = [a["href"] for a in first.select(".responses__pages a")]
    assert links == [f"{post.url}#responses", f"{post.url}comment-page-2/#responses",
                     f"{post.url}comment-page-3/#responses"]  # fmt: skip
    third = soup(client.get(f"{post.url}comment-page-3/"))
    assert numbers_and_names(third) == [("13.", "Reader 10"), ("14.", "Reader 11")]
    assert text_of(third, '.responses__pages [aria-current="page"]') == "3"
    assert third.select_one('link[rel="canonical"]')["href"].endswith(f"{post.url}comment-page-3/")


def test_pages_of_responses_that_do_not_exist(client, busy_post):
    post, _threads = busy_post
    first = client.get(f"{post.url}comment-page-1/")
    assert (first.status_code, first["Location"]) == (301, post.url)
    assert client.get(f"{post.url}comment-page-4/").status_code == 404
    assert client.get(f"{post.url}comment-page-0/").status_code == 404


def test_links_to_a_response_open_the_page_it_is_on(client, busy_post):
    post, threads = busy_post
    from blog.responses.threads import response_url

    assert response_url(post.url, threads[0]) == f"{post.url}#comment-{threads[0].pk}"
    second_page = f"{post.url}comment-page-2/#comment-{threads[7].pk}"
    assert response_url(post.url, threads[7]) == second_page
    page = soup(client.get(f"{post.url}comment-page-2/"))
    assert page.select_one(f"#comment-{threads[7].pk}") is not None
    feed = client.get(f"{post.url}responses/feed/").content.decode()
    assert f"{post.url}comment-page-3/#comment-{threads[11].pk}" in feed
    reply = page.select_one(f"#comment-{threads[7].pk} .response__reply a")["href"]
    form = soup(client.get(f"{post.url}comment-page-2/{reply}"))
    assert "Reply to Reader 7" in text_of(form, "#respond-heading")


def pages_as_read(post, held_ids, per_page):
    """Every page of responses as a reader would number them: all rows in reading order,
    a reply shown only under a shown parent, per_page threads a page."""
    from blog.responses.threads import post_responses

    rows = post_responses(post).filter(Q(is_public=True) | Q(pk__in=held_ids, is_public=False))
    numbers, threads = {}, []
    for row in rows.order_by("thread_id", "order"):
        if row.parent_id == row.pk:
            threads.append(row.thread_id)
        elif row.parent_id not in numbers:
            continue
        numbers[row.pk] = len(numbers) + 1
    pages = [threads[n : n + per_page] for n in range(0, len(threads), per_page)] or [[]]
    return [
        [(pk, numbers[pk]) for pk in numbers if rows.get(pk=pk).thread_id in page] for page in pages
    ]


# 1 to 3: the long thread fills the first rows (light rows); 4: the first page is whole
# in the first rows (one count more); 5 and 50: every row is in the first rows.
@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 5, 50])
def test_every_page_of_responses_whatever_the_page_size(post, settings, per_page):
    # The first page is read from at most four pages' worth of rows, with window
    # counts of all; the others from light rows of all. Either way each page holds
    # the same responses, numbered as a reader counts them: a long thread, a held
    # response of this visitor's, a reply under a removed response (hidden), and a
    # count of approved ones only.
    from blog.responses.threads import response_page

    settings.BLOG_RESPONSES_PER_PAGE = per_page
    long_thread = make_response(post, name="Long")
    for n in range(9):
        make_response(post, name=f"Reply {n}", parent_id=long_thread.pk)
    removed = make_response(post, name="Removed", is_removed=True)
    make_response(post, name="Orphan", parent_id=removed.pk)
    held = make_response(post, name="Held", is_public=False)
    make_response(post, name="Someone else's held", is_public=False)
    for n in range(6):
        make_response(post, name=f"Reader {n}")
    expected = pages_as_read(post, [held.pk], per_page)
    for number, page_responses in enumerate(expected, start=1):
        page = response_page(post, number, [held.pk])
        shown = []
        stack = list(reversed(page.roots))
        while stack:
            node = stack.pop()
            shown.append((node.response.pk, node.number))
            stack.extend(reversed(node.children))
        assert (page.number, page.pages, page.count) == (number, len(expected), 17)
        assert shown == page_responses


@pytest.mark.parametrize("limit", [1, 3, 8, 200])
def test_the_first_page_written_out_reads_as_the_orm_would(post, limit):
    # Most post pages read their first page of responses with SQL written out
    # (first_page_rows): the same rows, values and totals as the ORM's query.
    from blog.responses.threads import (
        first_page_rows,
        response_target,
        responses_in_order,
        with_row_totals,
    )

    thread = make_response(post, name="Thread", url="http://example.com/")
    make_response(post, name="Reply", parent_id=thread.pk)
    make_response(post, name="Held", is_public=False)
    make_response(post, name="Removed", is_removed=True)
    for n in range(4):
        make_response(post, name=f"Reader {n}", comment=f"Text <b>{n}</b> & more")
    target = response_target(post)
    ours = first_page_rows(*target, limit)
    theirs = list(with_row_totals(responses_in_order(*target), limit))
    assert [row._asdict() for row in ours] == [row._asdict() for row in theirs]
    assert len(ours) == min(limit, 6)
    assert ours[0].submit_date.tzinfo is not None


# The response form blank, with errors, and with markup in every field (and a reply
# to no number): what its markup must survive.
FORM_STATES = pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "", "email": "not an address", "url": "javascript:alert(1)", "comment": ""},
        {
            "name": 'Ann "<b>&amp;</b>',
            "email": "ann@example.com",
            "url": "http://example.com/?a=1&b=<2>",
            "comment": "<script>alert('x')</script>\n\nTwo & three",
            "followup": "on",
            "honeypot": "filled",
            "reply_to": "not a number",
        },
    ],
    ids=["blank", "errors", "markup in every field"],
)


def rendered_form(post, form):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    return render_to_string(
        "includes/response_form.html",
        {"form": form, "page": post},
        request=RequestFactory().get(post.url),
    )


@FORM_STATES
def test_the_form_shows_every_field_and_escapes_what_the_visitor_typed(post, data):
    from blog.responses.forms import ResponseForm

    form = ResponseForm(post, data=data)
    if data is not None:
        assert not form.is_valid()
    html = rendered_form(post, form)
    page = parse(html)
    names = {field["name"] for field in page.select("input, textarea")}
    assert names == {field.html_name for field in form}
    assert len(names) == 11
    for field in form.visible_fields():
        assert text_of(page, f"label[for={field.auto_id}]").rstrip(":") == field.label
    if data and data["name"].startswith("Ann"):
        assert page.select_one("#id_name")["value"] == data["name"]
        assert "&lt;script&gt;" in html and "<script>" not in html
        assert page.select_one('p.field-error[role="alert"]')  # the bad reply's error
    if data and data["email"] == "not an address":
        assert text_of(page, "#id_email-error")
