"""A visitor subscribes from the footer, confirms from the email, and is subscribed."""

import re

from django.core import mail
from playwright.sync_api import expect

from blog.models import Subscriber


def test_subscribing_from_the_footer(page, live_server, seeded_site):
    page.goto(live_server.url + seeded_site.post.url)
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("New posts by email").fill("reader@example.com")
    footer.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert Subscriber.objects.get().status == Subscriber.PENDING
    message = mail.outbox[-1]
    assert message.to == ["reader@example.com"]
    link = re.search(r"https?://\S+/subscribe/confirm/\S+/", message.body).group(0)

    page.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscription confirmed")
    assert Subscriber.objects.get().status == Subscriber.CONFIRMED
