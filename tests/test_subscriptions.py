"""Subscribe, confirm, receive new posts, unsubscribe: the whole journey, and bad input."""

import datetime
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from blog.models import BlogPostPage, PostEmail, Subscriber
from blog.signal_handlers import email_subscribers
from tests.builders import build_site, paragraph, publish
from tests.html import parse, text_of


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links(message):
    return re.findall(r"https?://\S+", message.body)


def subscribe(client, email, ip="198.51.100.1"):
    return client.post("/subscribe/", {"email": email}, REMOTE_ADDR=ip)


def confirmed(client, email, capture, ip="198.51.100.1"):
    with capture(execute=True):
        subscribe(client, email, ip=ip)
    confirm_link = next(link for link in links(mail.outbox[-1]) if "/subscribe/confirm/" in link)
    assert client.get(path_of(confirm_link)).status_code == 200
    return Subscriber.objects.get(email=email)


def new_post(tree, title="Fresh thinking", **fields):
    post = BlogPostPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        date=timezone.localdate(),
        summary="A summary for the email.",
        body=paragraph("<p>Body.</p>"),
        **fields,
    )
    tree.blog.add_child(instance=post)
    return post


def test_the_whole_journey(client, site_tree, django_capture_on_commit_callbacks):
    page = client.get("/subscribe/")
    assert page.status_code == 200 and b"Subscribe to blog updates" in page.content
    assert b'action="/subscribe/"' in client.get("/").content  # the footer form

    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "reader@example.com")
    assert response.status_code == 200
    assert b"Check your inbox" in response.content
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["reader@example.com"]
    assert confirmation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Subscriber.objects.get().status == Subscriber.PENDING

    confirm_link = next(link for link in links(confirmation) if "/subscribe/confirm/" in link)
    done = client.get(path_of(confirm_link))
    assert done.status_code == 200 and b"Subscription confirmed" in done.content
    assert Subscriber.objects.get().status == Subscriber.CONFIRMED

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(new_post(site_tree))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.com"]
    assert message.subject == "New post: Fresh thinking"
    assert "A summary for the email." in message.body
    assert "/blog/fresh-thinking/" in message.body
    html = message.alternatives[0][0]
    assert "Fresh thinking" in html and "Unsubscribe" in html
    unsubscribe_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail client's one POST, with no CSRF token and no cookie.
    from django.test import Client

    one_click = Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe_url), {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200 and b"You are unsubscribed" in one_click.content
    assert Subscriber.objects.get().status == Subscriber.UNSUBSCRIBED

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(new_post(site_tree, title="Another one"))
    assert mail.outbox == []

    # Subscribing again works (once the address's rate limit has passed).
    cache.clear()
    assert confirmed(
        client, "reader@example.com", django_capture_on_commit_callbacks, ip="198.51.100.2"
    )
    assert Subscriber.objects.get().status == Subscriber.CONFIRMED


def test_the_page_says_the_same_whether_the_address_is_known(
    client, site_tree, django_capture_on_commit_callbacks
):
    confirmed(client, "known@example.com", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    cache.clear()  # as if the address's rate limit had long passed
    with django_capture_on_commit_callbacks(execute=True):
        known = subscribe(client, "known@example.com", ip="198.51.100.3").content.decode()
        unknown = subscribe(client, "new@example.com", ip="198.51.100.4").content.decode()

    def main(html):
        return text_of(parse(html), "main")

    assert main(known).replace("known@example.com", "X") == main(unknown).replace(
        "new@example.com", "X"
    )
    # A confirmed address is not mailed again; a new one gets its link.
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


def test_rate_limits_per_ip_and_per_address(client, site_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert subscribe(client, "stranger@example.com", ip="198.51.100.5").status_code == 200
        again = subscribe(client, "stranger@example.com", ip="198.51.100.6")
    assert again.status_code == 429
    assert b"try again in about 10 minutes" in again.content
    assert int(again["Retry-After"]) > 0
    assert len(mail.outbox) == 1  # the stranger got one email, not two

    for n in range(5):
        assert subscribe(client, f"a{n}@example.com", ip="198.51.100.7").status_code == 200
    assert subscribe(client, "a5@example.com", ip="198.51.100.7").status_code == 429


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 300 + "@example.com"])
def test_malformed_addresses_get_a_clear_400(client, site_tree, email):
    response = subscribe(client, email)
    assert response.status_code == 400
    assert b'id="id_email-error"' in response.content
    assert Subscriber.objects.count() == 0


def test_honeypot_is_refused(client, site_tree):
    response = client.post("/subscribe/", {"email": "bot@example.com", "website": "spam"})
    assert response.status_code == 400
    assert Subscriber.objects.count() == 0


def test_bad_and_expired_links(client, site_tree, django_capture_on_commit_callbacks):
    assert client.get("/subscribe/confirm/garbage/").status_code == 400
    tampered = signing.dumps("someone@example.com", salt="another purpose")
    assert client.get(f"/subscribe/confirm/{tampered}/").status_code == 400
    assert client.get("/unsubscribe/garbage/").status_code == 400
    assert client.post("/unsubscribe/garbage/").status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "late@example.com")
    link = next(link for link in links(mail.outbox[-1]) if "/subscribe/confirm/" in link)
    four_days = timezone.now() + datetime.timedelta(days=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: four_days.timestamp())
        expired = client.get(path_of(link))
    assert expired.status_code == 400 and b"That link has expired" in expired.content
    assert Subscriber.objects.get().status == Subscriber.PENDING


def test_confirming_and_unsubscribing_twice_is_harmless(
    client, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "twice@example.com")
    link = path_of(next(x for x in links(mail.outbox[-1]) if "/subscribe/confirm/" in x))
    assert client.get(link).status_code == 200
    second = client.get(link)
    assert second.status_code == 200 and b"already subscribed" in second.content

    from blog.tokens import unsubscribe_token

    url = f"/unsubscribe/{unsubscribe_token('twice@example.com')}/"
    assert b"Stop emailing" in client.get(url).content
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.UNSUBSCRIBED


def test_only_the_first_publication_is_emailed(
    client, site_tree, django_capture_on_commit_callbacks
):
    confirmed(client, "reader@example.com", django_capture_on_commit_callbacks)
    post = new_post(site_tree)
    with django_capture_on_commit_callbacks(execute=True):
        publish(post)
    assert len(mail.outbox) == 2  # the confirmation, then the post
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Fresh thinking, edited"
        publish(post)  # an edit
        post.unpublish()
        publish(post)  # a re-publication
    assert len(mail.outbox) == 2
    assert PostEmail.objects.get(post=post).sent == 1

    # Seeded and imported posts carry their old first-publication date: no email.
    old = new_post(site_tree, title="From 2008")
    old.first_published_at = datetime.datetime(2008, 12, 15, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        publish(old)
    assert len(mail.outbox) == 2


def test_editors_can_switch_the_email_off(client, site_tree, django_capture_on_commit_callbacks):
    confirmed(client, "reader@example.com", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    post = new_post(site_tree, email_subscribers=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(post)
        post.email_subscribers = True
        publish(post)  # switching it on later does not send an old post
    assert mail.outbox == []


def test_a_scheduled_post_is_emailed_when_it_goes_live(
    client, site_tree, django_capture_on_commit_callbacks
):
    confirmed(client, "reader@example.com", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    post = new_post(site_tree, title="Tomorrow")
    post.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = post.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert not BlogPostPage.objects.get(pk=post.pk).live
    assert mail.outbox == []

    two_hours_later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.MonkeyPatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr("django.utils.timezone.now", lambda: two_hours_later)
        call_command("publish_scheduled", stdout=None)
    assert BlogPostPage.objects.get(pk=post.pk).live
    assert [m.subject for m in mail.outbox] == ["New post: Tomorrow"]


def test_subscribers_are_emailed_in_batches(site_tree, django_capture_on_commit_callbacks):
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"r{n}@example.com", status=Subscriber.CONFIRMED) for n in range(250)]
        + [
            Subscriber(email="pending@example.com"),
            Subscriber(email="gone@example.com", status="unsubscribed"),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(new_post(site_tree))
    assert len(mail.outbox) == 250
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert {m.to[0] for m in mail.outbox} == {f"r{n}@example.com" for n in range(250)}
    record = PostEmail.objects.get()
    assert (record.recipients, record.sent) == (250, 250)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_publishes_email_once():
    tree = build_site()
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"r{n}@example.com", status=Subscriber.CONFIRMED) for n in range(5)]
    )
    post = new_post(tree)
    publish(post)  # in autocommit: its own email goes out here
    sent_by_first = len(mail.outbox)
    PostEmail.objects.all().delete()
    mail.outbox.clear()
    post.refresh_from_db()
    post.last_published_at = post.first_published_at

    def publish_signal(_):
        try:
            email_subscribers(BlogPostPage, instance=post)
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(publish_signal, range(8)))
    assert sent_by_first == 5
    assert PostEmail.objects.count() == 1
    assert len(mail.outbox) == 5
