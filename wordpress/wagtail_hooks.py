from wagtail import hooks
from wagtail.models import Site

from .redirects import query_string_redirect


@hooks.register("on_serve_page", order=1)
def old_query_string_links(serve):
    """Old WordPress links name their post in the query string of the site's root
    (/?p=123, /?page_id=5). Wagtail's redirects middleware only looks for a
    redirect when no page answers, and the home page answers "/": so the home
    page's serving looks for one first, for those WordPress parameters only.

    Wrapped around serving (order 1: inside Wagtail's own view-restriction check)
    rather than run before it, so a private home page still asks for its
    password first, as it did when the home page looked for the redirect itself.
    """

    def serve_or_redirect(page, request, serve_args, serve_kwargs):
        site = Site.find_for_request(request)
        if site is not None and page.pk == site.root_page_id:
            redirect = query_string_redirect(request)
            if redirect is not None:
                return redirect
        return serve(page, request, serve_args, serve_kwargs)

    return serve_or_redirect
