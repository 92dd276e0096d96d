from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-secret-key-never-used-in-production"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
