import re

from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from blog.models import BlogPostPage, nearest_page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search_terms(query):
    """The words of a query, without the punctuation that full-text engines read as
    operators (an unbalanced quote is a syntax error to SQLite's FTS5)."""
    return " ".join(re.findall(r"\w+", query))


def search(request):
    """Search live, public posts. Any query string gives a page, never an error."""
    # NUL bytes cannot be stored or searched by PostgreSQL; long queries are cut.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    context = {"search_query": query, "search_results": None}
    if query:
        posts = BlogPostPage.objects.live().public().select_related("author")
        terms = search_terms(query)
        found = posts.search(terms) if terms else posts.none()
        paginator = Paginator(found, RESULTS_PER_PAGE)
        results = nearest_page(paginator, request.GET.get("page"))
        context["search_results"] = results
        context["page_range"] = paginator.get_elided_page_range(results.number)
    return TemplateResponse(request, "search/search.html", context)
