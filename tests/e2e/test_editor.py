"""An editor signs in to the Wagtail admin and finds the blog in the page explorer."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

PASSWORD = "a-long-editor-passphrase"


@pytest.fixture
def editor(transactional_db):
    return get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)


def test_editor_signs_in_and_opens_the_blog_in_the_explorer(page, live_server, seeded_site, editor):
    page.goto(live_server.url + "/admin/")
    # Not signed in: the admin sends the editor to its login form.
    expect(page).to_have_url(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Signed in: the dashboard, headed with the admin's name for the site.
    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text(settings.WAGTAIL_SITE_NAME)

    # The explorer for the blog index (a stable admin URL) lists both its posts.
    page.goto(f"{live_server.url}/admin/pages/{seeded_site.blog.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(seeded_site.blog.title)
    for title in ("The Rise of the Micro Expert", "An Untagged Note"):
        expect(page.get_by_role("link", name=title, exact=True).first).to_be_visible()
