"""A reader's journeys through the public site, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 375, "height": 667}  # an iPhone SE-sized screen


def test_reader_goes_from_home_to_post_to_tag_archive(page, live_server, seeded_site):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="The Rise of the Micro Expert").click()

    # The post itself: its title, date, words and the "next steps" block.
    expect(page).to_have_url(live_server.url + "/blog/the-rise-of-the-micro-expert/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Rise of the Micro Expert")
    article = page.get_by_role("article")
    expect(article.get_by_text("December 15th, 2008")).to_be_visible()
    expect(article.get_by_text("Being an expert in a small niche")).to_be_visible()
    next_steps = page.get_by_role(
        "complementary", name="What are you doing all the way down here? You could:"
    )
    expect(next_steps).to_be_visible()
    expect(next_steps.get_by_role("link", name="about page")).to_be_visible()

    # A tag link leads to that tag's archive, which lists this post and no other.
    article.get_by_role("link", name="micro experts").click()
    expect(page).to_have_url(live_server.url + "/blog/tag/micro-experts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Posts tagged “micro experts”")
    expect(page.get_by_role("link", name="The Rise of the Micro Expert")).to_be_visible()
    expect(page.get_by_role("link", name="An Untagged Note")).to_have_count(0)


@pytest.mark.parametrize(
    "path", ["/", "/blog/", "/blog/the-rise-of-the-micro-expert/", "/blog/tag/micro-experts/"]
)
def test_pages_fit_a_phone_screen(page, live_server, seeded_site, path):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search posts")).to_be_visible()
    # Nothing wider than the screen: the reader never has to scroll sideways.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{path} is {scroll_width}px wide on a 375px screen"


def test_header_search_finds_a_post(page, live_server, seeded_site):
    page.goto(live_server.url + "/about/")
    page.get_by_role("searchbox", name="Search posts").fill("niche")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=niche$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “niche”")
    expect(page.get_by_text("1 post found.")).to_be_visible()
    page.get_by_role("link", name="The Rise of the Micro Expert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Rise of the Micro Expert")
