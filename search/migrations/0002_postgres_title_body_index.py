"""Index what PostgreSQL full-text search actually filters on.

Wagtail's PostgreSQL backend matches `title || body` (the two tsvectors
joined), but only indexes each column on its own, so every search read
every index entry. This GIN index on the joined expression lets the match
use an index. Other databases are left alone.
"""

from django.db import migrations

INDEX = "blog_search_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_english_stemming_on_sqlite")]

    operations = [migrations.RunPython(create, drop)]
