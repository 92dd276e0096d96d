"""Date and tag archives list exactly the live, public posts; bad input never 500s."""

import datetime

import pytest

from tests.builders import make_post, make_tag
from tests.html import soup, text_of, texts_of


def titles(response):
    return texts_of(soup(response), ".post-card__title")


@pytest.fixture
def posts(site_tree):
    niche = make_tag("niche", description="Small, specific interests.")
    other = make_tag("other")
    blog = site_tree.blog
    make_post(blog, "December post", date=datetime.date(2008, 12, 15), tags=[niche])
    make_post(blog, "November post", date=datetime.date(2008, 11, 2), tags=[niche, other])
    make_post(blog, "Next year", date=datetime.date(2009, 1, 5), tags=[other])
    make_post(blog, "Draft post", date=datetime.date(2008, 12, 20), tags=[niche], live=False)
    make_post(blog, "Private post", date=datetime.date(2008, 12, 21), tags=[niche], private=True)
    return site_tree


def test_index_lists_live_public_posts_only(client, posts):
    assert titles(client.get("/blog/")) == ["Next year", "December post", "November post"]


def test_year_archive(client, posts):
    assert titles(client.get("/blog/2008/")) == ["December post", "November post"]
    assert titles(client.get("/blog/2009/")) == ["Next year"]


def test_month_archive(client, posts):
    response = client.get("/blog/2008/12/")
    assert titles(response) == ["December post"]
    assert "Posts from December 2008" in response.content.decode()


def test_tag_archive_shows_description_and_live_posts(client, posts):
    response = client.get("/blog/tag/niche/")
    assert titles(response) == ["December post", "November post"]
    page = soup(response)
    assert text_of(page, "h1") == "Posts tagged “niche”"
    assert "Small, specific interests." in text_of(page)
    assert page.find("meta", attrs={"name": "description"})["content"] == (
        "Small, specific interests."
    )


@pytest.mark.parametrize(
    "url",
    [
        "/blog/tag/no-such-tag/",
        "/blog/2008/13/",
        "/blog/2008/00/",
        "/blog/2008/07/",  # a month with no posts
        "/blog/1999/",
        "/blog/2008/12/extra/",
        "/blog/abcd/",
        "/blog/tag/a%00b/",  # PostgreSQL refuses NUL bytes: still a 404, not a 500
        "/blog/tag/a%00b/feed/",
    ],
)
def test_bad_archive_addresses_give_the_404_page(client, posts, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_a_tag_with_only_drafts_is_an_empty_archive(client, posts):
    make_tag("lonely")
    assert titles(client.get("/blog/tag/lonely/")) == []


@pytest.mark.parametrize(
    "query, expected_first",
    [("abc", "Post 24"), ("0", "Post 24"), ("-1", "Post 24"), ("999", "Post 4"), ("3", "Post 4")],
)
def test_bad_page_numbers_land_on_the_nearest_real_page(client, site_tree, query, expected_first):
    for n in range(25):
        make_post(
            site_tree.blog, f"Post {n}", date=datetime.date(2020, 1, 1) + datetime.timedelta(n)
        )
    assert titles(client.get(f"/blog/?page={query}"))[0] == expected_first
