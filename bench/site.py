"""The site under load: gunicorn and wrk, with the anonymous page cache on and off.

    .venv/bin/python bench/site.py [--duration 15] [--runs 1] [--label before]
    make bench BENCH_ARGS="--duration 5"

Runs against a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/blog_bench_site), created at the start and dropped at
the end; its name must contain "bench". The site runs as in production: gunicorn
--config config/gunicorn.py config.wsgi (the app preloaded, 2 sync workers on 127.0.0.1
and a free port) with config.settings.production, DEBUG off, a SECRET_KEY made for the
run, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false and a STATIC_ROOT of its own
filled by collectstatic (hashed, compressed files served by whitenoise). When Redis
answers on 127.0.0.1:6379 the cache is Redis (REDIS_URL=redis://127.0.0.1:6379/13, a
spare database flushed before each server start and at the end; `--redis-db` picks
another, `--no-redis` skips it); otherwise each worker keeps its own memory cache. The
output says which.

Data: `seed_site`, then `generate_posts 1000 --responses 20000 --busy-post-responses 500`,
then VACUUM ANALYZE, as on a database that has settled.

Each run starts gunicorn twice, with PAGE_CACHE=on and with PAGE_CACHE=off (the order
alternates from run to run), and measures with `wrk -t2 -c8 -d15s --timeout=10s
--latency` in turn: a static file (the hashed stylesheet the home page links to), the
home page, the blog index, the seed post, the post with 500 responses, the tag archive
of "niche", a search for "marketing" and the feed. wrk's own timeout, 2 s, would drop
the slowest requests from the latencies and count them as errors, so it is 10 s.
Just before its wrk, each URL is requested --warm times (4: with a memory cache, each
worker keeps its own copy), then the bench waits until the workers are idle (the
requests a wrk left in flight are still answered after it stops). After the last wrk of
a mode it reads each worker's memory (VmRSS and its peak, VmHWM, from /proc; the workers
are the children of the gunicorn master), then stops gunicorn.

Queries a request are counted apart from the load, in a child process with the same
settings and database (PAGE_CACHE as the mode), with Django's test Client and
CaptureQueriesContext: each URL twice, from a new client each time (no cookies, like
wrk); the second count is the one reported (with the cache on: the cached path).

It prints a table per mode and run (req/s, p50 and p99 latency, errors: non-2xx/3xx
responses and socket errors, queries), the medians when there are several runs, then
the ratios and figures the page-cache issue targets. Results go to
bench/results/site-DATE.json (site-LABEL-DATE.json with --label).
"""

import argparse
import datetime
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from gunicorn_server import Gunicorn, fetch, free_port, gunicorn_arguments, stylesheet_path, warm
from harness import machine_info, out, recreate_database
from query_count import count_queries
from site_data import LABELS, PAGES, ROOT, TAG_SLUG, build_data, redis_client, setup_django
from site_report import (
    code_state,
    median_figures,
    median_mode,
    memory_line,
    ratios,
    table,
    targets,
    targets_table,
    write_results,
)
from wrk import find_wrk, run_wrk, wrk_command_line, wrk_version

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_bench_site"
REDIS_HOST = "127.0.0.1:6379"
MODES = ("on", "off")


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def measure_mode(mode, context, options):
    """Start gunicorn with PAGE_CACHE=mode; warm up and wrk each URL; read worker memory."""
    env = {**context["env"], "PAGE_CACHE": mode}
    if context["redis"] is not None:
        context["redis"].flushdb()
    log_path = Path(context["tmp"]) / f"gunicorn-{mode}-{time.time_ns()}.log"
    server = Gunicorn(context["port"], env, options.workers, log_path)
    context["server"] = server
    server.start()
    try:
        memory_at_start = server.memory()  # booted, and one request answered
        base = f"http://127.0.0.1:{context['port']}"
        paths = context["paths"]
        if "static" not in paths:
            status, _headers, body = fetch(base + "/")
            path, source = stylesheet_path(body if status == 200 else b"", context["static_root"])
            paths["static"] = path
            context["static_source"] = source
            paths = context["paths"] = {key: paths[key] for key, _label in PAGES}
        results, responses = {}, {}
        for key, path in paths.items():
            # Just before its wrk, so that no cached copy expires in between.
            responses.update(warm(base, {key: path}, options.warm))
            if responses[key]["status"] != 200:
                out(f"  warning: {path} answered {responses[key]['status']} (cache {mode})")
            idle_wait = server.wait_until_idle()
            load = os.getloadavg()[0]
            results[key] = {
                **run_wrk(context["wrk"], base + path, options),
                "loadavg_1m": load,
                "idle_wait_s": idle_wait,
            }
        memory = server.memory()
        restarted = sorted(set(server.first_workers) ^ set(server.worker_pids()))
    finally:
        server.stop()
        context["server"] = None
    problems = server.log_problems()
    log_path.unlink(missing_ok=True)
    return {
        "page_cache": mode,
        "urls": results,
        "warm_up": responses,
        "memory": memory,
        "memory_at_start": memory_at_start,
        "worker_pids_changed": restarted,
        "log_problems": len(problems),
        "log_problem_lines": problems[:20],
    }


def benchmark(options, context, command):
    paths, data, timings, postgresql = build_data(options)
    context["paths"] = paths
    out(
        f"{data['posts']} posts, {data['responses']} responses; the busy post has "
        f"{data['busy_post_responses']} ({data['busy_post_replies']} of them replies), "
        f"the seed post {data['seed_post_responses']}; {data['tag_posts']} posts tagged "
        f"“{TAG_SLUG}”"
    )
    machine = {
        **machine_info("gunicorn"),
        "postgresql": postgresql,
        "wrk": wrk_version(context["wrk"]),
        "redis": context["redis_version"],
    }
    wrk_line = wrk_command_line(options)
    out(
        f"gunicorn: {options.workers} sync workers on 127.0.0.1:{context['port']}; "
        f"cache: {context['cache']}; {wrk_line}; nproc {machine['nproc']}, "
        f"PostgreSQL {postgresql}, {machine['wrk']}"
    )

    runs, queries = [], {}
    for number in range(1, options.runs + 1):
        order = MODES if number % 2 else tuple(reversed(MODES))
        run = {"run": number, "order": list(order), "modes": {}}
        for mode in order:
            out(f"\nRun {number}/{options.runs}, page cache {mode}: warming up and measuring...")
            run["modes"][mode] = measure_mode(mode, context, options)
            if mode not in queries:
                env = {**context["env"], "PAGE_CACHE": mode}
                host = f"127.0.0.1:{context['port']}"
                queries[mode] = count_queries(env, host, context["paths"])
            result = run["modes"][mode]
            out(
                table(
                    f"Page cache {mode} (run {number}; queries counted apart, "
                    f"{queries[mode]['cache_backend']}):",
                    result["urls"],
                    queries[mode]["counts"],
                    context["paths"],
                )
            )
            out(memory_line(result))
        runs.append(run)
        run["figures"] = ratios(run, queries)

    figures = median_figures(runs)
    paths = context["paths"]  # now with the static file's, in the order measured
    medians = {mode: median_mode(runs, mode) for mode in MODES}
    if options.runs > 1:
        for mode in MODES:
            out()
            out(
                table(
                    f"Medians of {options.runs} runs, page cache {mode}:",
                    medians[mode],
                    queries[mode]["counts"],
                    context["paths"],
                )
            )
    rows = targets(figures, queries, LABELS["busy_post"])
    out()
    out(targets_table(rows))
    cached = queries["on"]["counts"]["seed_post"]["queries"]
    uncached = queries["off"]["counts"]["seed_post"]["queries"]
    if cached and cached >= uncached:
        out(
            "\nNote: with PAGE_CACHE=on the post page costs as many queries as with it off: "
            "the page cache is not in effect (does the app read PAGE_CACHE yet?)."
        )
    errors = sum(
        run["modes"][mode]["urls"][key]["errors"] for run in runs for mode in MODES for key in paths
    )
    if errors:
        out(f"\nNote: {errors} requests failed in all (non-2xx/3xx answers or socket errors).")

    return {
        "benchmark": "site",
        "label": options.label,
        "note": options.note,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": machine,
        "code": code_state(),
        "settings": {
            "DJANGO_SETTINGS_MODULE": context["env"]["DJANGO_SETTINGS_MODULE"],
            "DEBUG": False,
            "ALLOWED_HOSTS": context["env"]["ALLOWED_HOSTS"],
            "SECURE_SSL_REDIRECT": context["env"]["SECURE_SSL_REDIRECT"],
            "LOG_LEVEL": context["env"]["LOG_LEVEL"],
            "STATIC_ROOT": "a temporary directory filled by collectstatic",
            "database": context["database_name"],
            "cache": context["cache"],
            "REDIS_URL": context["env"].get("REDIS_URL"),
            "gunicorn": " ".join(gunicorn_arguments(options.workers, context["port"])),
            "wrk": wrk_line,
            "warm_up_requests_per_url": options.warm,
            "static_url_from": context.get("static_source"),
        },
        "data": {
            **data,
            "generate_posts": f"{options.posts} --responses {options.responses} "
            f"--busy-post-responses {options.busy_responses}",
        },
        "setup": timings,
        "urls": {key: {"label": LABELS[key], "path": path} for key, path in paths.items()},
        "queries": queries,
        "runs_count": options.runs,
        "runs": runs,
        "medians": medians,
        "figures": figures,
        "targets": [{k: v for k, v in row.items() if k != "decimals"} for row in rows],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per URL")
    parser.add_argument("--runs", type=int, default=1, help="on/off pairs (medians when more)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument(
        "--timeout",
        type=int,
        default=10,
        help="wrk's timeout in seconds (default 10, not wrk's 2: a slow page is measured, "
        "not dropped from the latencies)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--warm", type=int, default=4, help="GETs of each URL before wrk")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--busy-responses", type=int, default=500)
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: free)")
    parser.add_argument("--redis-db", type=int, default=13, help="spare Redis database")
    parser.add_argument("--no-redis", action="store_true", help="memory cache, even with Redis")
    parser.add_argument("--label", help="joins the file name: site-LABEL-DATE.json")
    parser.add_argument("--note", help="free text kept in the results file")
    options = parser.parse_args()
    numbers = ("duration", "runs", "threads", "workers", "timeout", "warm")
    if min(getattr(options, name) for name in numbers) < 1:
        parser.error(f"{', '.join('--' + name for name in numbers)} must be at least 1")
    if options.connections < options.threads:
        parser.error("--connections must be at least --threads")
    if options.posts < 1 or options.responses < 0 or options.busy_responses < 1:
        parser.error("--posts and --busy-responses must be at least 1")
    if options.label and not re.fullmatch(r"[A-Za-z0-9_.-]+", options.label):
        parser.error("--label: letters, digits, dots, dashes and underscores only")
    LABELS["busy_post"] = f"{options.busy_responses}-response post"

    import dj_database_url

    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"DATABASE_URL must name a PostgreSQL database, not {url}")
    if "bench" not in config["NAME"]:
        sys.exit(f"Refusing to drop and recreate {config['NAME']!r}: its name lacks 'bench'.")
    wrk = find_wrk()

    redis, redis_version, redis_url = None, None, None
    if not options.no_redis:
        redis_url = f"redis://{REDIS_HOST}/{options.redis_db}"
        redis = redis_client(redis_url)
        if redis is not None:
            redis.flushdb()
            redis_version = redis.info("server").get("redis_version")
    if redis is None:
        cache = "local memory (LocMemCache: each worker its own)"
        if not options.no_redis:
            cache += f": no Redis answered on {REDIS_HOST}"
    else:
        cache = f"Redis {redis_version} ({redis_url}, flushed before each server start)"

    tmp = tempfile.mkdtemp(prefix="bench-site-")
    static_root = Path(tmp) / "static"
    static_root.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",  # `make` exports dev
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "PYTHONPATH": str(ROOT),  # the project from this checkout in every child process
        "MEDIA_ROOT": str(Path(tmp) / "media"),
        "DATABASE_URL": url,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PAGE_CACHE": "off",  # while the data is made; each mode sets its own
    }
    env.pop("REDIS_URL", None)
    if redis is not None:
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = "bench-site"
    os.environ.clear()
    os.environ.update(env)  # this process runs Django with the same settings as gunicorn

    context = {
        "env": env,
        "wrk": wrk,
        "redis": redis,
        "redis_version": redis_version,
        "cache": cache,
        "tmp": tmp,
        "static_root": static_root,
        "port": options.port or free_port(),
        "database_name": config["NAME"],
        "server": None,
    }
    command = " ".join([".venv/bin/python", "bench/site.py", *sys.argv[1:]])
    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    try:
        recreate_database(config)
        setup_django()
        results = benchmark(options, context, command)
    except KeyboardInterrupt:
        out("\nInterrupted: stopping gunicorn and dropping the database.")
        sys.exit(130)
    finally:
        if context["server"] is not None:
            context["server"].stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        recreate_database(config, drop_only=True)
        if redis is not None:
            redis.flushdb()
        shutil.rmtree(tmp, ignore_errors=True)
    results["wall_s"] = round(time.monotonic() - started, 1)
    path = write_results(results, options.label)
    out(f"\nWrote {path.relative_to(ROOT)} ({results['wall_s']:.0f} s in all)")


if __name__ == "__main__":
    main()
