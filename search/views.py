"""Search within posts: ranked, filtered, highlighted; any input gives a page, never an error."""

import datetime
import re

from django.core.paginator import Paginator
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.contrib.search_promotions.models import Query

from blog.comments import attach_response_counts
from blog.models import BlogPostPage, BlogPostTag, BlogTag, nearest_page

from .highlight import post_text, snippet, terms_pattern

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


def popular_tags(limit=10):
    live = BlogPostTag.objects.filter(content_object__in=visible_posts()).values("tag")
    return (
        BlogTag.objects.filter(pk__in=live)
        .annotate(posts=Count("tagged_posts"))
        .order_by("-posts", "name")[:limit]
    )


def search(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    tag_slug = request.GET.get("tag", "").replace("\x00", "")[:100]
    tag = BlogTag.objects.filter(slug=tag_slug).first() if tag_slug else None
    year = year_filter(request.GET.get("year", "")[:4])
    context = {"search_query": query, "search_results": None, "tag": tag, "year": year}
    terms = search_terms(query)
    if not query:
        return TemplateResponse(request, "search/search.html", context)

    posts = visible_posts().select_related("author").prefetch_related("tags")
    if tag:
        posts = posts.filter(
            pk__in=list(
                BlogPostTag.objects.filter(tag=tag).values_list("content_object_id", flat=True)
            )
        )
    if year:
        posts = posts.filter(
            date__gte=datetime.date(year, 1, 1), date__lt=datetime.date(year + 1, 1, 1)
        )
    paginator = Paginator(
        posts.search(terms, operator="and") if terms else posts.none(), RESULTS_PER_PAGE
    )
    if terms and not paginator.count:
        # Words still being typed: "micr" finds "micro".
        paginator = Paginator(posts.autocomplete(terms, operator="and"), RESULTS_PER_PAGE)
    results = nearest_page(paginator, request.GET.get("page"))
    page_posts = attach_response_counts(results.object_list)
    pattern = terms_pattern(terms)
    for post in page_posts:
        post.search_snippet = snippet(post_text(post), pattern)
        post.title_marked = snippet(post.title, pattern, width=1000)
    results.object_list = page_posts

    promoted = []
    if results.number == 1 and not (tag or year):
        promotion = Query.get(query)
        # The report of popular search terms counts this search.
        promotion.add_hit()
        picks = promotion.editors_picks.select_related("page")
        promoted = [pick for pick in picks if pick.page.live]

    context.update(
        search_results=results,
        page_range=paginator.get_elided_page_range(results.number),
        promoted=promoted,
        years=visible_posts().dates("date", "year", order="DESC"),
        tags=popular_tags(20),
    )
    if not paginator.count:
        context["latest_posts"] = attach_response_counts(
            visible_posts().select_related("author").prefetch_related("tags").order_by("-date")[:5]
        )
    return TemplateResponse(request, "search/search.html", context)


def opensearch(request):
    """The OpenSearch description browsers read to offer this site's search."""
    return TemplateResponse(
        request,
        "search/opensearch.xml",
        {"search_url": request.build_absolute_uri(reverse("search"))},
        content_type="application/opensearchdescription+xml",
    )
