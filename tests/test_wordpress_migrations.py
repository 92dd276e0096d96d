"""The WordPress record moved from `home` to `wordpress`: a database migrated from
before the move keeps every row, and the row's content type moves with it."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from wordpress.models import WordPressItem

# The last migrations before WordPressItem left `home`.
BEFORE_THE_MOVE = [("home", "0002_wordpress_import"), ("blog", "0008_reply_notice")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


@pytest.fixture
def database_before_the_move(transactional_db):
    """The schema and content types as they were before the move. Put back to the
    latest migrations at the end, whatever the test did."""
    old_apps = migrate(BEFORE_THE_MOVE)
    # As main's database has them: the model's content type named after `home`, with
    # its permissions. (This one was built at the latest state, and an earlier test
    # may have emptied its tables.)
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    OldPermission = old_apps.get_model("auth", "Permission")
    OldContentType.objects.filter(app_label="wordpress", model="wordpressitem").update(
        app_label="home"
    )
    old_type, _ = OldContentType.objects.get_or_create(app_label="home", model="wordpressitem")
    OldPermission.objects.get_or_create(
        content_type=old_type,
        codename="change_wordpressitem",
        defaults={"name": "Can change WordPress item"},
    )
    yield old_apps
    migrate_to_latest()


def test_items_recorded_before_the_move_are_read_through_the_new_model(
    database_before_the_move,
):
    old_apps = database_before_the_move
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    OldWordPressItem = old_apps.get_model("home", "WordPressItem")
    page_type, _ = OldContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    old_type = OldContentType.objects.get(app_label="home", model="wordpressitem")
    OldWordPressItem.objects.create(
        kind="post", wp_id="4", content_type=page_type, object_id=7, fingerprint="abc"
    )
    OldWordPressItem.objects.create(kind="tag", wp_id="12", content_type=page_type, object_id=8)

    migrate_to_latest()

    assert WordPressItem._meta.db_table == "wordpress_wordpressitem"
    item = WordPressItem.objects.get(kind="post", wp_id="4")
    assert (item.content_type.model, item.object_id, item.fingerprint) == ("page", 7, "abc")
    assert WordPressItem.objects.count() == 2
    # The same content type row, now the new model's, with its permissions.
    assert ContentType.objects.get_for_model(WordPressItem).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="home", model="wordpressitem").exists()
    assert Permission.objects.get(codename="change_wordpressitem").content_type_id == old_type.pk


def test_a_type_already_made_for_the_new_app_gives_way_to_the_old_one(
    database_before_the_move,
):
    # post_migrate can make the new app's type before the rename runs (a `migrate`
    # stopped after wordpress 0001): the old row, with its permissions, wins.
    old_apps = database_before_the_move
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    old_type = OldContentType.objects.get(app_label="home", model="wordpressitem")
    OldContentType.objects.create(app_label="wordpress", model="wordpressitem")

    migrate_to_latest()

    assert ContentType.objects.get_for_model(WordPressItem).pk == old_type.pk
    assert Permission.objects.get(codename="change_wordpressitem").content_type_id == old_type.pk
