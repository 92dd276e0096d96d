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
import html.parser
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from harness import machine_info, out, recreate_database, run_worker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_bench_site"
REDIS_HOST = "127.0.0.1:6379"
SEARCH_PATH = "/search/?q=marketing"
TAG_SLUG = "niche"
MODES = ("on", "off")
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


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# HTTP ---------------------------------------------------------------------------------

# No proxy, whatever the environment says: every request goes to 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url, timeout=60):
    """(status, headers, body) of a GET; error statuses are returned, not raised."""
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class StylesheetFinder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.hrefs.append(attrs.get("href") or "")


def stylesheet_path(home_html, static_root):
    """The path of the stylesheet the home page links to; from the manifest otherwise."""
    finder = StylesheetFinder()
    finder.feed(home_html.decode(errors="replace"))
    for href in finder.hrefs:
        path = urlsplit(href).path
        if path.startswith("/static/"):
            return path, "the home page's stylesheet link"
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"], "the static files manifest"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# wrk ----------------------------------------------------------------------------------


def find_wrk():
    """wrk's path, installing it from Debian's registry when missing and running as root."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        sys.exit(
            "wrk is not installed. Install it (Debian/Ubuntu: `sudo apt-get install -y wrk`; "
            "elsewhere https://github.com/wg/wrk) and run the benchmark again."
        )
    out("wrk is not installed: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL, check=False)
        subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=False)
    path = shutil.which("wrk")
    if not path:
        sys.exit("`apt-get install -y wrk` failed: install wrk and run the benchmark again.")
    return path


def wrk_version(wrk):
    result = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first = (result.stdout + result.stderr).strip().splitlines()
    return first[0] if first else "unknown"


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
DURATION = r"([\d.]+)(us|ms|s|m|h)"


def to_ms(number, unit):
    return float(number) * UNITS_MS[unit]


def parse_wrk(text):
    """The figures of `wrk --latency` output."""

    def find(pattern, default=None):
        match = re.search(pattern, text, re.MULTILINE)
        return match.groups() if match else default

    result = {}
    latency = find(rf"^\s+Latency\s+{DURATION}\s+{DURATION}\s+{DURATION}")
    if latency:
        result["avg_ms"] = to_ms(*latency[0:2])
        result["stdev_ms"] = to_ms(*latency[2:4])
        result["max_ms"] = to_ms(*latency[4:6])
    for percent in (50, 75, 90, 99):
        value = find(rf"^\s+{percent}%\s+{DURATION}")
        result[f"p{percent}_ms"] = to_ms(*value) if value else None
    requests = find(rf"^\s+(\d+) requests in {DURATION}")
    if requests is None:
        raise RuntimeError(f"could not read wrk's output:\n{text}")
    result["requests"] = int(requests[0])
    result["seconds"] = to_ms(*requests[1:3]) / 1000
    result["rps"] = float(find(r"^Requests/sec:\s+([\d.]+)", ("0",))[0])
    connect, read, write, timeout = map(
        int,
        find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", (0,) * 4),
    )
    result["socket_errors"] = {"connect": connect, "read": read, "write": write, "timeout": timeout}
    result["non_2xx_3xx"] = int(find(r"Non-2xx or 3xx responses: (\d+)", ("0",))[0])
    result["errors"] = result["non_2xx_3xx"] + connect + read + write + timeout
    return result


def run_wrk(wrk, url, options):
    command = [
        wrk,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{options.duration}s",
        f"--timeout={options.timeout}s",
        "--latency",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


# gunicorn -----------------------------------------------------------------------------


def children_of(pid):
    """The ids of the processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_ticks(pids):
    """User and system CPU time used so far by these processes, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime and stime
    return total


def memory_kb(pid):
    """VmRSS, VmHWM (peak resident memory) and Pss (resident memory, pages shared with other
    processes divided between them) of a process, in kB."""
    fields = {}
    for name in ("status", "smaps_rollup"):
        try:
            text = Path(f"/proc/{pid}/{name}").read_text()
        except OSError:
            continue  # smaps_rollup needs Linux 4.14
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Pss"):
                fields[key] = int(value.split()[0])
    return {
        "rss_kb": fields.get("VmRSS"),
        "hwm_kb": fields.get("VmHWM"),
        "pss_kb": fields.get("Pss"),
    }


def gunicorn_arguments(workers, port):
    """What the bench runs gunicorn with (and records in the results file)."""
    return [
        "--config",
        "config/gunicorn.py",
        "config.wsgi",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
    ]


class Gunicorn:
    """`gunicorn --config config/gunicorn.py config.wsgi` on 127.0.0.1:port with sync
    workers, in its own session."""

    def __init__(self, port, env, workers, log_path):
        self.port, self.env, self.workers, self.log_path = port, env, workers, log_path
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "gunicorn", *gunicorn_arguments(self.workers, self.port)]
        with open(self.log_path, "ab") as log:
            # Its own session: Ctrl-C reaches this script, which stops gunicorn itself.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                fetch(f"http://127.0.0.1:{self.port}/robots.txt", timeout=10)
                if len(self.worker_pids()) >= self.workers:
                    self.first_workers = self.worker_pids()
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer within 120 s:\n{self.tail()}")

    def worker_pids(self):
        return children_of(self.process.pid)

    def wait_until_idle(self, limit=120):
        """Seconds until no worker has used the CPU for half a second.

        When wrk stops, the requests it had in flight are still queued: a sync worker
        answers them although the client is gone, and the next URL's first requests would
        wait behind them (and time out).
        """
        start = time.monotonic()
        last = cpu_ticks(self.worker_pids())
        while time.monotonic() - start < limit:
            time.sleep(0.5)
            now = cpu_ticks(self.worker_pids())
            if now - last <= 1:
                break
            last = now
        return round(time.monotonic() - start, 1)

    def memory(self):
        workers = []
        for pid in self.worker_pids():
            try:
                workers.append({"pid": pid, **memory_kb(pid)})
            except OSError:
                pass
        return {"master": memory_kb(self.process.pid), "workers": workers}

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this script started
            self.process.wait(10)

    def tail(self, lines=30):
        text = Path(self.log_path).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def log_problems(self):
        """Lines of the log that tell of a failure: errors, tracebacks, killed workers."""
        text = Path(self.log_path).read_text(errors="replace")
        marks = ("[ERROR]", "[CRITICAL]", "Traceback", "WORKER TIMEOUT", "Internal Server Error")
        return [line for line in text.splitlines() if any(mark in line for mark in marks)]


# The database and Django --------------------------------------------------------------


def setup_django():
    """Django as gunicorn runs it: the environment already holds the production settings."""
    os.chdir(ROOT)
    # The project first; and not this script's folder, whose search.py would hide the app.
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


def code_state():
    """The commit and the changed files of the checkout measured, when it is a git one."""

    def git(*args):
        result = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    changed = git("status", "--porcelain", "--untracked-files=all")
    return {
        "root": str(ROOT),
        "commit": head,
        "changed_files": (changed.splitlines() if changed else []) if head else None,
    }


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


# Queries a request, in a child process ------------------------------------------------


def count_queries_child(spec):
    """Run in a child: each URL twice with a fresh test Client; print the counts as JSON."""
    setup_django()
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import blog

    counts = {}
    for key, path in spec["paths"].items():
        tries = []
        for _ in range(2):
            client = Client(HTTP_HOST=spec["host"])  # a new visitor: no cookies
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            tries.append((response.status_code, len(captured.captured_queries)))
        counts[key] = {
            "status": tries[1][0],
            "queries_first": tries[0][1],
            "queries": tries[1][1],
        }
    result = {
        "cache_backend": type(caches["default"]).__name__,
        "code": str(Path(blog.__file__).resolve().parent.parent),
        "counts": counts,
    }
    sys.stdout.write("QUERIES " + json.dumps(result) + "\n")


def count_queries(env, host, paths):
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--count-queries",
            json.dumps({"host": host, "paths": paths}),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("QUERIES "):
            counted = json.loads(line.removeprefix("QUERIES "))
            if counted.pop("code") != str(ROOT):
                raise RuntimeError(f"the child imported the project from elsewhere than {ROOT}")
            return counted
    raise RuntimeError(f"counting queries failed:\n{result.stdout}{result.stderr[-3000:]}")


# One mode of one run ------------------------------------------------------------------


def warm(base, paths, times):
    """GET every URL `times` times; the status and some headers of each URL's last answer."""
    seen = {}
    for key, path in paths.items():
        for _ in range(times):
            status, headers, body = fetch(base + path)
        interesting = {
            name: ("(set)" if name.lower() == "set-cookie" else value)
            for name, value in headers.items()
            if name.lower()
            in ("cache-control", "age", "expires", "vary", "set-cookie", "content-type")
            or name.lower().startswith("x-cache")
        }
        seen[key] = {"status": status, "bytes": len(body), "headers": interesting}
    return seen


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


# Reporting ----------------------------------------------------------------------------


def mb(kb):
    return kb / 1024 if kb is not None else None


def table(title, urls, queries, paths):
    width = max(len(LABELS[key]) for key, _label in PAGES)
    path_width = min(48, max(len(path) for path in paths.values()))
    lines = [
        title,
        f"{'page'.ljust(width)}  {'URL'.ljust(path_width)}    req/s   p50 ms   p99 ms"
        "  errors  queries",
    ]
    for key, _label in PAGES:
        row = urls[key]
        count = queries.get(key, {}).get("queries") if queries else None
        path = paths[key] if len(paths[key]) <= path_width else paths[key][: path_width - 1] + "…"
        lines.append(
            f"{LABELS[key].ljust(width)}  {path.ljust(path_width)}  {row['rps']:7.1f}"
            f"  {fmt(row['p50_ms'], 7, 1)}  {fmt(row['p99_ms'], 7, 1)}  {row['errors']:6d}"
            f"  {fmt(count, 7, 0)}"
        )
    return "\n".join(lines)


def fmt(value, width, decimals):
    return "-".rjust(width) if value is None else f"{value:{width}.{decimals}f}"


def ratios(run, queries):
    """The issue's figures for one run (queries are the same in every run)."""
    on, off = run["modes"]["on"], run["modes"]["off"]

    def per(mode, key, field):
        return mode["urls"][key][field]

    def divide(a, b):
        return a / b if a is not None and b else None

    rss = [
        worker["rss_kb"]
        for mode in (on, off)
        for worker in mode["memory"]["workers"]
        if worker["rss_kb"] is not None
    ]
    return {
        "cached_post_rps_over_static_rps": divide(
            per(on, "seed_post", "rps"), per(on, "static", "rps")
        ),
        "cached_busy_post_rps_over_static_rps": divide(
            per(on, "busy_post", "rps"), per(on, "static", "rps")
        ),
        "uncached_post_rps": per(off, "seed_post", "rps"),
        "uncached_busy_post_rps": per(off, "busy_post", "rps"),
        "cached_post_rps": per(on, "seed_post", "rps"),
        "static_rps_cache_on": per(on, "static", "rps"),
        "static_rps_cache_off": per(off, "static", "rps"),
        "busy_over_seed_p50_uncached": divide(
            per(off, "busy_post", "p50_ms"), per(off, "seed_post", "p50_ms")
        ),
        "busy_over_seed_p50_cached": divide(
            per(on, "busy_post", "p50_ms"), per(on, "seed_post", "p50_ms")
        ),
        "worker_rss_mb_max": mb(max(rss)) if rss else None,
    }


def targets(figures, queries, busy_label):
    off = queries["off"]["counts"]
    rows = [
        (
            "cached post req/s ÷ static file req/s",
            figures["cached_post_rps_over_static_rps"],
            ">=",
            0.5,
            2,
        ),
        ("uncached post req/s (2 × 69)", figures["uncached_post_rps"], ">=", 138, 1),
        (
            f"{busy_label} p50 ÷ seed post p50, cache off",
            figures["busy_over_seed_p50_uncached"],
            "<=",
            2,
            2,
        ),
        ("queries, seed post, cache off", off["seed_post"]["queries"], "<=", 12, 0),
        (f"queries, {busy_label}, cache off", off["busy_post"]["queries"], "<=", 12, 0),
        ("queries, blog index, cache off", off["blog_index"]["queries"], "<=", 12, 0),
        ("worker RSS, largest (MB)", figures["worker_rss_mb_max"], "<", 120, 1),
    ]
    checks = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
    return [
        {
            "figure": name,
            "value": value,
            "target": f"{sign} {target}",
            "met": None if value is None else checks[sign](value, target),
            "decimals": decimals,
        }
        for name, value, sign, target, decimals in rows
    ]


def targets_table(rows):
    width = max(len(row["figure"]) for row in rows)
    lines = [f"{'target'.ljust(width)}     value  target   met"]
    for row in rows:
        value = fmt(row["value"], 8, row["decimals"])
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        lines.append(f"{row['figure'].ljust(width)}  {value}  {row['target'].ljust(7)}  {met}")
    return "\n".join(lines)


def median_mode(runs, mode):
    keys = ("rps", "p50_ms", "p99_ms", "errors")
    return {
        key: {
            field: statistics.median(run["modes"][mode]["urls"][key][field] for run in runs)
            for field in keys
        }
        for key, _label in PAGES
    }


def memory_line(mode_result):
    workers = mode_result["memory"]["workers"]
    text = ", ".join(
        f"{mb(worker['rss_kb']):.0f} MB (peak {mb(worker['hwm_kb']):.0f})" for worker in workers
    )
    master = mb(mode_result["memory"]["master"]["rss_kb"])
    at_start = ", ".join(
        f"{mb(worker['rss_kb']):.0f}" for worker in mode_result["memory_at_start"]["workers"]
    )
    extra = ""
    if mode_result["worker_pids_changed"]:
        extra += "; WORKERS RESTARTED during the run"
    if mode_result["log_problems"]:
        extra += f"; {mode_result['log_problems']} error lines in gunicorn's log"
    return f"workers' RSS: {text} (at start {at_start}); master {master:.0f} MB{extra}"


# Main ---------------------------------------------------------------------------------


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
    wrk_line = (
        f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s "
        f"--timeout={options.timeout}s --latency"
    )
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

    figures = {}
    for key in runs[0]["figures"]:
        values = [run["figures"][key] for run in runs if run["figures"][key] is not None]
        figures[key] = statistics.median(values) if values else None
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
    if len(sys.argv) == 3 and sys.argv[1] == "--count-queries":  # the child process
        count_queries_child(json.loads(sys.argv[2]))
        return

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
    name = f"site-{options.label}" if options.label else "site"
    path = ROOT / "bench" / "results" / f"{name}-{datetime.date.today():%Y-%m-%d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    out(f"\nWrote {path.relative_to(ROOT)} ({results['wall_s']:.0f} s in all)")


if __name__ == "__main__":
    main()
