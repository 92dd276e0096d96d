from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from blog.models import BlogPostPage

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Search live, public posts. Any query string gives a page, never an error."""
    query = request.GET.get("q", "")
    # NUL bytes cannot be stored or searched by PostgreSQL; long queries are cut.
    query = query.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    context = {"search_query": query, "search_results": None}
    if query:
        posts = BlogPostPage.objects.live().public().select_related("author")
        paginator = Paginator(posts.search(query), RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("page"))
        context["search_results"] = results
        context["page_range"] = paginator.get_elided_page_range(results.number)
    return TemplateResponse(request, "search/search.html", context)
