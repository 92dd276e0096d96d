"""How long new-post emails take to queue and to send, for N confirmed subscribers.

    .venv/bin/python bench/subscriptions.py [--subscribers 10000] [--runs 3]

Runs against a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/blog_bench_subscriptions), created at the start and
dropped at the end; its name must contain "bench". DEBUG is off, the tasks backend is
the real django_tasks_db.DatabaseBackend, and email goes through Django's SMTP backend
to an aiosmtpd sink on 127.0.0.1 that counts what it receives.

Each run publishes a fresh post (subscribers stay) and measures:
  A. publish(post) end to end, the editor's request: the page_published signal,
     the PostEmail row and the enqueue of email_new_post; beside it, the publish
     of a post with email_subscribers off, in the same run, for a ratio. Then the
     fan-out task alone (email_new_post, run by the db_worker's own Worker), which
     queues N/100 email_post_batch tasks.
  B. `db_worker --batch --no-startup-delay --queue-name *` from start to an empty
     queue: emails received by the sink (asserted equal to N) per second.

The sink's event loop runs in a thread of this process by default; `--sink process`
moves it to a child process, as a real mail server would be (slower on a 2-CPU machine:
the worker, the sink and PostgreSQL then contend for two CPUs; bench/RESULTS.md has the
figures). Results go to bench/results/subscriptions-DATE.json.
"""

import argparse
import datetime
import json
import math
import multiprocessing
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

from harness import database_version, machine_info, out, recreate_database, run_worker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_bench_subscriptions"
EMAIL_NEW_POST = "blog.notifications.email_new_post"
EMAIL_POST_BATCH = "blog.notifications.email_post_batch"


# The SMTP sink ----------------------------------------------------------------------


class CountingHandler:
    """Accepts every message and counts it."""

    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_sink(port, counter, ready, stop):
    from aiosmtpd.controller import Controller

    controller = Controller(CountingHandler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


class Sink:
    """An aiosmtpd Controller on a free port, in a child process or in a thread."""

    def __init__(self, mode):
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self.counter = context.Value("q", 0)
        self.ready, self.stop = context.Event(), context.Event()
        target = serve_sink
        args = (self.port, self.counter, self.ready, self.stop)
        if mode == "process":
            self.runner = context.Process(target=target, args=args, daemon=True)
        else:
            self.runner = threading.Thread(target=target, args=args, daemon=True)

    def __enter__(self):
        self.runner.start()
        if not self.ready.wait(30):
            raise RuntimeError("the SMTP sink did not start")
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.runner.join(10)

    @property
    def received(self):
        return self.counter.value

    def reset(self):
        with self.counter.get_lock():
            self.counter.value = 0


# The database -----------------------------------------------------------------------


# Django -----------------------------------------------------------------------------


def setup_django(sink_port):
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink_port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    from django.template import engines
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    for engine in engines.all():  # an engine made before DEBUG went off keeps it
        engine.engine.debug = False
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        sys.exit(f"The default tasks backend is {type(backend).__name__}, not DatabaseBackend.")


def worker():
    """The db_worker's own Worker, to claim and run one chosen task."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
        excluded_queue_names=[],
    )


def run_task(task_worker, db_task):
    """Claim and run a task as db_worker does; return its seconds and its refreshed row."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    with exclusive_transaction(DBTaskResult.objects.db):
        locked = DBTaskResult.objects.select_for_update().get(pk=db_task.pk)
        locked.claim(task_worker.worker_id)
    start = time.perf_counter()
    task_worker.run_task(locked)
    elapsed = time.perf_counter() - start
    locked.refresh_from_db()
    return elapsed, locked


def ready_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready()


def add_subscribers(count):
    from django.utils import timezone

    from blog.models import Subscriber

    now = timezone.now()
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{i:07d}@example.com",
                status=Subscriber.CONFIRMED,
                confirmed_at=now,
            )
            for i in range(count)
        ),
        batch_size=2000,
    )


def one_run(number, blog, count):
    from django_tasks_db.models import DBTaskResult

    from blog.models import PostEmail
    from blog.notifications import BATCH_SIZE
    from tests.builders import make_post, publish

    stamp = f"{number}-{time.time_ns()}"
    control = make_post(blog, f"Quiet post {stamp}", live=False)
    control.email_subscribers = False
    post = make_post(blog, f"Bench post {stamp}", live=False)

    start = time.perf_counter()
    publish(control)
    publish_quiet = time.perf_counter() - start

    start = time.perf_counter()
    publish(post)
    publish_email = time.perf_counter() - start

    assert PostEmail.objects.filter(post=post).exists()
    fan_out_tasks = [
        task
        for task in ready_tasks().filter(task_path=EMAIL_NEW_POST)
        if task.args_kwargs["args"] == [post.pk]
    ]
    assert len(fan_out_tasks) == 1, f"expected one email_new_post task, got {len(fan_out_tasks)}"
    assert not ready_tasks().filter(task_path=EMAIL_NEW_POST).exclude(pk=fan_out_tasks[0].pk)

    # Wagtail's own follow-up tasks (reference index) run first, untimed, so that the
    # drain below holds the email batches alone.
    task_worker = worker()
    others = list(ready_tasks().exclude(task_path__in=[EMAIL_NEW_POST, EMAIL_POST_BATCH]))
    for task in others:
        run_task(task_worker, task)

    fan_out, fan_out_row = run_task(task_worker, fan_out_tasks[0])
    assert fan_out_row.status == "SUCCESSFUL", fan_out_row.traceback
    assert fan_out_row.return_value == count, fan_out_row.return_value
    batches = ready_tasks().filter(task_path=EMAIL_POST_BATCH).count()
    assert batches == math.ceil(count / BATCH_SIZE), batches
    queued = ready_tasks().count()

    SINK.reset()
    start = time.perf_counter()
    run_worker()
    drain = time.perf_counter() - start

    received = SINK.received
    assert not ready_tasks().exists(), "the worker left tasks in the queue"
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert not failed.exists(), failed.first().traceback
    assert received == count, f"the sink received {received} emails, not {count}"
    assert PostEmail.objects.get(post=post).sent == count

    return {
        "run": number,
        "publish_ms": publish_email * 1000,
        "publish_no_email_ms": publish_quiet * 1000,
        "fan_out_ms": fan_out * 1000,
        "batch_tasks": batches,
        "tasks_drained": queued,
        "wagtail_tasks_run_before": len(others),
        "drain_s": drain,
        "emails": received,
        "emails_per_s": received / drain,
    }


COLUMNS = [  # key, title, format; each column as wide as its title
    ("publish_ms", "publish ms", "{:.1f}"),
    ("publish_no_email_ms", "publish, no email ms", "{:.1f}"),
    ("fan_out_ms", "fan-out ms", "{:.1f}"),
    ("batch_tasks", " batches", "{:.0f}"),
    ("drain_s", "drain wall s", "{:.2f}"),
    ("emails", "  emails", "{:.0f}"),
    ("emails_per_s", "emails/s", "{:.0f}"),
]


def table(runs, medians):
    lines = ["run     " + "  ".join(title for _key, title, _fmt in COLUMNS)]
    for label, row in [*((str(run["run"]), run) for run in runs), ("median", medians)]:
        cells = (fmt.format(row[key]).rjust(len(title)) for key, title, fmt in COLUMNS)
        lines.append(label.ljust(8) + "  ".join(cells))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sink",
        choices=["process", "thread"],
        default="thread",
        help="where the SMTP sink runs (default: a thread of this process)",
    )
    options = parser.parse_args()
    if options.subscribers < 1 or options.runs < 1:
        parser.error("--subscribers and --runs must be at least 1")

    import dj_database_url

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"DATABASE_URL must name a PostgreSQL database, not {url}")
    if "bench" not in config["NAME"]:
        sys.exit(f"Refusing to drop and recreate {config['NAME']!r}: its name lacks 'bench'.")

    global SINK
    command = " ".join([".venv/bin/python", "bench/subscriptions.py", *sys.argv[1:]])
    with Sink(options.sink) as SINK:
        recreate_database(config)
        try:
            setup_django(SINK.port)
            results = benchmark(options, command)
        finally:
            from django.db import connections

            connections.close_all()
            recreate_database(config, drop_only=True)
    path = ROOT / "bench" / "results" / f"subscriptions-{datetime.date.today():%Y-%m-%d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    out(f"\nWrote {path.relative_to(ROOT)}")


def benchmark(options, command):
    from django.core.management import call_command
    from django.db import connection

    from blog.notifications import BATCH_SIZE
    from tests.builders import build_site, make_post, publish

    count = options.subscribers
    out(f"Migrating a fresh database {connection.settings_dict['NAME']!r}...")
    call_command("migrate", verbosity=0, interactive=False)
    site = build_site("Bench Blog")
    add_subscribers(count)
    warm_up = make_post(site.blog, "Warm-up post", live=False)
    warm_up.email_subscribers = False
    publish(warm_up)  # the first publish in a process pays for imports and caches
    run_worker()  # the set-up's own tasks, so every run starts from an empty queue
    machine = {
        **machine_info("django-tasks", "django-tasks-db", "aiosmtpd"),
        **database_version(connection),
    }
    out(
        f"{count} confirmed subscribers, batches of {BATCH_SIZE}, {options.runs} runs; "
        f"SMTP sink in a {options.sink} on 127.0.0.1:{SINK.port}; nproc {machine['nproc']}, "
        f"PostgreSQL {machine['postgresql']}"
    )

    runs = []
    for number in range(1, options.runs + 1):
        runs.append(one_run(number, site.blog, count))
        out(f"  run {number}: {runs[-1]['emails_per_s']:.0f} emails/s")
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "run"}
    medians["publish_ratio_email_to_no_email"] = statistics.median(
        run["publish_ms"] / run["publish_no_email_ms"] for run in runs
    )
    out()
    out(table(runs, medians))
    out(
        f"\npublish with email / without (median of per-run ratios): "
        f"{medians['publish_ratio_email_to_no_email']:.2f}"
    )
    return {
        "benchmark": "subscriptions",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": machine,
        "subscribers": count,
        "batch_size": BATCH_SIZE,
        "runs_count": options.runs,
        "sink": options.sink,
        "medians": medians,
        "runs": runs,
    }


SINK = None

if __name__ == "__main__":
    main()
