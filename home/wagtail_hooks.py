from wagtail import hooks

from .page_cache import remember_served_page

# The page cache learns which page a response shows (a post or a listing).
hooks.register("before_serve_page", remember_served_page)
