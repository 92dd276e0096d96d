from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from .signals import response_held, response_shown, responses_changed


def save_response(post, form, ip, hold_reasons, user=None):
    """Store the response in a valid `form` to `post`: published at once when there is no
    reason to hold it, else held for moderation. Moderators, or the thread's followers,
    hear of it once the transaction commits."""
    data = form.cleaned_data
    with transaction.atomic():
        # One response at a time per post: xtd renumbers a thread when a reply lands
        # inside it, and two replies at once would get the same place.
        type(post).objects.select_for_update().filter(pk=post.pk).exists()
        response = XtdComment(
            content_type=ContentType.objects.get_for_model(post),
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            user=user if user and user.is_authenticated else None,
            user_name=data["name"],
            user_email=data["email"],
            user_url=data["url"],
            comment=data["comment"],
            submit_date=timezone.now(),
            ip_address=ip or None,
            is_public=not hold_reasons,
            is_removed=False,
            parent_id=data["reply_to"],
            followup=data["followup"],
        )
        response.save()
        if hold_reasons:
            transaction.on_commit(
                lambda: response_held.send(XtdComment, response=response, reasons=hold_reasons)
            )
        else:
            transaction.on_commit(lambda: response_shown.send(XtdComment, response=response))
            responses_changed.send(sender=XtdComment, post_pk=post.pk)
    return response
