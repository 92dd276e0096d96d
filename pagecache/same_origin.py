"""CSRF protection for the forms on cached pages (responses, subscribing).

Pages for visitors who are not signed in are cached and shared, so they carry no CSRF
token. Such a visitor's POST must come from this site's own pages (`from_this_site`):
another site cannot make their browser post a form. A signed-in user's pages are never
cached and carry Django's token, which their POSTs must send as usual: a forged request
would act with their account.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


def from_this_site(request):
    """Whether a browser sent this POST from one of this site's own pages.

    Browsers name the page's origin in an Origin header on every cross-site POST (and
    Sec-Fetch-Site on most), so a forged request always carries one of them with another
    site in it. A request with neither does not come from a browser acting for someone,
    which is what CSRF abuses."""
    origin = request.headers.get("Origin")
    if origin is not None:
        own = f"{request.scheme}://{request.get_host()}"
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    referer = request.headers.get("Referer")
    if referer:
        return urlsplit(referer).netloc == request.get_host()
    return True


def same_origin_or_csrf(view):
    """The view takes anonymous POSTs from this site's pages only, and signed-in users'
    POSTs with Django's CSRF token only."""
    protected = csrf_protect(view)

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        if not from_this_site(request):
            return TemplateResponse(request, "pagecache/cross_site_form.html", status=403)
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)
