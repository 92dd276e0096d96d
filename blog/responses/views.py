"""Posting a response from the form under a post, and muting reply notifications."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django_comments_xtd.models import XtdComment

from pagecache.same_origin import same_origin_or_csrf

from .. import rate_limits
from ..tokens import muted_email_and_post
from .forms import ResponseForm
from .held import remember_held
from .models import CommentSettings
from .saving import save_response
from .spam import hold_reasons, is_duplicate
from .threads import post_model, response_url


def refusal(request, post, status, title, message, **headers):
    """A page saying why the response was not taken, with `status` and `headers`."""
    page = TemplateResponse(
        request,
        "blog/message.html",
        {"post": post, "title": title, "message": message},
        status=status,
    )
    for header, value in headers.items():
        page[header] = value
    return page


@same_origin_or_csrf
@require_POST
def post_response(request):
    """Take a response to a post from the form under it."""
    object_pk = request.POST.get("object_pk", "")
    if not object_pk.isdigit():
        raise Http404("No such post.")
    # Only live posts that anyone may read take responses: a draft, a private or a
    # deleted post gives a 404 whatever the form says.
    post = get_object_or_404(post_model().objects.live().public(), pk=int(object_pk))
    rules = CommentSettings.load(request)
    if not post.accepts_responses(rules):
        return refusal(
            request, post, 403, "Responses are closed", "This post no longer takes responses."
        )

    ip = rate_limits.client_ip(request)
    limiter = f"responses:{ip}"
    wait = rate_limits.take(limiter, settings.BLOG_COMMENT_RATE_LIMITS)
    if wait:
        return refusal(
            request,
            post,
            429,
            "Please slow down",
            f"Responses from your address are limited to keep out spam. "
            f"Please wait {wait} seconds, then send your response again.",
            **{"Retry-After": str(wait)},
        )

    form = ResponseForm(post, data=request.POST)
    if not form.is_valid():
        rate_limits.give_back(limiter, settings.BLOG_COMMENT_RATE_LIMITS)
        if form.security_errors():
            return refusal(
                request,
                post,
                400,
                "The form has expired",
                "The response form was too old or had been changed. Go back to the post, "
                "reload the page and send your response again.",
            )
        if "honeypot" in form.errors:
            return refusal(request, post, 400, "Response refused", "The response looked automated.")
        # Show the post again with the errors beside the fields and the text kept.
        request.response_form = form
        page = post.serve(request)
        page.status_code = 400
        return page

    data = form.cleaned_data
    if is_duplicate(post, data):
        rate_limits.give_back(limiter, settings.BLOG_COMMENT_RATE_LIMITS)
        return refusal(
            request, post, 409, "Already sent", "You have already sent this response to this post."
        )
    reasons = hold_reasons(data, post, ip, rules)
    response = save_response(post, form, ip, reasons, request.user)

    page = redirect(response_url(post.get_url(request), response))
    if reasons:
        remember_held(request, page, response.pk)
    return page


@require_GET
def mute_replies(request, token):
    """One click from a reply notification: no more emails about this post's replies."""
    muted = muted_email_and_post(token)
    if muted is None:
        return TemplateResponse(
            request,
            "blog/message.html",
            {
                "title": "That link does not work",
                "message": "The link is incomplete or has been changed. Copy the whole link "
                "from the email and try again.",
            },
            status=400,
        )
    email, post_pk = muted
    post = post_model().objects.filter(pk=post_pk).first()
    XtdComment.norel_objects.filter(
        object_pk=str(post_pk), user_email__iexact=email, followup=True
    ).update(followup=False)
    return TemplateResponse(request, "blog/replies_muted.html", {"post": post})
