"""WordPressItem now belongs to the `wordpress` app (its 0001): drop it from
home's migration state only. The table and its rows stay, for `wordpress` to
rename (its 0002)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('home', '0002_wordpress_import'),
        ('wordpress', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='WordPressItem')],
            database_operations=[],
        ),
    ]
