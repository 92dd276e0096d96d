"""The plain search page: finds live posts, and odd input never gives a 500."""

import pytest

from tests.builders import make_post
from tests.html import soup, text_of, texts_of


@pytest.fixture
def posts(site_tree):
    make_post(site_tree.blog, "The Rise of the Micro Expert", body="<p>Bootstrapped marketing</p>")
    make_post(site_tree.blog, "Secret micro draft", live=False)
    make_post(site_tree.blog, "Private micro notes", private=True)
    return site_tree


def result_titles(response):
    return texts_of(soup(response), ".post-card__title")


def test_search_finds_live_public_posts_only(client, posts):
    response = client.get("/search/", {"q": "micro"})
    assert result_titles(response) == ["The Rise of the Micro Expert"]
    page = soup(response)
    assert text_of(page, "h1") == "Search results for “micro”"
    assert "Search results for “micro”" in text_of(page, "title")
    assert page.find("input", attrs={"name": "q"})["value"] == "micro"


def test_search_without_a_query_explains_itself(client, posts):
    response = client.get("/search/")
    assert result_titles(response) == []
    assert b"Type a few words" in response.content


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "x" * 1000,
        "\x00",
        "naïve café 日本",
        '"unbalanced',
        "a*",
        "a:b",
        "a & b | !c",
        "(-)",
    ],
)
def test_odd_queries_never_fail(client, posts, query):
    response = client.get("/search/", {"q": query, "page": "abc"})
    assert response.status_code == 200
