"""Keep the search vectors in the index entries' rows on PostgreSQL.

A row of Wagtail's index entries (two vectors, their texts and the autocomplete vector)
is a few kilobytes, past the 2 kB at which PostgreSQL moves the largest values to the
table's TOAST table. Every search reads the title and body vectors of each entry that
matches, and fetching them from there (one lookup in the TOAST index per value) was half
the cost of ranking a common word over 10,000 posts (26 ms of 40). With rows toasted only
past 8 kB, a typical post's entry stays whole in its row; a very long post's entry is
still toasted. The existing rows are rewritten so the change applies to them too. Other
databases are left alone.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 8160)")
        # Concatenating an empty vector makes a new value, which the new setting
        # stores in the row; assigning the column to itself would keep the old pointer.
        schema_editor.execute(
            f"UPDATE {TABLE} SET title = title || ''::tsvector, body = body || ''::tsvector, "
            "autocomplete = autocomplete || ''::tsvector"
        )


def toast_as_before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_postgres_title_body_index"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(keep_in_row, toast_as_before)]
