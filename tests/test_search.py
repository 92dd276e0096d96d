"""Search within posts: ranking, highlighting, filters, stemming, and what never shows."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.views import FILTER_CHOICES_KEY
from tests.builders import make_post, make_tag, publish
from tests.html import soup, text_of, texts_of
from tests.responses import make_response


def titles(client, **params):
    return texts_of(soup(client.get("/search/", params)), ".search-result h2")


@pytest.fixture
def posts(site_tree):
    blog = site_tree.blog
    niche, web = make_tag("niche"), make_tag("internet")
    body_heavy = make_post(
        blog,
        "Notes from a conference",
        date=datetime.date(2015, 3, 1),
        body="<p>" + "A niche is a small market. " * 20 + "</p>",
        tags=[web],
    )
    titled = make_post(
        blog,
        "The niche",
        date=datetime.date(2008, 12, 15),
        summary="About being small.",
        body="<p>Micro experts know Bootstrapped Marketing.</p>",
        tags=[niche, web],
    )
    make_response(titled)
    make_post(blog, "Draft about niche", live=False)
    make_post(blog, "Private niche notes", private=True)
    return {"titled": titled, "body_heavy": body_heavy, "niche": niche, "web": web}


def test_title_matches_rank_first(client, posts):
    assert titles(client, q="niche") == ["The niche", "Notes from a conference"]


def test_each_result_shows_what_a_reader_needs(client, posts):
    page = soup(client.get("/search/", {"q": "bootstrapped"}))
    assert text_of(page, "h1") == "Search results for “bootstrapped”"
    assert "Search results for “bootstrapped”" in text_of(page, "title")
    assert text_of(page, ".search-count") == "1 post found."
    result = page.select_one(".search-result")
    assert result.select_one("h2 a")["href"] == posts["titled"].url
    assert text_of(result, "time") == "December 15th, 2008"
    assert "1 Response" in text_of(result)
    assert texts_of(result, ".post-tags a") == ["internet", "niche"]
    marks = texts_of(result, ".search-result__snippet mark")
    assert marks == ["Bootstrapped"]


def test_a_posts_own_markup_shows_as_text_around_the_marks(client, site_tree):
    make_post(
        site_tree.blog,
        "Marketing <b>tips</b> & tricks",
        body="<p>Say &lt;script&gt;alert(1)&lt;/script&gt; about marketing.</p>",
        slug="marketing-tips",
    )
    response = client.get("/search/", {"q": "marketing"})
    result = soup(response).select_one(".search-result")
    title, snippet = result.select_one("h2 a"), result.select_one(".search-result__snippet")
    assert title.get_text() == "Marketing <b>tips</b> & tricks"
    assert [m.get_text() for m in title.select("mark")] == ["Marketing"]
    assert "Say <script>alert(1)</script> about marketing." in snippet.get_text()
    assert [m.get_text() for m in snippet.select("mark")] == ["marketing"]
    assert not result.select("b, script")
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.parametrize(
    "query, expected_mark",
    [
        ("experts", "experts"),
        ("expert", "experts"),
        ("bootstrap", "Bootstrapped"),
        ("micr", "Micro"),
    ],
)
def test_stemming_and_partial_words(client, posts, query, expected_mark):
    page = soup(client.get("/search/", {"q": query}))
    assert texts_of(page, ".search-result h2") == ["The niche"]
    assert expected_mark in texts_of(page, ".search-result__snippet mark")


def test_marketing_finds_market_too(client, posts):
    # English stemming on both databases: "marketing" and "market" share a stem.
    assert sorted(titles(client, q="marketing")) == ["Notes from a conference", "The niche"]


def test_filters_by_tag_and_year(client, posts):
    assert titles(client, q="niche", tag="niche") == ["The niche"]
    assert titles(client, q="niche", year="2015") == ["Notes from a conference"]
    assert titles(client, q="niche", tag="internet", year="2008") == ["The niche"]
    page = soup(client.get("/search/", {"q": "niche"}))
    assert [o["value"] for o in page.select("#search-year option")] == ["", "2015", "2008"]
    assert "niche" in [o["value"] for o in page.select("#search-tag option")]
    for bad in ({"tag": "nope"}, {"year": "abcd"}, {"year": "99999"}):
        assert len(titles(client, q="niche", **bad)) == 2


def test_numbered_pagination_keeps_the_query(client, site_tree):
    for n in range(23):
        make_post(site_tree.blog, f"Marketing note {n}")
    page = soup(client.get("/search/", {"q": "marketing", "page": "3"}))
    assert text_of(page, ".search-count") == "23 posts found."
    assert len(page.select(".search-result")) == 3
    links = [a["href"] for a in page.select(".pagination a")]
    assert "?q=marketing&page=1" in links and "?q=marketing&page=2" in links


@pytest.mark.parametrize(("asked", "shown", "results"), [("3", 3, 3), ("99", 3, 3), ("0", 1, 10)])
def test_a_page_past_the_end_shows_the_last_one(client, site_tree, asked, shown, results):
    for n in range(23):
        make_post(site_tree.blog, f"Marketing note {n}")
    page = soup(client.get("/search/", {"q": "marketing", "page": asked}))
    assert text_of(page, ".search-count") == "23 posts found."
    assert text_of(page, ".pagination [aria-current]") == str(shown)
    assert len(page.select(".search-result")) == results


def test_words_split_between_title_and_body_still_match(client, site_tree):
    make_post(site_tree.blog, "Micro", body="<p>An expert in one thing.</p>")
    make_post(site_tree.blog, "Micro only", body="<p>Nothing else here.</p>")
    assert titles(client, q="micro expert") == ["Micro"]
    assert titles(client, q="expert micro") == ["Micro"]


def test_no_results_suggests_tags_and_latest_posts(client, posts):
    page = soup(client.get("/search/", {"q": "zebra"}))
    assert text_of(page, ".search-count") == "0 posts found."
    suggestions = page.select_one(".no-results")
    assert texts_of(suggestions, ".tag-cloud a") == ["internet", "niche"]
    latest = texts_of(suggestions, "ul:not(.tag-cloud) a")
    assert latest == ["Notes from a conference", "The niche"]


def test_drafts_private_and_scheduled_posts_never_appear(client, posts, site_tree):
    scheduled = make_post(site_tree.blog, "Future niche", live=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    scheduled.save_revision().publish()
    found = titles(client, q="niche")
    assert "Draft about niche" not in found
    assert "Private niche notes" not in found
    assert "Future niche" not in found


def test_the_count_leaves_out_what_visitors_may_not_see(client, posts, site_tree):
    # Hidden in every way: a draft, a private post, a scheduled one, an unpublished
    # one, and one under a private page (the `posts` fixture holds a draft and a
    # private post already). The count comes from the ranking query, the titles from
    # loading the page of results: both must leave them out.
    scheduled = make_post(site_tree.blog, "Future niche", live=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    scheduled.save_revision().publish()
    make_post(site_tree.blog, "Withdrawn niche").unpublish()
    section = make_post(site_tree.blog, "Members only", private=True)
    make_post(section, "Niche notes for members")

    def found(**params):
        page = soup(client.get("/search/", params))
        shown = sorted(texts_of(page, ".search-result h2"))
        return text_of(page, ".search-count"), shown

    visible = ["Notes from a conference", "The niche"]
    assert found(q="niche") == ("2 posts found.", visible)
    assert found(q="nic") == ("2 posts found.", visible)  # as typed: autocomplete
    assert found(q="niche", tag="internet") == ("2 posts found tagged “internet”.", visible)
    assert found(q="niche", year="2015") == ("1 post found from 2015.", visible[:1])


def test_promoted_results_follow_the_editors(client, posts):
    def promoted():
        page = soup(client.get("/search/", {"q": "Niche"}))
        return texts_of(page, ".promoted a")

    assert promoted() == []
    pick = SearchPromotion.objects.create(query=Query.get("niche"), page=posts["titled"])
    assert promoted() == ["The niche"]
    pick.delete()
    assert promoted() == []


def test_the_index_follows_publish_and_unpublish(client, posts, site_tree):
    post = make_post(site_tree.blog, "Zeppelins", body="<p>Airships.</p>")
    assert titles(client, q="zeppelins") == ["Zeppelins"]
    post.unpublish()
    assert titles(client, q="zeppelins") == []
    post.title = "Zeppelins again"
    publish(post)
    assert titles(client, q="zeppelins") == ["Zeppelins again"]


def test_promoted_results_and_popular_search_terms(client, posts):
    SearchPromotion.objects.create(
        query=Query.get("niche"), page=posts["body_heavy"], description="Start here."
    )
    page = soup(client.get("/search/", {"q": "niche"}))
    promoted = page.select_one(".promoted")
    assert text_of(promoted, "a") == "Notes from a conference"
    assert "Start here." in text_of(promoted)
    client.get("/search/", {"q": "niche"})
    assert Query.get("niche").hits == 2


def test_opensearch_description(client, site_tree):
    head = soup(client.get("/")).find("link", rel="search")
    assert head["type"] == "application/opensearchdescription+xml"
    response = client.get(head["href"])
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    from xml.etree import ElementTree

    root = ElementTree.fromstring(response.content)
    url = root.find("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert url.get("template") == "http://testserver/search/?q={searchTerms}"


def test_queries_per_search_are_constant(client, site_tree, django_assert_num_queries):
    tags = [make_tag(f"t{n}") for n in range(3)]
    for n in range(3):
        make_post(site_tree.blog, f"Marketing {n}", tags=tags)

    def costs_seven_queries():
        with django_assert_num_queries(7):
            assert client.get("/search/", {"q": "marketing"}).status_code == 200

    client.get("/search/", {"q": "marketing"})  # the filters' years and tags get cached
    costs_seven_queries()
    for n in range(20):
        make_post(site_tree.blog, f"More marketing {n}", tags=tags)
    client.get("/search/", {"q": "marketing"})
    costs_seven_queries()


def test_filter_choices_follow_publishing(client, site_tree):
    post = make_post(site_tree.blog, "Marketing in 2019", date=datetime.date(2019, 5, 1))

    def years():
        page = soup(client.get("/search/", {"q": "marketing"}))
        return [option["value"] for option in page.select("#search-year option")]

    assert "2019" in years()
    post.unpublish()
    assert "2019" not in years()
    post.save_revision().publish()
    assert "2019" in years()


def test_filter_choices_cached_during_a_change_are_forgotten_when_it_commits(
    client, site_tree, django_capture_on_commit_callbacks
):
    post = make_post(site_tree.blog, "Marketing in 2019", date=datetime.date(2019, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        post.unpublish()
        # A search served meanwhile, which still read the post as live, caches its year.
        cache.set(FILTER_CHOICES_KEY, {"years": [datetime.date(2019, 1, 1)], "tags": []})
    page = soup(client.get("/search/", {"q": "marketing"}))
    assert "2019" not in [option["value"] for option in page.select("#search-year option")]


ODD_QUERIES = [
    "", " ", "x" * 1000, "\x00", "a\x00b", "naïve café 日本語 🙂", '"', '"unbalanced', "*", "a*",
    ":", "a:b", "&", "|", "!", "(", ")", "-", "-niche", "niche -web", "a AND OR NOT b",
    "NEAR(a b)", "title:niche", "^", "'", "\\", "%", "_", "<script>alert(1)</script>",
]  # fmt: skip


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_never_fail(client, posts, query):
    response = client.get("/search/", {"q": query, "page": "x", "tag": query, "year": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300), page=st.text(max_size=5))
def test_any_text_is_a_valid_search(client, posts, query, page):
    response = client.get("/search/", {"q": query, "page": page})
    assert response.status_code == 200


def test_editors_see_promotions_and_the_search_terms_report(client, posts, django_user_model):
    from django.urls import reverse

    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.com", "pw"))
    client.get("/search/", {"q": "micro experts"})
    assert client.get(reverse("wagtailsearchpromotions:index")).status_code == 200
    report = client.get(reverse("wagtailsearchpromotions:search_terms"))
    assert report.status_code == 200
    assert "micro experts" in report.content.decode()
