"""What an import did, kind by kind, and the progress bar shown while it works."""

import time
from collections import Counter, defaultdict

# The rows of the closing table, in this order.
KINDS = [
    ("author", "authors"),
    ("tag", "tags"),
    ("category", "categories"),
    ("attachment", "images"),
    ("post", "posts"),
    ("page", "pages"),
    ("comment", "responses"),
    ("pingback", "pingbacks"),
    ("other", "other items"),
    ("redirect", "redirects"),
]
OUTCOMES = ["new", "updated", "unchanged", "skipped"]


class Report:
    """Counts of new, updated, unchanged and skipped items per kind, with the
    reasons for skipping, and the warnings about single items."""

    def __init__(self):
        self.counts = defaultdict(Counter)
        self.reasons = defaultdict(Counter)
        self.warnings = []
        self.items = []  # one line a post or page, for --verbosity 2

    def item(self, outcome, label, detail=""):
        self.items.append(f"{outcome}: {label}" + (f" {detail}" if detail else ""))

    def count(self, kind, outcome, number=1):
        self.counts[kind][outcome] += number

    def skip(self, kind, reason, number=1):
        self.counts[kind]["skipped"] += number
        self.reasons[kind][reason] += number

    def warn(self, message):
        self.warnings.append(message)

    def total(self, kind, outcome):
        return self.counts[kind][outcome]

    def table(self):
        """The closing table as lines of text."""
        rows = [("", *OUTCOMES, "why skipped")]
        for kind, label in KINDS:
            counts = self.counts[kind]
            if not any(counts.values()):
                continue
            why = "; ".join(
                f"{number} {reason}" for reason, number in self.reasons[kind].most_common()
            )
            rows.append((label, *(str(counts[outcome]) for outcome in OUTCOMES), why))
        widths = [max(len(row[i]) for row in rows) for i in range(len(OUTCOMES) + 1)]
        lines = []
        for row in rows:
            cells = [row[0].ljust(widths[0])]
            cells += [cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:], strict=True)]
            lines.append("  ".join([*cells, row[-1]]).rstrip())
        return lines


class Progress:
    """A progress bar redrawn in place on a terminal; silent when the output is
    not one (a log file or a pipe gets the closing table only)."""

    WIDTH = 30

    def __init__(self, stream, total, unit="items"):
        self.stream = stream
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.active = total > 0 and stream.isatty()

    def advance(self, number=1):
        self.done += number
        if not self.active:
            return
        now = time.monotonic()
        if self.done < self.total and now - self.last_drawn < 0.1:
            return
        self.last_drawn = now
        filled = self.WIDTH * self.done // self.total
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} "
            f"{self.unit} ({now - self.started:.1f} s)",
            ending="",
        )
        self.stream.flush()

    def finish(self):
        if self.active:
            self.stream.write("")  # ends the bar's line
            self.active = False
