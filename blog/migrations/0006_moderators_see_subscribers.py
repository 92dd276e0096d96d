"""Let Wagtail's Moderators group see, export and remove subscribers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_subscriber", "delete_subscriber"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("blog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="blog", codename__in=CODENAMES)
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="blog", codename__in=CODENAMES)
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_subscriptions")]

    operations = [migrations.RunPython(grant, revoke)]
