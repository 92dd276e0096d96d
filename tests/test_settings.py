"""Production settings refuse to start without secrets and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        # As on a fresh server: none of the test run's own Django variables
        # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
        if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_wsgi_defaults_to_production_settings():
    wsgi = (ROOT / "config" / "wsgi.py").read_text()
    assert 'setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")' in wsgi


@pytest.mark.parametrize("secret_key", ["x" * 10])
def test_check_deploy_is_clean_with_the_environment_set(secret_key):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k8#v0Qz!r2Lm9wX4pT7sY1cN6bJ3hF5dG8eA0uK2iO4yR7tE9wQ-" + secret_key,
        ALLOWED_HOSTS="blog.example.com",
        CSRF_TRUSTED_ORIGINS="https://blog.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def dev_settings(expression, **env):
    """`expression` printed by a fresh process on the dev settings, with `env` over the
    test run's environment (None unsets a variable): its output, or else its errors."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", **env}
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={key: value for key, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() or result.stderr


def test_database_url_selects_the_database():
    database = "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']"
    default = dev_settings(database, DATABASE_URL=None)
    assert default.split() == ["django.db.backends.sqlite3", str(ROOT / "db.sqlite3")]
    for scheme in ("postgres", "postgresql"):
        chosen = dev_settings(database, DATABASE_URL=f"{scheme}://blog@db.example.com:5432/blog")
        assert chosen.split() == ["django.db.backends.postgresql", "blog"]


def test_postgresql_sessions_price_random_reads_for_ssds_unless_told_otherwise():
    def options(url, cost=None):
        return dev_settings(
            "repr(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))",
            DATABASE_URL=url,
            POSTGRES_RANDOM_PAGE_COST=cost,
        )

    postgres = "postgres://blog@db.example.com:5432/blog"
    assert options(postgres) == "'-c random_page_cost=1.1'"
    # A value in DATABASE_URL comes after, so it wins; empty keeps the server's own.
    assert options(postgres + "?options=-c%20random_page_cost%3D2") == (
        "'-c random_page_cost=1.1 -c random_page_cost=2'"
    )
    assert options(postgres, cost="") == "None"
    assert options("sqlite:///tmp/blog.sqlite3") == "None"
    assert "POSTGRES_RANDOM_PAGE_COST must be a number, not 'fast'" in options(postgres, "fast")


@pytest.mark.postgres
def test_the_database_session_uses_the_random_page_cost(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)


def test_redis_url_selects_the_shared_cache():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev")
    env.pop("REDIS_URL", None)
    local = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert local.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
    env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    shared = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert shared.stdout.strip() == "django_redis.cache.RedisCache"


@pytest.mark.redis
def test_the_redis_cache_stores_and_reads_back():
    from django_redis.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": "blog-test"})
    cache.set("greeting", "hello", 30)
    assert cache.get("greeting") == "hello"
    # The page cache fetches an entry and its change times in one call.
    cache.set_many({"a": 1, "b": {"made": 2.5}}, timeout=None)
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": {"made": 2.5}}
    cache.delete_many(["greeting", "a", "b"])


SERVE_STATIC = """
import django, json
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
url = staticfiles_storage.url("css/site.css")
response = Client().get(url, secure=True, headers={"accept-encoding": "br, gzip"})
print(json.dumps({"url": url, "status": response.status_code,
                  "encoding": response.get("Content-Encoding"),
                  "cache": response.get("Cache-Control")}))
"""


def test_production_serves_hashed_compressed_static_files(tmp_path):
    import json

    env = {
        "SECRET_KEY": "a-long-random-secret-key-for-this-test-only-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path),
    }
    collected = manage("collectstatic", "--no-input", **env)
    assert collected.returncode == 0, collected.stderr
    css = list(tmp_path.glob("css/site.*.css"))
    assert css, "no hashed copy of site.css"
    assert list(tmp_path.glob("css/site.*.css.br")) and list(tmp_path.glob("css/site.*.css.gz"))

    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings.production")
    served = subprocess.run(
        [sys.executable, "-c", SERVE_STATIC],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(served.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    assert result["url"] != "/static/css/site.css"
    assert result["encoding"] == "br"
    assert "max-age=315360000" in result["cache"] and "immutable" in result["cache"]


def test_email_is_configured_from_one_url_or_smtp_settings():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, "
        "s.DEFAULT_FROM_EMAIL)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-long-random-secret-key-for-this-test-only-0123456789",
        EMAIL_URL="smtp://mailer:s3cret@smtp.example.com:587/?tls=True",
        DEFAULT_FROM_EMAIL="blog@example.com",
    )
    one_url = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert one_url.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        "587",
        "mailer",
        "True",
        "blog@example.com",
    ], one_url.stderr
    del env["EMAIL_URL"]
    env.update(EMAIL_HOST="mail.example.org", EMAIL_PORT="465", EMAIL_USE_TLS="false")
    separate = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert separate.stdout.split()[1:3] == ["mail.example.org", "465"], separate.stderr


@pytest.mark.parametrize(
    "variable, backend",
    [
        ("OPENSEARCH_URL", "modelsearch.backends.opensearch3"),
        ("ELASTICSEARCH_URL", "modelsearch.backends.elasticsearch8"),
    ],
)
def test_a_search_cluster_is_chosen_by_environment_variable(variable, backend):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "b = s.WAGTAILSEARCH_BACKENDS['default']; print(b['BACKEND'], b['URLS'][0])"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"OPENSEARCH_URL", "ELASTICSEARCH_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", variable: "http://search:9200"})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == [backend, "http://search:9200"], result.stderr


@pytest.mark.parametrize("switch", ["PAGE_CACHE", "SITE_LOOKUPS"])
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "False"),  # each worker process would keep its own cache and miss changes
        ({"SWITCH": "on"}, "True"),  # one process: its own memory is enough
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "True"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "SWITCH": "off"}, "False"),
    ],
)
def test_production_caches_pages_when_every_process_shares_the_cache(switch, extra, expected):
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{switch})"
    )
    extra = {switch if name == "SWITCH" else name: value for name, value in extra.items()}
    env = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PAGE_CACHE", "SITE_LOOKUPS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-long-random-secret-key-for-this-test-only-0123456789",
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr
