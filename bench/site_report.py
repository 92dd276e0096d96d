"""What the site benchmark reports: its tables, the figures the page cache aims at, the
medians over runs, and the results file in bench/results/."""

import datetime
import json
import statistics
import subprocess

from site_data import LABELS, PAGES, ROOT


def mb(kb):
    return kb / 1024 if kb is not None else None


def fmt(value, width, decimals):
    return "-".rjust(width) if value is None else f"{value:{width}.{decimals}f}"


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


def median_figures(runs):
    """Each of `ratios`' figures, the median over the runs that have it."""
    figures = {}
    for key in runs[0]["figures"]:
        values = [run["figures"][key] for run in runs if run["figures"][key] is not None]
        figures[key] = statistics.median(values) if values else None
    return figures


def median_mode(runs, mode):
    keys = ("rps", "p50_ms", "p99_ms", "errors")
    return {
        key: {
            field: statistics.median(run["modes"][mode]["urls"][key][field] for run in runs)
            for field in keys
        }
        for key, _label in PAGES
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


def write_results(results, label):
    """bench/results/site-DATE.json (site-LABEL-DATE.json with a label); its path."""
    name = f"site-{label}" if label else "site"
    path = ROOT / "bench" / "results" / f"{name}-{datetime.date.today():%Y-%m-%d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path
