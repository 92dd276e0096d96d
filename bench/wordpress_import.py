"""How long `manage.py import_wordpress` takes for a large WordPress export.

    .venv/bin/python bench/wordpress_import.py [--posts 1000] [--comments 10000] [--profile]

Writes a WordPress export (WXR 1.2) of a made-up blog: block-editor posts with
paragraphs, lists, headings, quotes and code; 40 tags and 10 categories; comments
threaded as real discussions are (a third of them replies), some pending, spam or
pingbacks; a few drafts, private and scheduled posts; and a dozen pages. Then
imports it into a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/blog_bench_wordpress_import; its name must
contain "bench"), migrated and empty but for Wagtail's root, and measures:

  A. the import, end to end, as `import_wordpress EXPORT.xml` runs it;
  B. the same import again (every item unchanged: the re-run path);
  C. the background worker indexing what the import queued (search and
     reference index), which runs beside the site and is not part of A.

`--profile` prints the import's 30 most expensive functions (cProfile). Results
go to bench/results/wordpress-import-DATE.json; the database is dropped at the end.
"""

import argparse
import cProfile
import datetime
import html
import io
import json
import os
import pstats
import random
import sys
import time
import warnings
from pathlib import Path
from xml.sax.saxutils import escape

from harness import database_version, machine_info, out, recreate_database, run_worker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_bench_wordpress_import"
WORDS = (
    "micro expert niche market long tail blog audience small team remote twitter "
    "knowledge customers marketing bootstrapped product community newsletter podcast "
    "online course ebook side project learnings series dvds value internet global "
    "interest handy people select changed power way life evangelist managing virtual"
).split()
NAMES = ["Simon Young", "Nathaniel Flick", "Ann Reader", "Bo Li", "Chloé Martin", "Dev Patel"]
TAGS = [f"topic {n}" for n in range(40)]
CATEGORIES = ["Business", "Marketing", "Teams", "Tools", "Writing", "Travel", "Money",
              "Ideas", "Notes", "Links"]  # fmt: skip
SITE = "http://bench.example"


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class Writer:
    """A made-up WordPress blog, the same one for the same seed."""

    def __init__(self, seed=2008):
        self.rng = random.Random(seed)
        self.next_comment = 1

    def words(self, low, high):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self):
        return self.words(6, 16).capitalize() + "."

    def paragraph(self):
        text = " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))
        if self.rng.random() < 0.3:
            text += f' See <a href="https://example.com/{self.rng.randint(1, 99)}">this</a>.'
        return f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"

    def body(self):
        blocks = [self.paragraph()]
        for _ in range(self.rng.randint(3, 9)):
            roll = self.rng.random()
            if roll < 0.55:
                blocks.append(self.paragraph())
            elif roll < 0.7:
                items = "".join(
                    f"<!-- wp:list-item -->\n<li>{self.words(3, 8)}</li>\n<!-- /wp:list-item -->"
                    for _ in range(self.rng.randint(2, 5))
                )
                blocks.append(f"<!-- wp:list -->\n<ul>{items}</ul>\n<!-- /wp:list -->")
            elif roll < 0.85:
                text = self.words(2, 6).capitalize()
                blocks.append(
                    f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{text}</h2>\n'
                    "<!-- /wp:heading -->"
                )
            elif roll < 0.95:
                blocks.append(
                    '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
                    f"<p>{self.sentence()}</p>\n<!-- /wp:paragraph --><cite>"
                    f"{self.rng.choice(NAMES)}</cite></blockquote>\n<!-- /wp:quote -->"
                )
            else:
                blocks.append(
                    '<!-- wp:code -->\n<pre class="wp-block-code"><code>print("hello")'
                    "</code></pre>\n<!-- /wp:code -->"
                )
        return "\n\n".join(blocks)

    def comments(self, count, posted):
        out, ids = [], []
        when = posted
        for _ in range(count):
            comment_id = self.next_comment
            self.next_comment += 1
            when += datetime.timedelta(minutes=self.rng.randint(5, 60 * 24))
            parent = self.rng.choice(ids) if ids and self.rng.random() < 0.33 else 0
            name = self.rng.choice(NAMES)
            kind = "pingback" if self.rng.random() < 0.02 else "comment"
            approved = self.rng.choices(["1", "0", "spam", "trash"], [90, 4, 4, 2])[0]
            stamp = f"{when:%Y-%m-%d %H:%M:%S}"
            out.append(
                "\t\t<wp:comment>\n"
                f"\t\t\t<wp:comment_id>{comment_id}</wp:comment_id>\n"
                f"\t\t\t<wp:comment_author>{cdata(name)}</wp:comment_author>\n"
                f"\t\t\t<wp:comment_author_email>{cdata(name.split()[0].lower() + '@example.com')}"
                "</wp:comment_author_email>\n"
                "\t\t\t<wp:comment_author_url></wp:comment_author_url>\n"
                f"\t\t\t<wp:comment_author_IP>{cdata(f'192.0.2.{comment_id % 250}')}"
                "</wp:comment_author_IP>\n"
                f"\t\t\t<wp:comment_date>{cdata(stamp)}</wp:comment_date>\n"
                f"\t\t\t<wp:comment_date_gmt>{cdata(stamp)}</wp:comment_date_gmt>\n"
                f"\t\t\t<wp:comment_content>{cdata(self.sentence() + ' ' + self.sentence())}"
                "</wp:comment_content>\n"
                f"\t\t\t<wp:comment_approved>{cdata(approved)}</wp:comment_approved>\n"
                f"\t\t\t<wp:comment_type>{cdata(kind)}</wp:comment_type>\n"
                f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
                "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
                "\t\t</wp:comment>"
            )
            ids.append(comment_id)
        return out

    def item(self, post_id, kind, title, slug, when, status, content, extra=(), parent=0):
        date = f"{when:%Y-%m-%d %H:%M:%S}"
        link = f"{SITE}/{when:%Y/%m/%d}/{slug}/" if kind == "post" else f"{SITE}/{slug}/"
        return "\n".join(
            [
                "\t<item>",
                f"\t\t<title>{cdata(title)}</title>",
                f"\t\t<link>{escape(link)}</link>",
                f"\t\t<dc:creator>{cdata('ben')}</dc:creator>",
                f'\t\t<guid isPermaLink="false">{SITE}/?p={post_id}</guid>',
                f"\t\t<content:encoded>{cdata(content)}</content:encoded>",
                f"\t\t<excerpt:encoded>{cdata(self.sentence())}</excerpt:encoded>",
                f"\t\t<wp:post_id>{post_id}</wp:post_id>",
                f"\t\t<wp:post_date>{cdata(date)}</wp:post_date>",
                f"\t\t<wp:post_date_gmt>{cdata(date)}</wp:post_date_gmt>",
                f"\t\t<wp:comment_status>{cdata('open')}</wp:comment_status>",
                f"\t\t<wp:post_name>{cdata(slug)}</wp:post_name>",
                f"\t\t<wp:status>{cdata(status)}</wp:status>",
                f"\t\t<wp:post_parent>{parent}</wp:post_parent>",
                f"\t\t<wp:post_type>{cdata(kind)}</wp:post_type>",
                *extra,
                "\t</item>",
            ]
        )

    def export(self, posts, comments):
        rng = self.rng
        parts = [
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"\n'
            '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>',
            f"\t<title>Bench</title>\n\t<link>{SITE}</link>\n\t<wp:wxr_version>1.2</wp:wxr_version>",
            f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{SITE}</wp:base_blog_url>",
            "\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ben</wp:author_login>"
            "<wp:author_email>ben@example.com</wp:author_email><wp:author_first_name>Ben"
            "</wp:author_first_name><wp:author_last_name>Young</wp:author_last_name></wp:author>",
        ]
        for number, name in enumerate(CATEGORIES, start=2):
            parts.append(
                f"\t<wp:category><wp:term_id>{number}</wp:term_id><wp:category_nicename>"
                f"{name.lower()}</wp:category_nicename><wp:cat_name>{cdata(name)}</wp:cat_name>"
                f"<wp:category_description>{cdata(self.sentence())}</wp:category_description>"
                "</wp:category>"
            )
        for number, name in enumerate(TAGS, start=100):
            parts.append(
                f"\t<wp:tag><wp:term_id>{number}</wp:term_id><wp:tag_slug>"
                f"{name.replace(' ', '-')}</wp:tag_slug><wp:tag_name>{cdata(name)}</wp:tag_name>"
                "</wp:tag>"
            )
        # Comments: every post gets some, a few get many, `comments` in all.
        weights = [rng.random() ** 3 for _ in range(posts)]
        per_post = [0] * posts
        for index in rng.choices(range(posts), weights=weights, k=comments):
            per_post[index] += 1
        start = datetime.datetime(2005, 1, 1, 9)
        for number in range(posts):
            when = start + datetime.timedelta(hours=number * 150 + rng.randint(0, 100))
            title = self.words(3, 8).capitalize()
            slug = f"{title.lower().replace(' ', '-')}-{number}"
            status = rng.choices(["publish", "draft", "private", "future"], [95, 3, 1, 1])[0]
            if status == "future":
                when = datetime.datetime(2099, 1, 1) + datetime.timedelta(days=number)
            terms = [
                f'\t\t<category domain="category" nicename="{c.lower()}">{cdata(c)}</category>'
                for c in rng.sample(CATEGORIES, rng.randint(1, 2))
            ] + [
                f'\t\t<category domain="post_tag" nicename="{t.replace(" ", "-")}">'
                f"{cdata(t)}</category>"
                for t in rng.sample(TAGS, rng.randint(0, 5))
            ]
            extra = terms + self.comments(per_post[number], when)
            parts.append(
                self.item(
                    number + 1, "post", html.unescape(title), slug, when, status, self.body(), extra
                )  # fmt: skip
            )
        for number in range(12):
            page_id = posts + 1 + number
            parent = posts + 1 if number and number % 3 else 0
            parts.append(
                self.item(
                    page_id,
                    "page",
                    f"Page {number}",
                    f"page-{number}",
                    start,
                    "publish",
                    self.body(),
                    parent=parent,
                )  # fmt: skip
            )
        parts.append("</channel>\n</rss>\n")
        return "\n".join(parts)


# The database and Django, as bench/search.py sets them up -----------------------------


def setup_django():
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django
    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    django.setup()
    settings.DEBUG = False


# Measuring ---------------------------------------------------------------------------


def timed_import(path, profile=False):
    from django.core.management import call_command

    stdout = io.StringIO()
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    call_command("import_wordpress", str(path), stdout=stdout, stderr=io.StringIO())
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - start
    if profiler:
        stats = io.StringIO()
        profile_stats = pstats.Stats(profiler, stream=stats)
        profile_stats.sort_stats("cumulative").print_stats(30)
        profile_stats.sort_stats("tottime").print_stats(20)
        out(stats.getvalue())
    return elapsed, stdout.getvalue()


def benchmark(options, command, export_path):
    from django.core.management import call_command
    from django.db import connection
    from django_comments_xtd.models import XtdComment
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Page

    from blog.models import BlogPostPage

    out(f"Migrating a fresh {connection.vendor} database {connection.settings_dict['NAME']!r}...")
    call_command("migrate", verbosity=0, interactive=False)
    for child in Page.get_first_root_node().get_children():
        child.delete()  # Wagtail's "Welcome" page: the import starts from the root alone
    DBTaskResult.objects.all().delete()

    size = export_path.stat().st_size
    out(f"Importing {export_path.name} ({size / 1e6:.1f} MB)...")
    first_s, first_output = timed_import(export_path, options.profile)
    out(first_output)
    queued = DBTaskResult.objects.count()
    posts = BlogPostPage.objects.count()
    responses = XtdComment.objects.count()
    assert posts == options.posts, posts

    out("The same import again (nothing changed)...")
    second_s, second_output = timed_import(export_path)
    assert BlogPostPage.objects.count() == posts and XtdComment.objects.count() == responses

    out(f"The worker, on the {queued} queued tasks (search and reference index)...")
    start = time.perf_counter()
    run_worker()
    worker_s = time.perf_counter() - start

    machine = {
        **machine_info(),
        "database": connection.vendor,
        **database_version(connection),
    }
    out(
        f"\n{posts} posts, {responses} responses from {options.comments} comments; "
        f"nproc {machine['nproc']}, PostgreSQL {machine['postgresql']}\n"
        f"  A. import:              {first_s:6.1f} s  (aim: under 60 s)\n"
        f"  B. again, unchanged:    {second_s:6.1f} s\n"
        f"  C. worker, {queued} tasks: {worker_s:6.1f} s"
    )
    return {
        "benchmark": "wordpress-import",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": machine,
        "export_bytes": size,
        "posts": posts,
        "comments_in_export": options.comments,
        "responses_imported": responses,
        "import_s": round(first_s, 2),
        "reimport_unchanged_s": round(second_s, 2),
        "queued_tasks": queued,
        "worker_s": round(worker_s, 2),
        "import_output": first_output.splitlines(),
        "reimport_output": second_output.splitlines(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print the import's profile")
    parser.add_argument("--keep-export", metavar="PATH", help="also save the generated export")
    options = parser.parse_args()
    if options.posts < 1 or options.comments < 0:
        parser.error("--posts must be at least 1 and --comments at least 0")

    import dj_database_url

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"DATABASE_URL must name a PostgreSQL database, not {url}")
    if "bench" not in str(config["NAME"]):
        sys.exit(f"Refusing to drop and recreate {config['NAME']!r}: its name lacks 'bench'.")

    command = " ".join([".venv/bin/python", "bench/wordpress_import.py", *sys.argv[1:]])
    export_path = Path(options.keep_export or f"/tmp/bench-wordpress-{os.getpid()}.xml")
    export_path.write_text(Writer().export(options.posts, options.comments), encoding="utf-8")
    recreate_database(config)
    try:
        setup_django()
        results = benchmark(options, command, export_path)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(config, drop_only=True)
        if not options.keep_export:
            export_path.unlink(missing_ok=True)
    path = ROOT / "bench" / "results" / f"wordpress-import-{datetime.date.today():%Y-%m-%d}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    out(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
