"""Settings shared by every environment.

Each optional integration is switched on by the presence of an environment
variable; README.md lists them all in one table.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "home",
    "blog",
    "search",
    "pagecache",
    "wordpress",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "django_comments_xtd",
    "django_comments",
    "django_tasks",
    "django_tasks_db",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.sites",
]

# django-comments (under django-comments-xtd) files each response under a
# Django Site; this one.
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # whitenoise sits here in every environment so that dev and production
    # serve static files the same way.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Marks the pages the page cache in front of Django (config/wsgi.py) may store; it
    # sees the headers every middleware below gave them.
    "pagecache.middleware.CacheTagsMiddleware",
    # The site, its sections and settings in one round trip to the cache.
    "pagecache.middleware.SiteSnapshotMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite next to manage.py unless DATABASE_URL names another database
# (postgres:// and postgresql:// are both accepted).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
# PostgreSQL's planner prices a random read at 4 sequential ones, as on a spinning disk.
# On SSDs, or with the data in memory (a blog's database fits), 1.1 is the usual choice:
# at 4, the first page of a busy post's responses is read through a scan of every
# response on the site, growing with the site, instead of the post's rows by index
# (bench/RESULTS.md has the figures). Set to empty to keep the server's own value (behind PgBouncer,
# which refuses the startup option, set it on the server instead).
RANDOM_PAGE_COST = os.environ.get("POSTGRES_RANDOM_PAGE_COST", "1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and RANDOM_PAGE_COST:
    try:
        cost = float(RANDOM_PAGE_COST)
    except ValueError:
        raise ImproperlyConfigured(
            f"POSTGRES_RANDOM_PAGE_COST must be a number, not {RANDOM_PAGE_COST!r}"
        ) from None
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Before any options from DATABASE_URL, so that a value there wins.
    options["options"] = f"-c random_page_cost={cost} {options.get('options', '')}".strip()

# Redis as the cache shared by every app server when REDIS_URL is set;
# otherwise each process keeps its own in memory. django-redis rather than Django's
# own Redis backend, which builds a new client (and its table of reply handlers) for
# every cache call: a large part of the time a cached page takes to serve.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "blog"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for visitors who are not signed in (pagecache/), kept in the
# cache above. PAGE_CACHE_SECONDS stays well under the response form's two-hour limit:
# a page is never older than that when a reader starts writing.
PAGE_CACHE = os.environ.get("PAGE_CACHE", "on").lower() != "off"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 30 * 60))
# Cookies that show a visitor something of their own: their pages are never cached.
PAGE_CACHE_PERSONAL_COOKIES = ["held_responses", "messages"]
# What nearly every page needs (the site, its sections, view restrictions, settings),
# kept in the cache above between requests (pagecache/snapshot.py).
SITE_LOOKUPS = os.environ.get("SITE_LOOKUPS", "on").lower() != "off"
# How long a CDN in front of the site may keep a public page (Cache-Control s-maxage).
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", 60))
# A CDN or caching proxy in front of the site, told to drop a page when it changes
# (wagtail.contrib.frontend_cache; blog/signal_handlers.py adds the pages that list a post).
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):  # Varnish, Squid, nginx with a purge module
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
        }
    }
elif os.environ.get("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
            "BEARER_TOKEN": os.environ.get("CLOUDFLARE_API_TOKEN", ""),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The page editor posts one field per StreamField value; long posts pass
# Django's default of 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Ben Young"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Search: the database's own full-text search (PostgreSQL with English
# stemming; SQLite FTS5 with the porter stemmer, see search/migrations).
# Past one machine, OPENSEARCH_URL or ELASTICSEARCH_URL moves it to a search
# cluster (install the matching client: opensearch-py or elasticsearch).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "search.backends", "SEARCH_CONFIG": "english"},
}
for _variable, _backend in (
    ("OPENSEARCH_URL", "modelsearch.backends.opensearch3"),
    ("ELASTICSEARCH_URL", "modelsearch.backends.elasticsearch8"),
):
    if os.environ.get(_variable):
        WAGTAILSEARCH_BACKENDS["default"] = {
            "BACKEND": os.environ.get("SEARCH_BACKEND", _backend),
            "URLS": [os.environ[_variable]],
            "INDEX_PREFIX": os.environ.get("SEARCH_INDEX_PREFIX", "blog_"),
            "TIMEOUT": 5,
        }
        break

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "avif", "webp": "webp"}

# The blog index shows this many posts a page.
BLOG_POSTS_PER_PAGE = 10
# A post shows this many threads of responses a page (WordPress's default is 50).
BLOG_RESPONSES_PER_PAGE = 50

# Background work (emails, search indexing) runs in a worker process,
# `manage.py db_worker`, never inside a visitor's request.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ben Young <blog@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Email subscriptions: a confirmation link lasts this many days; confirmation
# emails go out at most this often per IP and per address.
BLOG_SUBSCRIBE_CONFIRM_DAYS = 3
BLOG_SUBSCRIBE_IP_LIMITS = [(5, 60 * 60)]
BLOG_SUBSCRIBE_ADDRESS_LIMITS = [(1, 10 * 60), (3, 24 * 60 * 60)]

# Visitor responses (django-comments-xtd, with our own forms and templates).
COMMENTS_APP = "django_comments_xtd"
# How deep replies nest on the page: 3 means a response, a reply to it, and a
# reply to that.
BLOG_COMMENTS_MAX_DEPTH = int(os.environ.get("BLOG_COMMENTS_MAX_DEPTH", 3))
COMMENTS_XTD_MAX_THREAD_LEVEL = BLOG_COMMENTS_MAX_DEPTH - 1
# Off: xtd would mail a confirmation link to any address a visitor types,
# which lets anyone make the site mail a stranger. Moderation replaces it.
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_LIST_ORDER = ("thread_id", "order")
COMMENT_MAX_LENGTH = 3000  # django-comments fixes the column at this length
# At most this many responses from one IP address in each window (seconds).
BLOG_COMMENT_RATE_LIMITS = [(1, 15), (20, 60 * 60)]
