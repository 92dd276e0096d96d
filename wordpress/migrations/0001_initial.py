"""WordPressItem moves here from `home`, rows and all: this migration only tells
Django's migration state that the model now belongs to `wordpress`. The table
(`home_wordpressitem`, made by home's 0002) is left as it is here, so a database
migrated from before the move keeps every row; home's 0003 then drops the model
from home's state, and 0002 here renames the table after its new app."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('home', '0002_wordpress_import'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='WordPressItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('post', 'post'), ('page', 'page'), ('attachment', 'attachment'), ('image', 'image file'), ('tag', 'tag'), ('category', 'category'), ('comment', 'comment')], max_length=20)),
                        ('wp_id', models.CharField(max_length=255, verbose_name='WordPress ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('fingerprint', models.CharField(blank=True, max_length=64)),
                        ('imported_at', models.DateTimeField(auto_now=True)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'verbose_name': 'WordPress item',
                        'db_table': 'home_wordpressitem',
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='home_wordpr_content_0d7c38_idx')],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'wp_id'), name='unique_wordpress_item')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
