"""Email subscriptions: double opt-in, one-click unsubscribe, and new posts by email.

A visitor types an address; the site mails it a signed, expiring link; only a
click on that link makes the subscription real. The page says the same thing
whether the address was known or not, and rate limits per IP and per address
keep anyone from making the site mail a stranger more than once in a while.
"""

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pagecache.same_origin import same_origin_or_csrf

from . import rate_limits
from .models import Subscriber
from .notifications import send_confirmation
from .tokens import confirmed_email, unsubscribe_token, unsubscribed_email


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )
    # Left empty by people; bots fill it.
    website = forms.CharField(required=False, label="Leave this field empty")


def message(request, title, text, status=200, **headers):
    page = TemplateResponse(
        request, "blog/message.html", {"title": title, "message": text}, status=status
    )
    for header, value in headers.items():
        page[header] = value
    return page


@same_origin_or_csrf
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The /subscribe/ page, and the target of the footer's short form."""
    if request.method == "GET":
        return TemplateResponse(request, "blog/subscribe.html", {"form": SubscribeForm()})

    form = SubscribeForm(request.POST)
    if not form.is_valid():
        status = 400
        return TemplateResponse(request, "blog/subscribe.html", {"form": form}, status=status)
    if form.cleaned_data["website"]:
        return message(request, "Subscription refused", "The form looked automated.", 400)

    email = form.cleaned_data["email"].strip().lower()
    ip = rate_limits.client_ip(request)
    limits = [
        (f"subscribe-ip:{ip}", settings.BLOG_SUBSCRIBE_IP_LIMITS),
        (f"subscribe-email:{email}", settings.BLOG_SUBSCRIBE_ADDRESS_LIMITS),
    ]
    for taken, (key, key_limits) in enumerate(limits):
        wait = rate_limits.take(key, key_limits)
        if wait:
            for earlier_key, earlier_limits in limits[:taken]:
                rate_limits.give_back(earlier_key, earlier_limits)
            minutes = max(1, round(wait / 60))
            return message(
                request,
                "Please try again later",
                "To protect people from unwanted email, the site sends confirmation links "
                f"only now and then. Please try again in about {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                429,
                **{"Retry-After": str(wait)},
            )
    request_confirmation(email)
    # The same words whatever the address's state, so the page tells nobody
    # who is subscribed.
    return TemplateResponse(request, "blog/subscribe_sent.html", {"email": email})


def request_confirmation(email):
    """Mail a confirmation link unless the address is already confirmed."""
    subscriber = get_or_create_subscriber(email)
    if subscriber.status == Subscriber.CONFIRMED:
        return
    transaction.on_commit(lambda: send_confirmation.enqueue(email))


def get_or_create_subscriber(email):
    """The subscriber for an address; two requests at once for a new one both get it."""
    try:
        with transaction.atomic():
            return Subscriber.objects.get_or_create(email=email)[0]
    except IntegrityError:
        return Subscriber.objects.get(email=email)


@require_http_methods(["GET"])
def confirm(request, token):
    max_age = settings.BLOG_SUBSCRIBE_CONFIRM_DAYS * 86400
    try:
        email = confirmed_email(token, max_age)
    except signing.SignatureExpired:
        return message(
            request,
            "That link has expired",
            "Confirmation links work for "
            f"{settings.BLOG_SUBSCRIBE_CONFIRM_DAYS} days. Subscribe again to get a new one.",
            400,
        )
    except signing.BadSignature:
        return message(
            request,
            "That link does not work",
            "The link is incomplete or has been changed. Copy the whole link from the "
            "email, or subscribe again.",
            400,
        )
    subscriber = get_or_create_subscriber(email)
    already = subscriber.status == Subscriber.CONFIRMED
    if not already:
        subscriber.status = Subscriber.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return TemplateResponse(
        request,
        "blog/subscribe_confirmed.html",
        {"email": email, "already": already, "unsubscribe_token": unsubscribe_token(email)},
    )


# Mail clients post here without a CSRF token (RFC 8058 one-click); the signed
# token in the address is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        email = unsubscribed_email(token)
    except signing.BadSignature:
        return message(
            request,
            "That link does not work",
            "The link is incomplete or has been changed. Copy the whole link from the email.",
            400,
        )
    if request.method == "GET":
        return TemplateResponse(request, "blog/unsubscribe.html", {"email": email})
    Subscriber.objects.filter(email=email).exclude(status=Subscriber.UNSUBSCRIBED).update(
        status=Subscriber.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    return message(
        request,
        "You are unsubscribed",
        f"{email} will get no more emails from this blog. You can subscribe again at any time.",
    )
