"""Helpers for the WordPress import and export tests: the fixture exports, and
the import command run as an operator runs it."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
SEED_EXPORT = FIXTURES / "seed-blog-wordpress-6.1.wxr.xml"
UPLOADS = FIXTURES / "uploads"


def run_import(*args):
    """`manage.py import_wordpress ARGS`: what it writes to standard output."""
    out = StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def table_row(output, label):
    """(new, updated, unchanged, skipped) from the closing table's row for `label`."""
    for line in output.splitlines():
        cells = line.split()
        if cells and line.startswith(label + " "):
            return tuple(int(cell) for cell in cells[len(label.split()) :][:4])
    return None
