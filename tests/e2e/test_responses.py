"""A visitor responds, a moderator approves it in the Wagtail admin, the visitor sees it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

PASSWORD = "a-long-moderator-passphrase"


@pytest.fixture
def moderator(transactional_db):
    user = get_user_model().objects.create_user(
        "moderator", "moderator@example.com", PASSWORD, first_name="Mo", last_name="Derator"
    )
    # Wagtail's Moderators group, which the blog's migration lets moderate responses.
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_a_held_response_is_approved_in_the_admin_and_appears(
    browser, live_server, seeded_site, moderator
):
    post_url = live_server.url + seeded_site.post.url

    visitor = browser.new_context().new_page()
    visitor.goto(post_url)
    expect(visitor.locator("#responses-heading")).to_have_text("No responses yet")
    visitor.get_by_label("Name").fill("Ann Reader")
    visitor.get_by_label("Email (required, never shown)").fill("ann@example.com")
    visitor.get_by_role("textbox", name="Response").fill("This describes my job exactly.")
    visitor.get_by_role("button", name="Submit Response").click()

    # Back on the post, at the response, marked as held for this visitor only.
    expect(visitor).to_have_url(f"{post_url}#comment-1")
    held = visitor.locator(".response--held")
    expect(held).to_contain_text("This describes my job exactly.")
    expect(held).to_contain_text("awaiting moderation")

    admin = browser.new_context().new_page()
    admin.goto(live_server.url + "/admin/login/")
    admin.get_by_label("Username").fill("moderator")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    # The sidebar's Comments item counts what waits.
    admin.get_by_role("link", name="Comments (1)").click()
    admin.get_by_role("link", name="Ann Reader").click()
    admin.get_by_role("button", name="Approve", exact=True).click()
    expect(admin.get_by_text("Approved", exact=False).first).to_be_visible()

    visitor.reload()
    expect(visitor.locator("#responses-heading")).to_have_text(
        "1 Response to “The Rise of the Micro Expert”"
    )
    response = visitor.locator(".response").first
    expect(response).to_contain_text("Ann Reader")
    expect(response).not_to_contain_text("awaiting moderation")
