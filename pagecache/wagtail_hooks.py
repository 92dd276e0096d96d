from wagtail import hooks

from .tags import tags_shown_by


@hooks.register("before_serve_page")
def remember_cache_tags(page, request, serve_args, serve_kwargs):
    """What the page being served shows, for CacheTagsMiddleware."""
    request.cache_tags = tags_shown_by(page)
