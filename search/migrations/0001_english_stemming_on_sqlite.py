"""Give SQLite's full-text index English stemming, as PostgreSQL's "english" config has.

Wagtail (modelsearch) creates its FTS5 table with the default tokenizer, so on SQLite
"experts" would not find "expert". This rebuilds that table with the porter
tokenizer (same columns, same triggers feeding it) and refills it from the
index entries. Other databases are left alone.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry_fts"


def use_porter(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        if cursor.fetchone() is None:
            return  # SQLite without FTS5: modelsearch falls back to plain matching
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
            "autocomplete, body, title, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, body, autocomplete) "
            "SELECT id, title, body, autocomplete FROM wagtailsearch_indexentry"
        )


def use_default(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(autocomplete, body, title)")
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, body, autocomplete) "
            "SELECT id, title, body, autocomplete FROM wagtailsearch_indexentry"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(use_porter, use_default)]
