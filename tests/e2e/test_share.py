"""Sharing is progressive enhancement: buttons appear only where the browser can do it."""

from playwright.sync_api import expect


def test_copy_link_and_share_where_the_browser_can(browser, live_server, seeded_site):
    post_url = live_server.url + seeded_site.post.url
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    # Record what the page hands to the Web Share API.
    page.add_init_script(
        "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };"
    )
    page.goto(post_url)

    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == post_url

    page.get_by_role("button", name="Share…").click()
    assert page.evaluate("window.__shared.url") == post_url


def test_without_javascript_only_the_mail_link_shows(browser, live_server, seeded_site):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + seeded_site.post.url)
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(page.get_by_role("link", name="email this to a friend")).to_be_visible()
