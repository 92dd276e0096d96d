"""The site benchmark's data: the pages it measures, Django set up as gunicorn runs it,
the Redis it may use, and the fresh database filled as a settled site."""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from harness import out, run_worker

ROOT = Path(__file__).resolve().parent.parent
SEARCH_PATH = "/search/?q=marketing"
TAG_SLUG = "niche"
# (key, label) in the order wrk measures them; the label of the busy post is set in main().
PAGES = [
    ("static", "static file"),
    ("home", "home"),
    ("blog_index", "blog index"),
    ("seed_post", "seed post"),
    ("busy_post", "busy post"),
    ("tag", f"tag “{TAG_SLUG}”"),
    ("search", "search"),
    ("feed", "feed"),
]
LABELS = dict(PAGES)


def setup_django():
    """Django as gunicorn runs it: the environment already holds the production settings."""
    os.chdir(ROOT)
    # The project first; and not bench/, whose search.py would hide the app.
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(ROOT)] + [
        entry for entry in sys.path if Path(entry or ".").resolve() not in (ROOT, here)
    ]
    import django

    django.setup()

    import blog

    # An editable install can map the project's packages to another checkout.
    if Path(blog.__file__).resolve().parent.parent != ROOT:
        raise RuntimeError(f"imported the project from {blog.__file__}, not from {ROOT}")


def redis_client(url):
    """A client of the Redis at `url` if it answers within a second, else None."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - any failure means: no Redis, use memory
        return None


def build_data(options):
    """Migrate, collect static files, seed and generate; return the URLs and the counts."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django_comments_xtd.models import XtdComment

    from blog.management.commands.generate_posts import BUSY_POST_TITLE
    from blog.models import BlogIndexPage, BlogPostPage, BlogTag
    from home.seed import POST_SLUG

    timings = {}

    def step(name, function, *args, **kwargs):
        start = time.perf_counter()
        function(*args, **kwargs)
        timings[name] = round(time.perf_counter() - start, 2)

    out(f"Migrating a fresh database {connection.settings_dict['NAME']!r}...")
    step("migrate_s", call_command, "migrate", verbosity=0, interactive=False)
    out(f"collectstatic into {settings.STATIC_ROOT}...")
    step("collectstatic_s", call_command, "collectstatic", verbosity=0, interactive=False)
    step("seed_site_s", call_command, "seed_site", verbosity=0)
    run_worker()  # the seed's own tasks (its search index entries among them)
    out(
        f"generate_posts {options.posts} --responses {options.responses} "
        f"--busy-post-responses {options.busy_responses}:"
    )
    step(
        "generate_posts_s",
        call_command,
        "generate_posts",
        str(options.posts),
        "--responses",
        str(options.responses),
        "--busy-post-responses",
        str(options.busy_responses),
    )
    run_worker()

    def vacuum():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    step("vacuum_analyze_s", vacuum)

    blog = BlogIndexPage.objects.get()
    seed = BlogPostPage.objects.live().get(slug=POST_SLUG)
    busy = BlogPostPage.objects.live().filter(title=BUSY_POST_TITLE).order_by("-pk").first()
    tag = BlogTag.objects.get(slug=TAG_SLUG)
    post_type = ContentType.objects.get_for_model(BlogPostPage)
    responses = XtdComment.norel_objects.filter(content_type=post_type, is_public=True)

    def path_of(url):
        return urlsplit(url).path

    paths = {
        "home": "/",
        "blog_index": path_of(blog.url),
        "seed_post": path_of(seed.url),
        "busy_post": path_of(busy.url),
        "tag": path_of(blog.tag_url(tag)),
        "search": SEARCH_PATH,
        "feed": path_of(blog.feed_url()),
    }
    data = {
        "posts": BlogPostPage.objects.live().count(),
        "responses": responses.count(),
        "seed_post_responses": responses.filter(object_pk=str(seed.pk)).count(),
        "busy_post_responses": responses.filter(object_pk=str(busy.pk)).count(),
        "busy_post_replies": responses.filter(object_pk=str(busy.pk), level__gt=0).count(),
        "tag_posts": BlogPostPage.objects.live().filter(tagged_items__tag=tag).count(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    from django.db import connections

    connections.close_all()
    return paths, data, timings, postgresql
