from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return redirect(staticfiles_storage.url("img/favicon.ico"), permanent=True)


@require_safe
def robots_txt(request):
    """Crawlers may read everything but the admin and search results; the sitemap
    is named with its absolute URL, as the robots.txt standard asks."""
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {reverse('wagtailadmin_home')}",
        f"Disallow: {reverse('search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
