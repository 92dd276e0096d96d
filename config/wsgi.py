"""WSGI entry point for gunicorn: `gunicorn config.wsgi`.

It defaults to the production settings on purpose: a server started without
DJANGO_SETTINGS_MODULE must never run with DEBUG on.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
