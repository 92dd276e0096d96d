"""WordPressItem settles in its new app: its table and index are renamed after
`wordpress`, and its content type row moves from `home` to `wordpress`.

Renamed rather than kept with `db_table = "home_wordpressitem"`: a table named
after `home` would keep saying, to whoever reads the database, that the home
app owns the WordPress record; a rename in place is one statement and keeps
every row. The content type row is moved, not recreated, so the permissions
and group grants that point at it stay valid and no stale `home` type is left.
"""

from django.db import migrations


def move_content_type(apps, schema_editor, source="home", target="wordpress"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    old = types.filter(app_label=source, model="wordpressitem").first()
    if old is None:  # a fresh database: post_migrate makes the type afterwards
        return
    # A type made for the target app in the meantime (a `migrate` stopped half
    # way) is newer and emptier than the old one: the old one wins.
    types.filter(app_label=target, model="wordpressitem").delete()
    old.app_label = target
    old.save(update_fields=["app_label"])


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="wordpress", target="home")


class Migration(migrations.Migration):

    dependencies = [
        # Permission rows point at content types: the old type's stay with it.
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('home', '0003_wordpressitem_moves_to_wordpress'),
        ('wordpress', '0001_initial'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='wordpressitem',
            new_name='wordpress_w_content_e21712_idx',
            old_name='home_wordpr_content_0d7c38_idx',
        ),
        migrations.AlterModelTable(
            name='wordpressitem',
            table=None,
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
