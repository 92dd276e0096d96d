"""Settings for pytest: the real database (SQLite or DATABASE_URL), tuned for speed."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key"
ALLOWED_HOSTS = ["*"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Tests never reach the internet: no oEmbed provider is consulted unless a
# test stubs one.
WAGTAILEMBEDS_FINDERS = []

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the finders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Most tests build pages straight in the database, as no editor does, and read them
# back at once: the page cache would show them the page before. tests/test_page_cache.py
# switches it on, with the editor's real paths (publishing, moderating).
PAGE_CACHE = False
