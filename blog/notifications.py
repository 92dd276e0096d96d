"""Emails about responses, sent by the background worker (django-tasks), never in a request."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from django_tasks import task


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send(subject, template, context, to, headers=None):
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
    message.send()


def moderators():
    """Active users who may moderate responses and have an email address."""
    permission = Q(user_permissions__codename="can_moderate") | Q(
        groups__permissions__codename="can_moderate"
    )
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(permission | Q(is_superuser=True)).distinct()


@task()
def notify_moderators(comment_id, reasons):
    comment = XtdComment.norel_objects.filter(pk=comment_id, is_public=False).first()
    if comment is None:  # approved or removed before the worker got here
        return 0
    post = comment.content_object
    recipients = sorted({user.email for user in moderators()})
    if not recipients or post is None:
        return 0
    context = {
        "comment": comment,
        "post": post,
        "post_url": post.get_full_url(),
        "reasons": reasons,
        "moderate_url": absolute(reverse("blog_responses:edit", args=[comment.pk])),
        "pending_url": absolute(reverse("blog_responses:index") + "?status=pending"),
    }
    send(
        f"Response awaiting moderation on “{post.title}”",
        "response_held",
        context,
        recipients,
    )
    return len(recipients)


@task()
def notify_followers(comment_id):
    """Email everyone in the thread who asked for follow-up replies (not the replier)."""
    from .comments import mute_token

    comment = XtdComment.norel_objects.filter(pk=comment_id, is_public=True).first()
    if comment is None or comment.parent_id == comment.pk:
        return 0
    post = comment.content_object
    if post is None:
        return 0
    followers = XtdComment.norel_objects.filter(
        thread_id=comment.thread_id, followup=True, is_public=True, is_removed=False
    ).exclude(user_email__iexact=comment.user_email)
    sent = 0
    for email in sorted({c.user_email.lower() for c in followers}):
        mute_url = absolute(reverse("blog_mute_replies", args=[mute_token(email, post.pk)]))
        context = {
            "comment": comment,
            "post": post,
            "reply_url": f"{post.get_full_url()}#comment-{comment.pk}",
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


def response_held(comment, reasons):
    notify_moderators.enqueue(comment.pk, list(reasons))


def response_published(comment):
    """Call whenever a response becomes visible: posted by a known commenter or approved."""
    if comment.parent_id and comment.parent_id != comment.pk:
        notify_followers.enqueue(comment.pk)
