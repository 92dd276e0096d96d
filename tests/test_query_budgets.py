"""Query budgets: each page costs a fixed number of queries, however many posts and tags.

The counts are exact so that a new N+1 fails here first; no page may cost
more than 12 (the post page with 7 or 500 responses costs 3, see test_responses_page.py).
The site, its sections, view restrictions and settings come from the site snapshot
(pagecache/snapshot.py, tests/test_site_snapshot.py), made by the warm-up request.
"""

import datetime

import pytest

from tests.builders import make_post, make_tag

BUDGET = 12


def add_posts(blog, count, tags_per_post, prefix):
    tags = [make_tag(f"tag {n}") for n in range(tags_per_post)]
    for n in range(count):
        make_post(
            blog,
            f"{prefix} {n}",
            date=datetime.date(2008, 12, 1) + datetime.timedelta(days=n),
            tags=tags,
        )


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/", 3),
        ("/blog/", 4),
        ("/blog/tag/tag-0/", 5),
        ("/blog/2008/", 4),
        ("/blog/post-0/", 3),
        ("/about/", 0),
        ("/new-here/", 1),
    ],
)
def test_page_queries_do_not_grow_with_posts_or_tags(
    client, site_tree, url, expected, django_assert_num_queries
):
    def costs_expected():
        client.get(url)  # warm per-process caches (content types, site root paths)
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200

    add_posts(site_tree.blog, 3, tags_per_post=1, prefix="Post")
    costs_expected()

    add_posts(site_tree.blog, 30, tags_per_post=4, prefix="More")
    costs_expected()

    assert expected <= BUDGET
