"""Moderators approve, unapprove, remove and answer visitor responses in the Wagtail admin."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from tests.builders import make_author, make_post
from tests.responses import make_response

INDEX = "/admin/comments/"
# Session, user, its two permission lookups, profile; the paginator's COUNT, the
# page of responses, their posts' titles (one query); the locale and three for
# the sidebar; the menu's pending COUNT.
LIST_QUERIES = 13
XSS_NAME = '"><img src=x onerror=alert(1)>'
XSS_TEXT = "<script>alert(1)</script>"
XSS_URL = "javascript:alert(1)"


def respond(
    post,
    text="Nice post.",
    name="Visitor",
    email="visitor@example.com",
    parent=None,
    public=True,
    removed=False,
    followup=False,
    url="",
    user=None,
    minutes_ago=0,
):
    return make_response(
        post,
        name=name,
        email=email,
        comment=text,
        user=user,
        user_url=url,
        submit_date=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        ip_address="203.0.113.7",
        is_public=public,
        is_removed=removed,
        parent_id=parent.pk if parent else 0,
        followup=followup,
    )


def reload(comment):
    return XtdComment.norel_objects.get(pk=comment.pk)


def bulk_url(action, *comments, query=""):
    url = reverse("wagtail_bulk_action", args=("django_comments_xtd", "xtdcomment", action))
    ids = "&".join(f"id={comment.pk}" for comment in comments)
    return f"{url}?{ids}{query}"


def user_in(group_name, username):
    user = make_author(username, username.title(), "Tester")
    user.email = f"{username}@example.com"
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def moderator(db):
    # Wagtail's "Moderators" group holds "Can moderate comments" (migration 0004).
    return user_in("Moderators", "mona")


@pytest.fixture
def author(db):
    user = make_author("ben", "Ben", "Young")
    user.email = "ben@example.com"
    user.save()
    return user


@pytest.fixture
def post(site_tree, author):
    return make_post(site_tree.blog, "Micro experts", author=author, date=datetime.date.today())


@pytest.fixture
def admin_client(client, moderator):
    client.force_login(moderator)
    return client


# The menu and who sees it ------------------------------------------------------


def test_menu_item_shows_the_pending_count_to_moderators(admin_client, post):
    for n in range(3):
        respond(post, f"Held {n}", public=False)
    respond(post, "Approved")
    respond(post, "Removed", removed=True)

    page = admin_client.get("/admin/").content.decode()
    assert '"Comments (3)"' in page
    assert INDEX in page


def test_menu_item_has_no_count_when_nothing_waits(admin_client, post):
    respond(post, "Approved")
    page = admin_client.get("/admin/").content.decode()
    assert '"Comments"' in page
    assert '"Comments (' not in page


def test_dashboard_counts_responses_awaiting_moderation(admin_client, post):
    respond(post, "Held one", public=False)
    respond(post, "Held two", public=False)
    page = admin_client.get("/admin/").content.decode()
    assert "2 responses awaiting moderation" in page
    assert f'href="{INDEX}?status=pending"' in page


def test_editors_without_the_permission_see_nothing_and_are_turned_away(client, post):
    editor = user_in("Editors", "eddie")
    client.force_login(editor)
    held = respond(post, "Held", public=False)

    home = client.get("/admin/").content.decode()
    assert INDEX not in home
    assert "awaiting moderation" not in home

    for url in (INDEX, reverse("blog_responses:edit", args=[held.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")

    response = client.post(bulk_url("approve", held))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(reverse("blog_responses:edit", args=[held.pk]), {"action": "approve"})
    assert response.status_code == 302
    assert not reload(held).is_public


def test_admins_can_grant_the_permission_on_the_group_screen(client, db):
    admin = make_author("root", "Root", "Admin")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    editors = Group.objects.get(name="Editors")
    page = client.get(reverse("wagtailusers_groups:edit", args=[editors.pk])).content.decode()
    assert "Can moderate comments" in page


# The list -----------------------------------------------------------------------


def test_list_filters_by_status(admin_client, post):
    respond(post, "Pending text", name="Penny", public=False)
    respond(post, "Approved text", name="Abe")
    respond(post, "Removed text", name="Remy", removed=True)

    def names(query):
        page = admin_client.get(INDEX + query).content.decode()
        return {name for name in ("Penny", "Abe", "Remy") if f">{name}<" in page}

    assert names("") == {"Penny", "Abe", "Remy"}
    assert names("?status=pending") == {"Penny"}
    assert names("?status=approved") == {"Abe"}
    assert names("?status=removed") == {"Remy"}


def test_list_searches_name_email_and_text(admin_client, post):
    respond(post, "About gardening", name="Gina", email="gina@plants.example")
    respond(post, "About engines", name="Ed", email="ed@motors.example")

    def names(q):
        page = admin_client.get(INDEX, {"q": q}).content.decode()
        return {name for name in ("Gina", "Ed") if f">{name}<" in page}

    assert names("gina") == {"Gina"}
    assert names("motors.example") == {"Ed"}
    assert names("gardening") == {"Gina"}
    assert names("about") == {"Gina", "Ed"}


def test_list_shows_newest_first_with_the_post_and_status(admin_client, post):
    respond(post, "Older words", name="Olive", minutes_ago=60)
    respond(post, "Newer words", name="Nora", public=False)

    page = admin_client.get(INDEX).content.decode()
    assert page.index("Nora") < page.index("Olive")
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[post.pk])}">Micro experts</a>' in page
    assert "Older words" in page
    assert re.search(r'class="w-status">\s*Pending\s*<', page)
    assert re.search(r'class="w-status w-status--primary">\s*Approved\s*<', page)


def test_list_query_count_does_not_grow_with_responses(
    admin_client, post, author, django_assert_num_queries
):
    def add(count):
        for n in range(count):
            # Every third one is by a signed-in user, whose name xtd would fetch.
            respond(post, f"Words {n}", public=n % 2 == 0, user=author if n % 3 == 0 else None)

    def rows_listed():
        admin_client.get(INDEX)  # warm per-process caches (content types, sites)
        with django_assert_num_queries(LIST_QUERIES):
            response = admin_client.get(INDEX)
        assert response.status_code == 200
        return response.content.decode().count("data-object-id=")

    add(5)
    assert rows_listed() == 5
    add(45)
    assert rows_listed() == 50


# Bulk actions -------------------------------------------------------------------


def test_bulk_approve_confirms_then_approves(admin_client, post):
    held = [respond(post, f"Held {n}", name=f"Held{n}", public=False) for n in range(2)]
    removed = respond(post, "Removed", removed=True)

    confirm = admin_client.get(bulk_url("approve", *held, removed))
    assert confirm.status_code == 200
    assert "Approve these 3 responses?" in confirm.content.decode()

    response = admin_client.post(bulk_url("approve", *held, removed, query="&next=/admin/"))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    for comment in (*held, removed):
        comment = reload(comment)
        assert comment.is_public and not comment.is_removed


def test_bulk_unapprove_and_remove(admin_client, post):
    first, second = respond(post, "One"), respond(post, "Two")

    response = admin_client.post(bulk_url("unapprove", first))
    assert response["Location"] == INDEX  # without ?next=, back to the list
    assert not reload(first).is_public and reload(second).is_public

    admin_client.post(bulk_url("remove", first, second))
    for comment in (first, second):
        comment = reload(comment)  # soft removal: the row stays
        assert comment.is_removed


def test_bulk_approve_all_in_listing_keeps_the_filter(admin_client, post):
    held = respond(post, "Held", public=False)
    removed = respond(post, "Removed", public=False, removed=True)
    url = reverse("wagtail_bulk_action", args=("django_comments_xtd", "xtdcomment", "approve"))
    admin_client.post(f"{url}?status=pending&id=all")
    assert reload(held).is_public
    assert reload(removed).is_removed


def test_approving_a_held_reply_emails_the_follower(
    admin_client, post, django_capture_on_commit_callbacks
):
    top = respond(post, "First!", name="Fay", email="fay@example.com", followup=True)
    reply = respond(post, "A reply", name="Rex", email="rex@example.com", parent=top, public=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(bulk_url("approve", reply))

    assert reload(reply).is_public
    assert [message.to for message in mail.outbox] == [["fay@example.com"]]
    assert "A reply" in mail.outbox[0].body

    # Nothing more is sent for a response that was already visible.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(bulk_url("approve", reply))
    assert mail.outbox == []


def test_followers_hear_of_a_reply_once_however_often_it_is_hidden_and_shown(
    admin_client, post, django_capture_on_commit_callbacks
):
    top = respond(post, "First!", name="Fay", email="fay@example.com", followup=True)
    reply = respond(post, "A reply", name="Rex", email="rex@example.com", parent=top, public=False)
    mail.outbox.clear()
    for action in ("approve", "unapprove", "approve", "remove", "approve"):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(bulk_url(action, reply))
    assert reload(reply).is_public and not reload(reply).is_removed
    assert [message.to for message in mail.outbox] == [["fay@example.com"]]


def test_hiding_a_response_hides_its_replies_and_approving_publishes_only_what_was_chosen(
    admin_client, post
):
    top = respond(post, "Top")
    approved_reply = respond(post, "Approved reply", parent=top)
    held_reply = respond(post, "Spam reply", parent=top, public=False)

    admin_client.post(bulk_url("unapprove", top))
    assert not reload(approved_reply).is_public  # xtd's cascade on save()

    admin_client.post(bulk_url("approve", top))
    assert reload(top).is_public
    # Approving the response does not publish the held spam under it.
    assert not reload(held_reply).is_public
    assert not reload(approved_reply).is_public


def test_a_reply_is_not_approved_while_its_parent_is_hidden(admin_client, post):
    top = respond(post, "Top", public=False)
    reply = respond(post, "Reply", parent=top, public=False)

    response = admin_client.post(bulk_url("approve", reply), follow=True)
    assert not reload(reply).is_public
    assert "Approve that response first" in response.content.decode()

    # Chosen together, the parent goes first and both are published.
    admin_client.post(bulk_url("approve", reply, top))
    assert reload(top).is_public and reload(reply).is_public


# One response -------------------------------------------------------------------


def test_response_page_shows_everything_a_moderator_needs(admin_client, post):
    top = respond(post, "The parent says hi", name="Parent Pat")
    reply = respond(
        post,
        "Line one\nLine two",
        name="Rita",
        email="rita@example.com",
        url="https://rita.example/",
        parent=top,
        public=False,
    )
    page = admin_client.get(reverse("blog_responses:edit", args=[reply.pk])).content.decode()
    assert "Rita" in page and "rita@example.com" in page
    assert 'href="https://rita.example/" rel="nofollow noopener noreferrer"' in page
    assert "203.0.113.7" in page
    assert "Line one<br>Line two" in page
    assert reverse("wagtailadmin_pages:edit", args=[post.pk]) in page
    assert f'href="{post.url}#comment-{reply.pk}"' in page
    assert reverse("blog_responses:edit", args=[top.pk]) in page and "Parent Pat" in page
    assert 'value="approve"' in page and 'value="remove"' in page
    assert 'value="unapprove"' not in page and 'value="restore"' not in page
    assert "Approve and reply" in page


@pytest.mark.parametrize(
    "action, before, after",
    [
        ("approve", {"public": False}, (True, False)),
        ("unapprove", {}, (False, False)),
        ("remove", {}, (True, True)),
        ("restore", {"removed": True}, (True, False)),
    ],
)
def test_single_actions_on_the_response_page(admin_client, post, action, before, after):
    comment = respond(post, "Words", **before)
    url = reverse("blog_responses:edit", args=[comment.pk])
    assert f'value="{action}"' in admin_client.get(url).content.decode()

    response = admin_client.post(url, {"action": action})
    assert response.status_code == 302
    comment = reload(comment)
    assert (comment.is_public, comment.is_removed) == after


def test_admin_reply_speaks_as_the_post_author_and_shows_on_the_post(
    admin_client, post, author, django_capture_on_commit_callbacks
):
    top = respond(post, "Great post", name="Fay", email="fay@example.com", followup=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("blog_responses:edit", args=[top.pk]),
            {"action": "reply", "comment": "Thanks, Fay!"},
        )
    assert response.status_code == 302

    reply = XtdComment.norel_objects.get(comment="Thanks, Fay!")
    assert reply.parent_id == top.pk and reply.thread_id == top.pk and reply.level == 1
    assert reply.user_id == author.pk
    assert (reply.user_name, reply.user_email) == ("Ben Young", "ben@example.com")
    assert reply.is_public and not reply.is_removed and not reply.followup
    # The follower hears about the author's reply.
    assert [message.to for message in mail.outbox] == [["fay@example.com"]]

    page = admin_client.get(post.url).content.decode()
    assert page.index("Great post") < page.index("Thanks, Fay!")


def test_admin_reply_to_a_held_response_approves_it(admin_client, post):
    held = respond(post, "Held words", public=False)
    admin_client.post(
        reverse("blog_responses:edit", args=[held.pk]), {"action": "reply", "comment": "Welcome"}
    )
    assert reload(held).is_public
    assert XtdComment.norel_objects.get(comment="Welcome").parent_id == held.pk


def test_admin_reply_at_the_deepest_level_joins_the_parent_thread(admin_client, post, settings):
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 1
    top = respond(post, "Top")
    deepest = respond(post, "Deepest", parent=top)

    page = admin_client.get(reverse("blog_responses:edit", args=[deepest.pk])).content.decode()
    assert "will be added to the thread under" in page
    admin_client.post(
        reverse("blog_responses:edit", args=[deepest.pk]), {"action": "reply", "comment": "Reply"}
    )
    reply = XtdComment.norel_objects.get(comment="Reply")
    assert reply.parent_id == top.pk and reply.level == 1


def test_admin_reply_by_a_post_without_author_uses_the_moderator(
    admin_client, site_tree, moderator
):
    post = make_post(site_tree.blog, "Anonymous post", date=datetime.date.today())
    top = respond(post, "Hello")
    admin_client.post(
        reverse("blog_responses:edit", args=[top.pk]), {"action": "reply", "comment": "Hi back"}
    )
    reply = XtdComment.norel_objects.get(comment="Hi back")
    assert reply.user_id == moderator.pk
    assert (reply.user_name, reply.user_email) == ("Mona Tester", "mona@example.com")


def test_an_empty_reply_is_refused_with_the_error(admin_client, post):
    top = respond(post, "Hello")
    response = admin_client.post(
        reverse("blog_responses:edit", args=[top.pk]), {"action": "reply", "comment": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert XtdComment.norel_objects.count() == 1


def test_removed_responses_take_no_reply(admin_client, post):
    removed = respond(post, "Gone", removed=True)
    url = reverse("blog_responses:edit", args=[removed.pk])
    assert 'value="reply"' not in admin_client.get(url).content.decode()
    admin_client.post(url, {"action": "reply", "comment": "Hello?"})
    assert not XtdComment.norel_objects.filter(comment="Hello?").exists()


# Escaping -----------------------------------------------------------------------


def test_what_visitors_wrote_is_inert_in_the_list_and_on_the_response_page(admin_client, post):
    comment = respond(post, XSS_TEXT, name=XSS_NAME, url=XSS_URL, public=False)

    for url in (INDEX, reverse("blog_responses:edit", args=[comment.pk])):
        page = admin_client.get(url).content.decode()
        assert XSS_TEXT not in page
        assert XSS_NAME not in page
        assert "<img src=x" not in page
        assert 'href="javascript:' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert html.escape(XSS_NAME) in page

    page = admin_client.get(reverse("blog_responses:edit", args=[comment.pk])).content.decode()
    assert "javascript:alert(1) <span" in page  # shown as text, not linked
