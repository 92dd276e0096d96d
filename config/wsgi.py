"""WSGI entry point for gunicorn: `gunicorn config.wsgi`.

It defaults to the production settings on purpose: a server started without
DJANGO_SETTINGS_MODULE must never run with DEBUG on.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()

# Pages in the page cache are answered before Django reads the request.
from home.page_cache import serve_cached_pages  # noqa: E402  (needs the app loaded)

application = serve_cached_pages(django_application)
