"""The spam rules as WordPress has them: who is held, who is refused, and why."""

import datetime

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import BlogPostPage
from tests.builders import make_post, publish
from tests.responses import approve_sender, form_fields, respond, rules


@pytest.fixture
def post(site_tree):
    rules(hold_on_posts_older_than_days=0)
    return make_post(site_tree.blog, "Fresh post", date=timezone.localdate())


def latest():
    return XtdComment.norel_objects.order_by("-pk").first()


def test_first_time_commenter_is_held_then_known_names_publish(client, post):
    assert respond(client, post, comment="Hello!").status_code == 302
    first = latest()
    assert not first.is_public

    first.is_public = True  # an editor approves it
    first.save()
    assert respond(client, post, comment="Me again.", ip="192.0.2.11").status_code == 302
    assert latest().is_public

    # Same name, another address: still a stranger.
    respond(client, post, email="someone@else.example", comment="Hmm.", ip="192.0.2.12")
    assert not latest().is_public


@pytest.mark.parametrize(
    "setting, value, fields",
    [
        ("blocked_words", "viagra\ncasino", {"comment": "Best CASINO bonus"}),
        ("blocked_emails", "ann@example.com", {}),
        ("blocked_ips", "192.0.2.", {}),
        ("blocked_domains", "spam.example", {"url": "https://www.spam.example/buy"}),
        ("blocked_domains", "example.com", {}),  # the email's domain
    ],
)
def test_blocklist_holds_known_commenters(client, post, setting, value, fields):
    approve_sender(post)
    rules(**{setting: value})
    respond(client, post, **{"comment": "Fine words.", **fields})
    assert not latest().is_public


def test_more_than_two_links_are_held(client, post):
    approve_sender(post)
    respond(client, post, comment="See https://a.example and http://b.example")
    assert latest().is_public
    respond(
        client,
        post,
        comment="See https://a.example, http://b.example and www.c.example",
        ip="192.0.2.20",
    )
    assert not latest().is_public


def test_responses_to_old_posts_are_held(client, site_tree):
    rules(hold_on_posts_older_than_days=30)
    old = make_post(site_tree.blog, "Old post", date=timezone.localdate() - datetime.timedelta(40))
    approve_sender(old)
    respond(client, old, comment="Late to the party.")
    assert not latest().is_public


def test_honeypot_is_refused(client, post):
    response = respond(client, post, honeypot="http://bot.example")
    assert response.status_code == 400
    assert b"looked automated" in response.content
    assert XtdComment.norel_objects.count() == 0


def test_tampered_and_expired_forms_are_refused(client, post):
    tampered = respond(client, post, security_hash="0" * 40)
    assert tampered.status_code == 400
    assert b"The form has expired" in tampered.content

    data = form_fields(client, post)
    other = make_post(post.get_parent().specific, "Other post", date=timezone.localdate())
    data.update(object_pk=str(other.pk), name="A", email="a@example.com", comment="x")
    assert client.post("/responses/post/", data, REMOTE_ADDR="192.0.2.30").status_code == 400

    old = form_fields(client, post)
    old.update(name="A", email="a@example.com", comment="Too late")
    two_hours_later = timezone.now() + datetime.timedelta(hours=2, minutes=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: two_hours_later.timestamp())
        expired = client.post("/responses/post/", old, REMOTE_ADDR="192.0.2.31")
    assert expired.status_code == 400
    assert XtdComment.norel_objects.count() == 0


def test_duplicates_are_refused(client, post):
    assert respond(client, post, comment="Same words.").status_code == 302
    again = respond(client, post, comment="Same words.", ip="192.0.2.40")
    assert again.status_code == 409
    assert b"already sent" in again.content
    assert XtdComment.norel_objects.count() == 1


def test_rate_limit_per_ip_gives_a_429_that_says_why(client, post, settings):
    assert respond(client, post, comment="One").status_code == 302
    too_soon = respond(client, post, comment="Two")
    assert too_soon.status_code == 429
    assert int(too_soon["Retry-After"]) <= 15
    assert b"Please slow down" in too_soon.content and b"seconds" in too_soon.content
    # Another address is not affected.
    assert respond(client, post, comment="Three", ip="192.0.2.99").status_code == 302

    settings.BLOG_COMMENT_RATE_LIMITS = [(1, 15), (3, 3600)]
    start = timezone.now()
    for minute in range(3):
        with pytest.MonkeyPatch.context() as patch:
            now = start + datetime.timedelta(minutes=minute)
            patch.setattr("django.utils.timezone.now", lambda now=now: now)
            respond(client, post, comment=f"Hourly {minute}", ip="192.0.2.50")
    with pytest.MonkeyPatch.context() as patch:
        later = start + datetime.timedelta(minutes=5)
        patch.setattr("django.utils.timezone.now", lambda: later)
        assert respond(client, post, comment="Fourth", ip="192.0.2.50").status_code == 429


def test_closed_posts_show_it_and_refuse_posts(client, post):
    data = form_fields(client, post)
    post.comments_open = False
    publish(post)
    page = client.get(post.url).content.decode()
    assert "Comments are closed." in page
    assert 'id="respond"' not in page
    data.update(name="A", email="a@example.com", comment="Sneaky")
    response = client.post("/responses/post/", data)
    assert response.status_code == 403
    assert XtdComment.norel_objects.count() == 0


def test_posts_close_automatically_after_n_days(client, site_tree):
    rules(close_after_days=10, hold_on_posts_older_than_days=0)
    recent = make_post(site_tree.blog, "Recent", date=timezone.localdate())
    old = make_post(site_tree.blog, "Old", date=timezone.localdate() - datetime.timedelta(11))
    assert "Comments are closed." not in client.get(recent.url).content.decode()
    assert "Comments are closed." in client.get(old.url).content.decode()


@pytest.mark.parametrize("state", ["draft", "private", "missing", "garbage"])
def test_responses_to_posts_visitors_cannot_see_give_404(client, site_tree, post, state):
    data = form_fields(client, post)
    data.update(name="A", email="a@example.com", comment="Hello")
    if state == "draft":
        post.unpublish()
    elif state == "private":
        from wagtail.models import PageViewRestriction

        PageViewRestriction.objects.create(page=post, restriction_type="login")
    elif state == "missing":
        BlogPostPage.objects.filter(pk=post.pk).delete()
    else:
        data["object_pk"] = "1 OR 1=1"
    assert client.post("/responses/post/", data).status_code == 404


def test_oversized_fields_are_form_errors(client, post, settings):
    response = respond(client, post, name="N" * 51, comment="x" * (settings.COMMENT_MAX_LENGTH + 1))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_name-error"' in page and 'id="id_comment-error"' in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"object_pk": "1"},
        {"object_pk": "", "comment": "x"},
        {"object_pk": "999999", "name": "a"},
    ],
)
def test_garbage_posts_never_500(client, post, data):
    assert client.post("/responses/post/", data).status_code in {400, 403, 404}


def test_get_on_the_post_url_is_not_allowed(client, db):
    assert client.get("/responses/post/").status_code == 405


def test_forgery_is_refused(post):
    # Anonymous forms come from cached pages without a CSRF token, so the Origin header
    # decides (tests/test_page_cache.py has the signed-in side).
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    data = form_fields(strict, post)
    data.update(name="A", email="a@example.com", comment="Hello")
    assert "csrfmiddlewaretoken" not in data
    forged = strict.post("/responses/post/", data, HTTP_ORIGIN="https://elsewhere.example")
    assert forged.status_code == 403
    assert strict.post("/responses/post/", data, HTTP_ORIGIN="http://testserver").status_code == 302


# Notifications -------------------------------------------------------------------


def test_held_response_emails_moderators_with_a_link_to_it(
    client, post, django_user_model, django_capture_on_commit_callbacks
):
    django_user_model.objects.create_superuser("mod", "mod@example.com", "pw")
    with django_capture_on_commit_callbacks(execute=True):
        respond(client, post, name="<b>Eve</b>", comment="<script>alert(1)</script>")
    held = latest()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mod@example.com"]
    assert "Fresh post" in message.subject
    assert reverse("blog_responses:edit", args=[held.pk]) in message.body
    assert "first response from this name and email" in message.body
    html = message.alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Eve</b>" not in html


def test_followers_get_replies_with_a_one_click_mute(
    client, post, django_capture_on_commit_callbacks
):
    parent = approve_sender(post, name="Simon", email="simon@example.com")
    parent.followup = True
    parent.save()
    approve_sender(post)  # the replier is known, so the reply publishes at once
    with django_capture_on_commit_callbacks(execute=True):
        respond(client, post, comment="A reply", query=f"?replytocom={parent.pk}")
    assert [m.to for m in mail.outbox] == [["simon@example.com"]]
    message = mail.outbox[0]
    assert "A reply" in message.body
    mute_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert mute_url in message.body
    path = mute_url.split("://", 1)[1].split("/", 1)[1]
    muted = client.get("/" + path)
    assert muted.status_code == 200 and b"Replies muted" in muted.content
    assert not XtdComment.norel_objects.get(pk=parent.pk).followup

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        respond(
            client, post, comment="Another reply", query=f"?replytocom={parent.pk}", ip="192.0.2.77"
        )
    assert mail.outbox == []


def test_a_tampered_mute_link_is_a_clear_400(client, db):
    token = signing.dumps(["a@example.com", 1], salt="wrong")
    response = client.get(f"/responses/mute/{token}/")
    assert response.status_code == 400
    assert b"That link does not work" in response.content


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notifications_wait_for_the_worker_not_the_request(client, settings, django_user_model):
    """With the production backend, the request only queues the email; the worker sends it."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from tests.builders import build_site

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tree = build_site()
    rules(hold_on_posts_older_than_days=0)
    post = make_post(tree.blog, "Queued", date=timezone.localdate())
    django_user_model.objects.create_superuser("mod", "mod@example.com", "pw")

    assert respond(client, post).status_code == 302
    assert mail.outbox == []
    queued = DBTaskResult.objects.filter(task_path="blog.notifications.notify_moderators")
    assert queued.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=None, stderr=None)
    assert [m.to for m in mail.outbox] == [["mod@example.com"]]
