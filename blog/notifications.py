"""Every email the site sends, sent by the background worker (django-tasks), never in a
request: moderation notices, reply notifications, subscription confirmations and new posts.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from django_tasks import task

from .models import BlogPostPage, PostEmail, ReplyNotice, Subscriber
from .responses.threads import response_url
from .tokens import confirm_token, mute_token, unsubscribe_token


def site_url(path):
    """An absolute link for an email, on the site's public address."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def build(subject, template, context, to, headers=None):
    """A plain-text email with an HTML alternative, from blog/email/<template>.txt/.html."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"blog/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"blog/email/{template}.html", context), "text/html"
    )
    return message


def send(subject, template, context, to, headers=None):
    build(subject, template, context, to, headers).send()


def moderators():
    """Active users who may moderate responses and have an email address."""
    permission = Q(user_permissions__codename="can_moderate") | Q(
        groups__permissions__codename="can_moderate"
    )
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(permission | Q(is_superuser=True)).distinct()


@task()
def notify_moderators(response_id, reasons):
    response = XtdComment.norel_objects.filter(pk=response_id, is_public=False).first()
    if response is None:  # approved or removed before the worker got here
        return 0
    post = response.content_object
    recipients = sorted({user.email for user in moderators()})
    if not recipients or post is None:
        return 0
    context = {
        "response": response,
        "post": post,
        "post_url": site_url(post.get_url()),
        "reasons": reasons,
        "moderate_url": site_url(reverse("blog_responses:edit", args=[response.pk])),
        "pending_url": site_url(reverse("blog_responses:index") + "?status=pending"),
    }
    send(
        f"Response awaiting moderation on “{post.title}”",
        "response_held",
        context,
        recipients,
    )
    return len(recipients)


@task()
def notify_followers(response_id):
    """Email everyone in the thread who asked for follow-up replies (not the replier)."""
    response = XtdComment.norel_objects.filter(pk=response_id, is_public=True).first()
    if response is None or response.parent_id == response.pk:
        return 0
    post = response.content_object
    if post is None:
        return 0
    _notice, first_time = ReplyNotice.objects.get_or_create(response_id=response.pk)
    if not first_time:
        return 0  # shown before, hidden, and shown again: its followers already know
    followers = XtdComment.norel_objects.filter(
        thread_id=response.thread_id, followup=True, is_public=True, is_removed=False
    ).exclude(user_email__iexact=response.user_email)
    sent = 0
    for email in sorted({c.user_email.lower() for c in followers}):
        mute_url = site_url(reverse("blog_mute_replies", args=[mute_token(email, post.pk)]))
        context = {
            "response": response,
            "post": post,
            "reply_url": site_url(response_url(post.get_url(), response)),
            "mute_url": mute_url,
        }
        send(
            f"New reply on “{post.title}”",
            "reply_notification",
            context,
            [email],
            headers={"List-Unsubscribe": f"<{mute_url}>"},
        )
        sent += 1
    return sent


def response_held(response, reasons):
    notify_moderators.enqueue(response.pk, list(reasons))


def response_published(response):
    """Call whenever a response becomes visible: posted by a known commenter or approved."""
    if response.parent_id and response.parent_id != response.pk:
        notify_followers.enqueue(response.pk)


# Subscriptions ------------------------------------------------------------------

BATCH_SIZE = 100


def unsubscribe_headers(email):
    url = site_url(reverse("blog_unsubscribe", args=[unsubscribe_token(email)]))
    return url, {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@task()
def send_confirmation(email):
    if Subscriber.objects.filter(email=email, status=Subscriber.CONFIRMED).exists():
        return 0
    unsubscribe_url, headers = unsubscribe_headers(email)
    context = {
        "confirm_url": site_url(reverse("blog_subscribe_confirm", args=[confirm_token(email)])),
        "days": settings.BLOG_SUBSCRIBE_CONFIRM_DAYS,
        "unsubscribe_url": unsubscribe_url,
    }
    send("Confirm your subscription", "subscribe_confirm", context, [email], headers=headers)
    return 1


@task()
def email_new_post(post_id):
    """Split the confirmed subscribers into batches, each sent by its own task."""
    post = BlogPostPage.objects.live().public().filter(pk=post_id).first()
    if post is None:
        return 0
    ids = list(
        Subscriber.objects.filter(status=Subscriber.CONFIRMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # All batches or none: a crash half-way must not leave some subscribers out.
    with transaction.atomic():
        PostEmail.objects.filter(post_id=post_id).update(recipients=len(ids))
        for start in range(0, len(ids), BATCH_SIZE):
            email_post_batch.enqueue(post_id, ids[start : start + BATCH_SIZE])
    return len(ids)


@task()
def email_post_batch(post_id, subscriber_ids):
    """One email each, over one SMTP connection; subscribers who left meanwhile are skipped."""
    post = BlogPostPage.objects.filter(pk=post_id).select_related("author").first()
    if post is None:
        return 0
    post_url = site_url(post.get_url())
    subscribers = Subscriber.objects.filter(pk__in=subscriber_ids, status=Subscriber.CONFIRMED)
    messages = []
    for subscriber in subscribers:
        unsubscribe_url, headers = unsubscribe_headers(subscriber.email)
        context = {"post": post, "post_url": post_url, "unsubscribe_url": unsubscribe_url}
        messages.append(
            build("New post: " + post.title, "new_post", context, [subscriber.email], headers)
        )
    with get_connection() as connection:
        sent = connection.send_messages(messages) or 0
    PostEmail.objects.filter(post_id=post_id).update(sent=F("sent") + sent)
    return sent
