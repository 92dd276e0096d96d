"""Search latency and SQL queries per search, over N generated posts.

    .venv/bin/python bench/search.py [--posts 10000] [--queries 200] [--runs 3] [--sqlite PATH]

Runs against a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/blog_bench_search), created at the start and dropped
at the end; its name must contain "bench". With `--sqlite PATH` it runs against a fresh
SQLite file instead (the file name must contain "bench"; it is deleted at the end), so
the two backends can be compared. DEBUG is off.

Set-up: migrate, `seed_site`, the queued tasks of the seed drained by `db_worker`, then
`generate_posts N --responses N/5`, timed, and VACUUM ANALYZE (ANALYZE on SQLite), as
autovacuum leaves a settled database. Then a fixed list of varied queries (common
and rare words, two- and three-word phrases, tag names, partial words, queries with no
results, non-Latin and accented words, quotes, minus signs and other punctuation, and
some with &tag=, &year= or &page=2) goes through the real search view, the URL
interface /search/?q=...&tag=...&year=...&page=..., with Django's test Client. Ten
untimed requests warm up first. Each run times every request (time.perf_counter) and
counts its SQL queries and their time (CaptureQueriesContext on the default connection);
it reports p50, p95 and max latency, the p50 of the time spent in SQL, and queries per
search (min, median, max). The medians across runs come last, then the figures of all
runs by kind of query, by filter and by number of results found.
Results go to bench/results/search-DATE.json (search-sqlite-DATE.json with --sqlite; the
number of posts joins the name when it is not 10,000: search-1000-posts-DATE.json).
"""

import argparse
import datetime
import json
import os
import random
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

from harness import database_version, machine_info, out, recreate_database, run_worker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_bench_search"
WARM_UP = 10


# The queries -------------------------------------------------------------------------

# (kind, query text): what visitors type. The words come from generate_posts' vocabulary
# (common ones in most posts, rare ones in a few) and from outside it (no results).
QUERIES = {
    "common word": [
        "marketing",
        "expert",
        "experts",
        "teams",
        "twitter",
        "niche",
        "blog",
        "market",
        "audience",
        "internet",
        "bootstrapped",
        "community",
        "pricing",
        "newsletter",
        "founders",
        "podcast",
        "readers",
        "MARKETING",
        "Twitter",
    ],
    "rare word": ["serendipity", "zeitgeist", "kaizen", "bricolage", "polymath", "quixotic"],
    "two words": [
        "long tail",
        "micro experts",
        "remote teams",
        "small business",
        "email newsletters",
        "bootstrapped marketing",
        "niche markets",
        "time zones",
        "open source",
        "loyal audience",
    ],
    "three words": [
        "the long tail",
        "word of mouth",
        "expert knowledge internet",
        "bootstrapped marketing teams",
        "small niche market",
        "remote teams twitter",
    ],
    "tag name": ["side projects", "bootstrapping", "freelancing", "analytics", "craft"],
    "partial word": ["marke", "boots", "twit", "exper", "nich", "newslet"],
    "no results": ["xylophone", "qwertyuiop", "kubernetes helm chart", "zzzz"],
    "unicode": ["café", "Zürich", "naïve", "東京", "Ελληνικά", "São Paulo", "résumé"],
    "punctuation": [
        '"long tail"',
        '"unbalanced',
        "-marketing",
        "twitter -facebook",
        "marketing & sales",
        "a:b",
        "(niche)",
        "expert's",
        "e-mail",
        "self-publishing",
        "niche?",
        "*",
    ],
}
# How often each kind comes up, and the filters some searches add.
KIND_WEIGHTS = {
    "common word": 30,
    "rare word": 8,
    "two words": 14,
    "three words": 8,
    "tag name": 6,
    "partial word": 8,
    "no results": 6,
    "unicode": 6,
    "punctuation": 10,
}
FILTER_TAGS = ["marketing", "niche", "long-tail", "twitter", "side-projects"]
FILTER_YEARS = ["2015", "2008", "2024"]


def build_queries(count, seed=2008):
    """`count` requests: query strings of every kind, a tenth with &tag=, a tenth with
    &year=, a tenth with &page=2. Every kind appears at least once; the same seed gives
    the same list."""
    rng = random.Random(seed)
    kinds = list(KIND_WEIGHTS)
    picks = [(kind, text) for kind in kinds for text in QUERIES[kind]]
    rng.shuffle(picks)
    picks = picks[:count]
    while len(picks) < count:
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        picks.append((kind, rng.choice(QUERIES[kind])))
    rng.shuffle(picks)
    requests = []
    for number, (kind, text) in enumerate(picks):
        params, extra = {"q": text}, ""
        if number % 10 == 3:
            params["tag"] = rng.choice(FILTER_TAGS)
            extra = " +tag"
        elif number % 10 == 6:
            params["year"] = rng.choice(FILTER_YEARS)
            extra = " +year"
        elif number % 10 == 9:
            params["page"] = "2"
            extra = " +page 2"
        requests.append({"kind": kind, "filter": extra.strip(), "params": params})
    return requests


# The database ------------------------------------------------------------------------


# Django ------------------------------------------------------------------------------


def setup_django():
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

    import django
    from django.conf import settings

    # whitenoise's note that collectstatic has not run: nothing here serves static files.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    django.setup()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from django.template import engines

    for engine in engines.all():  # an engine made before DEBUG went off keeps it
        engine.engine.debug = False


# Measuring ---------------------------------------------------------------------------

FOUND = re.compile(r"(\d[\d,]*)\s+(?:posts?|results?)\s+(?:found|match)", re.IGNORECASE)


def found_count(content):
    """The number of results the page says it found, if it says so."""
    match = FOUND.search(content.decode())
    return int(match.group(1).replace(",", "")) if match else None


def search_once(client, connection, params):
    from django.test.utils import CaptureQueriesContext

    # The log keeps the last 9,000 queries only; past that, CaptureQueriesContext sees none.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/search/", params)
        elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise AssertionError(f"/search/ {params} answered {response.status_code}")
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    return {
        "ms": elapsed * 1000,
        "sql_ms": sql_ms,
        "queries": len(queries.captured_queries),
        "found": found_count(response.content),
    }


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(samples):
    latencies = [sample["ms"] for sample in samples]
    queries = [sample["queries"] for sample in samples]
    return {
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": max(latencies),
        "sql_p50_ms": percentile([sample["sql_ms"] for sample in samples], 0.5),
        "queries_min": min(queries),
        "queries_median": statistics.median(queries),
        "queries_max": max(queries),
    }


def one_run(number, client, connection, requests):
    samples = []
    started = time.perf_counter()
    for done, request in enumerate(requests, 1):
        samples.append({**request, **search_once(client, connection, request["params"])})
        if done % 50 == 0 and done < len(requests):  # runs on SQLite can take an hour
            out(f"  run {number}: {done}/{len(requests)} ({time.perf_counter() - started:.0f} s)")
    return {"run": number, **summary(samples)}, samples


def bucket(found):
    if found is None:
        return "unknown"
    for limit, label in [(0, "0"), (10, "1-10"), (100, "11-100"), (1000, "101-1000")]:
        if found <= limit:
            return label
    return ">1000"


def grouped(samples, key):
    """Median latency and queries of every sample (all runs) by kind or by results."""
    groups = {}
    for sample in samples:
        groups.setdefault(key(sample), []).append(sample)
    return {
        name: {
            "requests": len(group),
            "p50_ms": statistics.median(sample["ms"] for sample in group),
            "max_ms": max(sample["ms"] for sample in group),
            "sql_p50_ms": statistics.median(sample["sql_ms"] for sample in group),
            "queries_median": statistics.median(sample["queries"] for sample in group),
            "queries_max": max(sample["queries"] for sample in group),
        }
        for name, group in groups.items()
    }


COLUMNS = [  # key, title, format; each column as wide as its title
    ("p50_ms", "  p50 ms", "{:.1f}"),
    ("p95_ms", "  p95 ms", "{:.1f}"),
    ("max_ms", "  max ms", "{:.1f}"),
    ("sql_p50_ms", "SQL p50 ms", "{:.1f}"),
    ("queries_min", "queries min", "{:.0f}"),
    ("queries_median", "queries median", "{:.0f}"),
    ("queries_max", "queries max", "{:.0f}"),
]


def table(runs, medians):
    lines = ["run     " + "  ".join(title for _key, title, _fmt in COLUMNS)]
    for label, row in [*((str(run["run"]), run) for run in runs), ("median", medians)]:
        cells = (fmt.format(row[key]).rjust(len(title)) for key, title, fmt in COLUMNS)
        lines.append(label.ljust(8) + "  ".join(cells))
    return "\n".join(lines)


def group_table(title, groups, order=None):
    names = order or sorted(groups)
    width = max(len(title), *(len(name) for name in names))
    lines = [
        f"{title.ljust(width)}  requests   p50 ms   max ms  SQL p50 ms  queries median  queries max"
    ]
    for name in names:
        if name not in groups:
            continue
        row = groups[name]
        lines.append(
            f"{name.ljust(width)}  {row['requests']:8d}  {row['p50_ms']:7.1f}  {row['max_ms']:7.1f}"
            f"  {row['sql_p50_ms']:10.1f}  {row['queries_median']:14.0f}  {row['queries_max']:11d}"
        )
    return "\n".join(lines)


def benchmark(options, command):
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    from blog.models import BlogIndexPage, BlogPostPage

    out(f"Migrating a fresh {connection.vendor} database {connection.settings_dict['NAME']!r}...")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_site", verbosity=0)
    run_worker()  # the seed's own tasks (its search index entries among them)

    responses = options.posts // 5
    out(f"generate_posts {options.posts} --responses {responses}:")
    start = time.perf_counter()
    call_command("generate_posts", str(options.posts), "--responses", str(responses))
    generate_s = time.perf_counter() - start
    run_worker()  # nothing should be queued, but nothing may run during the searches
    with connection.cursor() as cursor:
        # As on a database that has settled (autovacuum's work): planner statistics,
        # and the visibility map that lets PostgreSQL answer from an index alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    blog = BlogIndexPage.objects.get()
    posts = BlogPostPage.objects.live().count()
    assert posts == options.posts + 1, posts  # and the seed post
    assert blog.numchild == Page.objects.child_of(blog).count() == posts
    assert IndexEntry.objects.count() >= posts

    client = Client()
    newest = BlogPostPage.objects.live().order_by("-date", "-first_published_at", "-pk").first()
    assert client.get(blog.url).status_code == 200
    assert client.get(newest.url).status_code == 200

    machine = {
        **machine_info("modelsearch"),
        "database": connection.vendor,
        **database_version(connection),
    }
    requests = build_queries(options.queries)
    for request in build_queries(WARM_UP, seed=1):
        search_once(client, connection, request["params"])
    database = machine.get("postgresql") or f"SQLite {machine.get('sqlite')}"
    out(
        f"\n{posts} posts (generated in {generate_s:.1f} s), {len(requests)} searches a run, "
        f"{options.runs} runs, {WARM_UP} warm-up searches; nproc {machine['nproc']}, {database}"
    )

    runs, per_run = [], []
    for number in range(1, options.runs + 1):
        run, run_samples = one_run(number, client, connection, requests)
        runs.append(run)
        per_run.append(run_samples)
        out(f"  run {number}: p50 {run['p50_ms']:.1f} ms, p95 {run['p95_ms']:.1f} ms")
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "run"}
    samples = [sample for run_samples in per_run for sample in run_samples]
    by_kind = grouped(samples, lambda sample: sample["kind"])
    by_filter = grouped(samples, lambda sample: sample["filter"] or "none")
    by_found = grouped(samples, lambda sample: bucket(sample["found"]))

    out()
    out(table(runs, medians))
    out()
    out(group_table("kind of query", by_kind, list(KIND_WEIGHTS)))
    out()
    out(group_table("filter", by_filter, ["none", "+tag", "+year", "+page 2"]))
    out()
    out(
        group_table(
            "results found", by_found, ["0", "1-10", "11-100", "101-1000", ">1000", "unknown"]
        )
    )
    return {
        "benchmark": "search",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": machine,
        "posts": posts,
        "responses": responses,
        "generate_posts_s": generate_s,
        "queries": len(requests),
        "warm_up": WARM_UP,
        "runs_count": options.runs,
        "medians": medians,
        "runs": runs,
        "by_kind": by_kind,
        "by_filter": by_filter,
        "by_results_found": by_found,
        "requests": [
            {
                "kind": request["kind"],
                "params": request["params"],
                "found": by_request[0]["found"],
                "ms": [sample["ms"] for sample in by_request],
                "sql_ms": [sample["sql_ms"] for sample in by_request],
                "queries": [sample["queries"] for sample in by_request],
            }
            for request, by_request in zip(requests, zip(*per_run, strict=True), strict=True)
        ],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sqlite",
        metavar="PATH",
        help="run on a fresh SQLite file here (its name must contain 'bench') instead",
    )
    options = parser.parse_args()
    if options.posts < 1 or options.queries < 1 or options.runs < 1:
        parser.error("--posts, --queries and --runs must be at least 1")

    import dj_database_url

    if options.sqlite:
        path = Path(options.sqlite).resolve()
        if "bench" not in path.name:
            sys.exit(f"Refusing to delete and recreate {str(path)!r}: its name lacks 'bench'.")
        url = os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    config = dj_database_url.parse(url)
    if not options.sqlite and config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"DATABASE_URL must name a PostgreSQL database, not {url} (or use --sqlite)")
    if "bench" not in Path(str(config["NAME"])).name:
        sys.exit(f"Refusing to drop and recreate {config['NAME']!r}: its name lacks 'bench'.")

    command = " ".join([".venv/bin/python", "bench/search.py", *sys.argv[1:]])
    recreate_database(config)
    try:
        setup_django()
        results = benchmark(options, command)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(config, drop_only=True)
    name = "search-sqlite" if options.sqlite else "search"
    if options.posts != 10_000:
        name += f"-{options.posts}-posts"
    path = ROOT / "bench" / "results" / f"{name}-{datetime.date.today():%Y-%m-%d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    out(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
