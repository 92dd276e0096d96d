from functools import partial

from wagtail import hooks

from .tags import tags_shown_by


@hooks.register("before_serve_page")
def remember_cache_tags(page, request, serve_args, serve_kwargs):
    """What the page being served shows, for CacheTagsMiddleware: worked out only if the
    page may be stored."""
    request.cache_tags = partial(tags_shown_by, page)
