"""The one place that hands Wagtail a request's site and site root paths.

Wagtail has no public way to tell a request which site it belongs to: `Site.find_for_request`
queries the database and keeps the answer on the request as `_wagtail_site`, and page URLs
read the sites' root paths from `_wagtail_cached_site_root_paths` on the request, else
from the cache. The site snapshot already holds both, so setting them here saves a query
and a round trip to the cache on every page Django renders.

These are private attributes of Wagtail: tests/test_site_snapshot.py
(`test_wagtail_reads_the_site_and_root_paths_handed_to_it`) fails if an upgrade stops
reading them, and this module is the only one to change then.
"""


def remember_site(request, site, site_root_paths):
    request._wagtail_site = site
    request._wagtail_cached_site_root_paths = site_root_paths
