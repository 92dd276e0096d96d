"""Search within posts: ranked, filtered, highlighted; any input gives a page, never an error."""

import datetime
import re

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page as WagtailPage
from wagtail.search.utils import normalise_query_string

from blog.models import BlogPostPage, BlogPostTag, BlogTag, attach_tags
from blog.responses.threads import attach_response_counts

from .backends import leaving_out
from .highlight import post_text, snippet, terms_pattern
from .tasks import count_search

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search_terms(query):
    """The words of a query, without the punctuation that full-text engines read as
    operators (an unbalanced quote is a syntax error to SQLite's FTS5)."""
    return " ".join(re.findall(r"\w+", query))


def year_filter(value):
    return int(value) if value.isdigit() and 1900 <= int(value) <= 2999 else None


def visible_posts():
    """What visitors may see: live, public posts (scheduled ones are not live yet)."""
    return BlogPostPage.objects.live().public()


def hidden_pages():
    """The pages visible_posts() leaves out: those not live, and those under a view
    restriction (its exact complement among posts)."""
    return WagtailPage.objects.filter(Q(live=False) | BlogPostPage.objects.all().private_q())


def popular_tags(limit=10):
    live = BlogPostTag.objects.filter(content_object__in=visible_posts()).values("tag")
    return (
        BlogTag.objects.filter(pk__in=live)
        .annotate(posts=Count("tagged_posts"))
        .order_by("-posts", "name")[:limit]
    )


FILTER_CHOICES_KEY = "search:filter-choices"


def filter_choices():
    """The years and most used tags the filters offer. They change only when a post is
    published, unpublished or deleted, or a tag renamed (search/signal_handlers.py
    forgets them then), so they are kept in the cache rather than counted over every
    post on every search."""
    return cache.get_or_set(
        FILTER_CHOICES_KEY,
        lambda: {
            "years": list(visible_posts().dates("date", "year", order="DESC")),
            "tags": list(popular_tags(20)),
        },
        timeout=24 * 3600,
    )


PROMOTED_QUERIES_KEY = "search:promoted-queries"


def promoted_queries():
    """The searches (normalised) that editors gave promoted results. Most searches have
    none, so a search asks the database for its promotions only when it is one of
    these; search/signal_handlers.py forgets them when a promotion is saved or
    deleted."""
    return cache.get_or_set(
        PROMOTED_QUERIES_KEY,
        lambda: set(SearchPromotion.objects.values_list("query__query_string", flat=True)),
        timeout=24 * 3600,
    )


def page_number(value):
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def fetch_page(found, number):
    """Page `number` of ranked results, and the number of all matches when the backend
    counted them alongside (search/backends, on PostgreSQL and SQLite), else None."""
    start = (number - 1) * RESULTS_PER_PAGE
    window = found[start : start + RESULTS_PER_PAGE]
    rows = list(window)
    if not rows and number == 1:
        return rows, 0
    return rows, getattr(window, "matches", None)


def ranked_page(found, requested):
    """The page of results a visitor asked for, or the nearest one that exists (as
    `nearest_page` does for listings), in one query where the backend can count while
    it ranks, and two elsewhere."""
    number = page_number(requested)
    rows, matches = fetch_page(found, number)
    paginator = Paginator(found, RESULTS_PER_PAGE)
    paginator.count = found.count() if matches is None else matches
    if number > paginator.num_pages:
        number = paginator.num_pages
        rows, _ = fetch_page(found, number)
    return Page(rows, number, paginator)


def search(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    tag_slug = request.GET.get("tag", "").replace("\x00", "")[:100]
    tag = BlogTag.objects.filter(slug=tag_slug).first() if tag_slug else None
    year = year_filter(request.GET.get("year", "")[:4])
    context = {"search_query": query, "search_results": None, "tag": tag, "year": year}
    terms = search_terms(query)
    if not query:
        return TemplateResponse(request, "search/search.html", context)

    # The backends rank ids and load only the page of results from this queryset.
    candidates = visible_posts()
    if tag:
        candidates = candidates.filter(
            pk__in=BlogPostTag.objects.filter(tag=tag).values("content_object_id")
        )
    if year:
        candidates = candidates.filter(
            date__gte=datetime.date(year, 1, 1), date__lt=datetime.date(year + 1, 1, 1)
        )
    if not (tag or year):
        # Every post but the hidden ones: the search tests the few hidden ones.
        candidates = leaving_out(candidates, hidden_pages())
    results = ranked_page(
        candidates.search(terms, operator="and") if terms else candidates.none(),
        request.GET.get("page"),
    )
    if terms and not results.paginator.count:
        # Words still being typed: "micr" finds "micro".
        results = ranked_page(
            candidates.autocomplete(terms, operator="and"), request.GET.get("page")
        )
    page_posts = attach_tags(attach_response_counts(results.object_list))
    pattern = terms_pattern(terms)
    for post in page_posts:
        post.search_snippet = snippet(post_text(post), pattern)
        post.title_marked = snippet(post.title, pattern, width=1000)
    results.object_list = page_posts

    promoted = []
    if results.number == 1 and not (tag or year):
        # The report of popular search terms counts this search, on the day Wagtail's
        # Query.add_hit would count it.
        count_search.enqueue(query, timezone.now().date().isoformat())
        query_string = normalise_query_string(query)
        if query_string in promoted_queries():
            picks = (
                SearchPromotion.objects.filter(query__query_string=query_string)
                .select_related("page")
                .order_by("sort_order")
            )
            promoted = [pick for pick in picks if pick.page.live]

    paginator = results.paginator
    context.update(
        search_results=results,
        page_range=paginator.get_elided_page_range(results.number),
        promoted=promoted,
        **filter_choices(),
    )
    if not paginator.count:
        # Titles and dates only.
        context["latest_posts"] = visible_posts().order_by("-date")[:5]
    return TemplateResponse(request, "search/search.html", context)


def opensearch(request):
    """The OpenSearch description browsers read to offer this site's search."""
    return TemplateResponse(
        request,
        "search/opensearch.xml",
        {"search_url": request.build_absolute_uri(reverse("search"))},
        content_type="application/opensearchdescription+xml",
    )
