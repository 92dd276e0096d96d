"""Move a WordPress blog here: `manage.py import_wordpress EXPORT.xml`.

    manage.py import_wordpress export.xml [--media-dir wp-content/uploads]
        [--author wp_login=username ...] [--dry-run] [--with-pingbacks] [--force]

Reads a WordPress export (Tools → Export → All content; WXR 1.0 to 1.2) and
brings in its posts, pages, tags, categories, comments and images, with a 301
redirect from every old address. Safe to run again: items are matched on their
WordPress IDs and updated in place, and items unchanged in the export are left
as they are. See wordpress/ for the details.
"""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from pagecache.tags import SITE, invalidate
from wordpress import wxr
from wordpress.importer import Importer


class Command(BaseCommand):
    help = "Import a WordPress export (WXR) file: posts, pages, tags, comments and images."

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WordPress export file (WXR), e.g. export.xml.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything but keep nothing: print what an import would do.",
        )
        parser.add_argument(
            "--media-dir",
            metavar="DIR",
            help="The WordPress wp-content/uploads folder, for the images posts show.",
        )
        parser.add_argument(
            "--author",
            action="append",
            default=[],
            metavar="WP_LOGIN=USERNAME",
            help="Give a WordPress author's posts to an existing user (repeatable). Others "
            "go to the user named like their login, made without a password if missing.",
        )
        parser.add_argument(
            "--with-pingbacks",
            action="store_true",
            help="Keep pingbacks and trackbacks, as responses (by default they are skipped).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Rewrite every item, even those unchanged since the last import.",
        )

    def handle(self, *args, export, dry_run, media_dir, author, with_pingbacks, force, **options):
        started = time.monotonic()
        author_map = self.author_map(author)
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"--media-dir {media_dir}: no such folder.")
        try:
            data = wxr.read(export)
        except wxr.WXRError as error:
            raise CommandError(f"{export}: {error}") from None
        verbosity = options["verbosity"]
        if verbosity:
            counts = {}
            for item in data.items:
                counts[item.type] = counts.get(item.type, 0) + 1
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            self.stdout.write(
                f"{export}: WXR {data.version} from {data.base_site_url or 'an unknown site'}"
                f" ({summary or 'no items'})."
            )
        # The progress bar writes to the command's error stream through a wrapper of
        # its own, unstyled: on a terminal self.stderr colours all it writes as errors.
        stderr = options.get("stderr") or sys.stderr  # as BaseCommand picks it
        progress_stream = OutputWrapper(stderr) if verbosity else None
        importer = Importer(
            data,
            media_dir=media_dir,
            author_map=author_map,
            dry_run=dry_run,
            with_pingbacks=with_pingbacks,
            force=force,
            progress_stream=progress_stream,
        )
        report = importer.run()
        if not dry_run:
            # Imported posts go live as they were in WordPress, without the publish
            # signal (which would email subscribers): cached pages must go too.
            invalidate(SITE)
        if not verbosity:
            return
        if verbosity > 1 and report.items:
            self.stdout.write(f"\nPosts and pages ({len(report.items)}):")
            for line in report.items:
                self.stdout.write(f"  {line}")
        if report.warnings:
            self.stdout.write(f"\nNotes and warnings ({len(report.warnings)}):")
            shown = report.warnings if verbosity > 1 else report.warnings[:50]
            for warning in shown:
                self.stdout.write(f"  - {warning}")
            if len(shown) < len(report.warnings):
                self.stdout.write(
                    f"  … and {len(report.warnings) - len(shown)} more (--verbosity 2 shows all)."
                )
        self.stdout.write("")
        for line in report.table():
            self.stdout.write(line)
        elapsed = time.monotonic() - started
        if dry_run:
            self.stdout.write(
                self.style.WARNING(f"\nDry run: nothing was written ({elapsed:.1f} s).")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"\nImported in {elapsed:.1f} s."))

    @staticmethod
    def author_map(pairs):
        """{WordPress login: user} from the --author options; unknown users stop here."""
        users = get_user_model().objects
        mapping = {}
        for pair in pairs:
            login, sep, username = pair.partition("=")
            login, username = login.strip(), username.strip()
            if not sep or not login or not username:
                raise CommandError(f"--author {pair}: write it as wp_login=username.")
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"--author {pair}: there is no user named “{username}”.")
            mapping[login] = user
        return mapping
