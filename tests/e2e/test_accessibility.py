"""axe-core finds no accessibility violations on any kind of public page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

# Axe() reads axe.min.js from the installed package and injects it with
# page.evaluate: nothing is fetched from a CDN.
axe = Axe()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/blog/the-rise-of-the-micro-expert/",
        "/blog/",
        "/blog/tag/micro-experts/",
        "/about/",
        "/new-here/",
    ],
    ids=["home", "post", "blog-index", "tag-archive", "about", "new-here"],
)
def test_page_has_no_axe_violations(page, live_server, seeded_site, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
