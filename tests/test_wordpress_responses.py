"""WordPress comments as the blog's responses: states, threads, order, pingbacks."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django_comments_xtd.models import XtdComment

from blog.models import BlogPostPage
from tests.wordpress import FIXTURES, run_import, table_row
from wordpress.responses import comment_text

THREADS = FIXTURES / "threaded-comments.xml"


def responses():
    return list(XtdComment.objects.order_by("thread_id", "order"))


def by_name(name):
    return XtdComment.objects.get(user_name=name)


@pytest.fixture
def threads(site_tree):
    return run_import(THREADS)


@pytest.mark.django_db
def test_states_follow_wordpress(threads):
    assert table_row(threads, "responses") == (8, 0, 0, 2)
    assert "1 malformed; 1 on pages (pages take no responses)" in threads
    assert (by_name("Al").is_public, by_name("Al").is_removed) == (True, False)
    assert (by_name("Di").is_public, by_name("Di").is_removed) == (False, False)  # pending
    assert (by_name("Cheap Pills").is_public, by_name("Cheap Pills").is_removed) == (False, True)
    assert by_name("Ed").is_removed  # trash
    assert not XtdComment.objects.filter(user_name="Fay").exists()  # on a page


@pytest.mark.django_db
def test_threads_and_order_follow_wordpress(threads):
    names = dict(XtdComment.objects.values_list("pk", "user_name"))
    rows = [(r.user_name, r.level, names[r.parent_id]) for r in responses()]
    # Threads in date order (Di's at 10:30 first), each reply under its parent;
    # Ann's reply to Cy would be a fourth level: it sits beside Cy, under Bo.
    assert rows == [
        ("Di", 0, "Di"),
        ("Al", 0, "Al"),
        ("Bo", 1, "Al"),
        ("Cy", 2, "Bo"),
        ("Ann Author", 2, "Bo"),
        ("Cheap Pills", 0, "Cheap Pills"),
        ("Ed", 0, "Ed"),
        ("Orphan", 0, "Orphan"),
    ]
    al = by_name("Al")
    assert [r.order for r in responses() if r.thread_id == al.pk] == [1, 2, 3, 4]
    assert (al.nested_count, by_name("Bo").nested_count) == (3, 2)
    assert "1 replies nested deeper than 3 levels were attached" in threads
    assert "comment 110: its parent 999 is not imported" in threads


@pytest.mark.django_db
def test_fields_dates_addresses_and_users(threads):
    cy = by_name("Cy")
    assert cy.user_email == "cy@example.com" and cy.user_url == "http://cy.example/"
    assert cy.ip_address == "2001:db8::7"
    assert cy.submit_date == datetime.datetime(2009, 2, 3, 12, tzinfo=datetime.UTC)
    assert cy.comment == "A reply to Bo, with reasons (http://cy.example/why).\nTwo lines."
    assert by_name("Al").comment == "First!\n\nTwo paragraphs & an ampersand."
    ann = by_name("Ann Author")
    assert ann.ip_address is None  # "not an address"
    assert ann.user.username == "ann"  # wp:comment_user_id of the author
    assert cy.user is None and not cy.followup


@pytest.mark.django_db
def test_the_post_page_shows_the_threads(threads, client):
    post = BlogPostPage.objects.get(slug="lets-talk")
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    text = page.get_text()
    for shown in ("First!", "A reply to Al.", "A reply to Bo", "beside Cy"):
        assert shown in text
    for hidden in ("Waiting for approval", "Buy now", "Thrown away", "A trackback"):
        assert hidden not in text


@pytest.mark.django_db
def test_pingbacks_kept_when_asked(site_tree):
    output = run_import(THREADS, "--with-pingbacks")
    assert table_row(output, "pingbacks") == (2, 0, 0, 0)
    pingback = XtdComment.objects.get(user_url="http://another.example/2009/02/about-this/")
    assert pingback.user_name == "Another Blog » A post about this"
    assert pingback.comment == "[…] as Ann says, talk it over […]"


@pytest.mark.django_db
def test_new_comments_on_a_second_run_join_their_threads(site_tree, tmp_path):
    first = tmp_path / "first.xml"
    text = THREADS.read_text()
    # The first export lacks Cy's reply and Ann's reply to it.
    start = text.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>103</wp:comment_id>")
    end = text.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>101</wp:comment_id>")
    without_cy = text[:start] + text[end:]
    start = without_cy.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>104</wp:comment_id>")
    end = without_cy.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>105</wp:comment_id>")
    first.write_text(without_cy[:start] + without_cy[end:])
    run_import(first)
    assert XtdComment.objects.count() == 6
    output = run_import(THREADS)
    assert table_row(output, "responses") == (2, 0, 6, 2)
    al = by_name("Al")
    thread = [(r.user_name, r.level) for r in responses() if r.thread_id == al.pk]
    assert thread == [("Al", 0), ("Bo", 1), ("Cy", 2), ("Ann Author", 2)]


def test_comment_html_becomes_plain_text():
    assert comment_text("plain\r\ntext ") == "plain\ntext"
    assert comment_text('<p>One</p><p>Two <a href="http://x.example/">x</a></p>') == (
        "One\n\nTwo x (http://x.example/)"
    )
    assert comment_text('see <a href="http://x.example/">http://x.example/</a>') == (
        "see http://x.example/"
    )
    assert comment_text("I &lt;3 this &amp; that") == "I <3 this & that"
    assert comment_text("<b>bold</b><script>alert(1)</script>") == "bold"


@pytest.mark.django_db
def test_a_failure_in_the_responses_keeps_the_post(site_tree, monkeypatch):
    from django.db import DatabaseError

    from wordpress.responses import ResponseImporter

    def fail(self, new, objects):
        XtdComment.objects.all().delete()  # half done, then the database refuses
        raise DatabaseError("value too long for type character varying(50)")

    monkeypatch.setattr(ResponseImporter, "save_in_bulk", fail)
    output = run_import(THREADS)
    assert BlogPostPage.objects.filter(slug="lets-talk").exists()
    assert not XtdComment.objects.exists()
    assert "its responses were skipped: value too long" in output
    assert table_row(output, "responses") == (0, 0, 0, 10)  # 8 + malformed + on a page
