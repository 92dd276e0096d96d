"""Create the seed site: Ben Young's blog and "The Rise of the Micro Expert".

Safe to run again: it creates only what is missing and never overwrites what
an editor has changed. `--if-empty` does nothing at all once a home page
exists, which is what `make run` uses. The content and the steps: home/seed.py.
"""

from django.core.management.base import BaseCommand

from home import seed
from home.models import HomePage


class Command(BaseCommand):
    help = "Create the seed site (home, blog, the seed post, tags, About and New Here?)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has a home page.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and HomePage.objects.exists():
            self.stdout.write("The site already has content: seed skipped.")
            return
        created = seed.build()
        if created:
            self.stdout.write(self.style.SUCCESS("Seeded: " + ", ".join(created) + "."))
        else:
            self.stdout.write("The seed site is complete: nothing to add.")
