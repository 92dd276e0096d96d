"""The site as production runs it, for the site benchmark: gunicorn on 127.0.0.1 with
config/gunicorn.py, and the plain HTTP requests the bench makes to it."""

import html.parser
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from procfs import children_of, cpu_ticks, memory_kb
from site_data import ROOT

# No proxy, whatever the environment says: every request goes to 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url, timeout=60):
    """(status, headers, body) of a GET; error statuses are returned, not raised."""
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


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
