"""WSGI entry point for gunicorn: `gunicorn config.wsgi`.

It defaults to the production settings on purpose: a server started without
DJANGO_SETTINGS_MODULE must never run with DEBUG on.
"""

import os

from django.core.wsgi import get_wsgi_application

from pagecache.wsgi import PageCache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Pages in the page cache are answered before Django reads the request.
application = PageCache(get_wsgi_application())
