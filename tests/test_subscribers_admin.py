"""Editors see subscribers in the Wagtail admin: list, filter, counts, CSV export, remove."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from blog.models import Subscriber
from tests.builders import make_author


@pytest.fixture
def subscribers(db):
    Subscriber.objects.bulk_create(
        [
            Subscriber(email="one@example.com", status=Subscriber.CONFIRMED),
            Subscriber(email="two@example.com", status=Subscriber.CONFIRMED),
            Subscriber(email="waiting@example.com", status=Subscriber.PENDING),
            Subscriber(email="<script>x</script>@example.com", status=Subscriber.UNSUBSCRIBED),
        ]
    )


@pytest.fixture
def moderator(client, db):
    user = make_author("mod", "Mo", "Derator")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user


def test_list_with_counts_and_status_filter(client, subscribers, moderator):
    url = reverse("blog_subscribers:index")
    page = client.get(url).content.decode()
    assert "<strong>2</strong> confirmed" in page
    assert "<strong>1</strong> waiting for confirmation" in page
    assert "<strong>1</strong> unsubscribed" in page
    assert "one@example.com" in page and "waiting@example.com" in page
    assert "<script>x</script>" not in page

    pending = client.get(url, {"status": "pending"}).content.decode()
    assert "waiting@example.com" in pending and "one@example.com" not in pending


def test_csv_export(client, subscribers, moderator):
    response = client.get(reverse("blog_subscribers:index") + "?export=csv&status=confirmed")
    assert response.status_code == 200
    assert "subscribers" in response["Content-Disposition"]
    body = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else response.content.decode()
    )
    rows = list(csv.reader(io.StringIO(body)))
    assert {row[0] for row in rows[1:]} == {"one@example.com", "two@example.com"}


def test_remove_a_subscriber(client, subscribers, moderator):
    subscriber = Subscriber.objects.get(email="one@example.com")
    url = reverse("blog_subscribers:delete", args=[subscriber.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Subscriber.objects.filter(email="one@example.com").exists()


def test_nobody_adds_or_edits_subscribers_by_hand(client, subscribers, moderator):
    subscriber = Subscriber.objects.get(email="waiting@example.com")
    assert client.get(reverse("blog_subscribers:add")).status_code in {302, 403}
    assert client.get(reverse("blog_subscribers:edit", args=[subscriber.pk])).status_code in {
        302,
        403,
    }


def test_editors_without_the_permission_are_kept_out(client, subscribers):
    user = make_author("ed", "Ed", "Itor")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    response = client.get(reverse("blog_subscribers:index"))
    assert response.status_code in {302, 403}
