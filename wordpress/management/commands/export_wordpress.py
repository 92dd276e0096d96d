"""Write the site as a WordPress export: `manage.py export_wordpress OUT.xml`.

The file (WXR 1.2) holds posts with their bodies, tags and responses, pages
with their hierarchy, images as attachments, and authors. WordPress's
importer (Tools → Import → WordPress) reads it, and so does
`manage.py import_wordpress`, so nothing written here is locked in.
"""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from home.models import HomePage
from wordpress.exporter import Exporter


class Command(BaseCommand):
    help = "Export posts, pages, tags, responses and images as a WordPress (WXR 1.2) file."

    def add_arguments(self, parser):
        parser.add_argument("output", help="The file to write, e.g. export.xml ('-': stdout).")

    def handle(self, *args, output, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None or not isinstance(site.root_page.specific, HomePage):
            raise CommandError("There is no site with a home page to export.")
        if output == "-":
            Exporter(site, self.stdout).run()
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"{output}: no such folder: {target.parent}")
        # Written beside the target and renamed at the end: never half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".xml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                counts = Exporter(site, out).run()
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        if options["verbosity"]:
            summary = ", ".join(f"{number} {kind}" for kind, number in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Wrote {output}: {summary}."))
