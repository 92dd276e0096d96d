"""Visitor responses: the form, the spam rules, posting, and what the post page shows.

Built on django-comments-xtd's threaded XtdComment model and its signed form
(timestamp and security hash), with our own view so that every refusal gets a
clear page and the right status, and nothing a visitor sends reaches a 500.
"""

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.dispatch import Signal
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import XtdComment

from home.compiled_queries import CompiledQuery

from .form_markup import FormMarkupRenderer

# Sent with `post_pk` when a post's visible responses change (one published, approved,
# unapproved or removed): its page and the listings that count responses are then out
# of date (home/apps.py drops them from the page cache).
responses_changed = Signal()

HELD_COOKIE = "held_responses"
HELD_COOKIE_SALT = "blog.held-responses"
MUTE_SALT = "blog.mute-replies"
LINK_PATTERN = re.compile(r"https?://|www\.|<a\s", re.IGNORECASE)


class ResponseForm(XtdCommentForm):
    """The response form, in the post page's words. Email is required and never shown."""

    # The same markup as Django's widget templates, drawn faster (blog/form_markup.py).
    default_renderer = FormMarkupRenderer

    def __init__(self, target, *args, reply_to=None, **kwargs):
        super().__init__(target, *args, **kwargs)
        fields = self.fields
        fields["name"].label = "Name"
        fields["name"].widget = forms.TextInput(attrs={"autocomplete": "name", "maxlength": 50})
        fields["email"].label = "Email (required, never shown)"
        fields["email"].help_text = ""
        fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        fields["url"].label = "Website (optional)"
        fields["url"].widget = forms.URLInput(attrs={"autocomplete": "url"})
        fields["comment"].label = "Response"
        fields["comment"].widget = forms.Textarea(
            attrs={"rows": 8, "maxlength": settings.COMMENT_MAX_LENGTH}
        )
        fields["followup"].label = "Notify me of follow-up replies by email"
        fields["followup"].widget.attrs.pop("class", None)
        fields["honeypot"].label = "Leave this field empty"
        for name in ("name", "email", "url", "comment"):
            fields[name].widget.attrs.pop("class", None)
            fields[name].widget.attrs.pop("placeholder", None)
        if reply_to is not None:
            self.initial["reply_to"] = reply_to.pk

    def security_errors(self):
        # Tampered (hash, content type, id) or expired (timestamp) form data.
        return {
            name: self.errors[name]
            for name in ("content_type", "object_pk", "timestamp", "security_hash")
            if name in self.errors
        }

    def clean_reply_to(self):
        parent_id = self.cleaned_data["reply_to"]
        if not parent_id:
            return 0
        parent = (
            XtdComment.norel_objects.filter(
                pk=parent_id,
                content_type=ContentType.objects.get_for_model(self.target_object),
                object_pk=str(self.target_object.pk),
                is_public=True,
                is_removed=False,
            )
            .only("pk", "level")
            .first()
        )
        if parent is None:
            raise forms.ValidationError("That response is no longer here to reply to.")
        if parent.level >= settings.COMMENTS_XTD_MAX_THREAD_LEVEL:
            raise forms.ValidationError("Replies cannot nest any deeper here.")
        return parent_id


# What the post page shows of a response. Its rows come as named tuples of these
# (ResponseNode.comment), not XtdComment instances: a page of 50 threads is a hundred
# rows or more, and building models took 40% longer.
SHOWN_FIELDS = (
    "pk",
    "thread_id",
    "parent_id",
    "is_public",
    "level",
    "user_id",
    "user_name",
    "user_url",
    "comment",
    "submit_date",
)


@dataclass
class ResponseNode:
    comment: tuple  # a row of SHOWN_FIELDS
    number: int
    held: bool = False
    children: list = field(default_factory=list)


def post_responses(post):
    return responses_to(*response_target(post))


def response_target(post):
    """The content type id and object key that a post's responses are filed under."""
    return ContentType.objects.get_for_model(post).pk, str(post.pk)


def responses_to(content_type_id, object_pk):
    return XtdComment.norel_objects.filter(
        content_type_id=content_type_id, object_pk=object_pk, is_removed=False
    )


def responses_in_order(content_type_id, object_pk, held_ids=()):
    """A post's approved responses, and the visitor's own held ones, in reading order."""
    visible = responses_to(content_type_id, object_pk).filter(is_public=True)
    if held_ids:
        held = responses_to(content_type_id, object_pk).filter(pk__in=held_ids, is_public=False)
        visible = visible | held
    return visible.order_by("thread_id", "order")


# Each row of a post's first page also carries the totals of all its rows (window
# counts, taken before the LIMIT): the responses, the approved ones, the threads.
ROW_TOTALS = {
    "rows_in_all": Window(Count("pk")),
    "approved_in_all": Window(Count("pk", filter=Q(is_public=True))),
    "threads_in_all": Window(Count("pk", filter=Q(parent_id=F("pk")))),
}


def with_row_totals(in_order, limit):
    """The first `limit` rows of `in_order`, SHOWN_FIELDS and ROW_TOTALS."""
    return in_order.annotate(**ROW_TOTALS).values_list(*SHOWN_FIELDS, *ROW_TOTALS, named=True)[
        :limit
    ]


# The first page's rows when the visitor has no held responses: the query nearly every
# post page makes, compiled once (home/compiled_queries.py).
FIRST_PAGE_ROWS = CompiledQuery(
    lambda limit, content_type_id, object_pk: with_row_totals(
        responses_in_order(content_type_id, object_pk), limit
    )
)


@dataclass
class ResponsePage:
    """One page of a post's responses: `roots` (ResponseNodes, replies nested), the
    number of approved responses, and the page's place among `pages`."""

    roots: list
    count: int
    number: int
    pages: int
    by_pk: dict

    @property
    def numbers(self):
        return range(1, self.pages + 1)

    def node(self, pk):
        """The response shown on this page with this primary key (any text), or None."""
        return self.by_pk.get(int(pk)) if str(pk).isdigit() else None


def reading_order(rows):
    """Walk rows (pk, thread_id, parent_id, is_public) in reading order: the number of
    each response shown, the threads (their first responses' thread ids) in order, and
    the count of approved responses."""
    numbers, threads, count = {}, [], 0
    for row in rows:
        count += row.is_public
        if row.parent_id != row.pk and row.parent_id not in numbers:
            continue  # its parent is held or removed: a reply makes no sense alone
        numbers[row.pk] = len(numbers) + 1
        if row.parent_id == row.pk:
            threads.append(row.thread_id)
    return numbers, threads, count


def response_page(post, number=1, held_ids=()):
    """Page `number` of the post's responses in reading order: approved ones plus the
    visitor's own held ones, BLOG_RESPONSES_PER_PAGE threads a page (as WordPress
    breaks comments into pages), numbered across all pages.

    The first page, which nearly every reader sees, takes one query: the rows in
    reading order, up to four pages' worth, with the totals of all. They hold every
    response of most posts, or else the whole first page. Any other page (or a first
    page of threads too long for those rows) takes two: the light rows of all, to
    number them and cut pages, then the page's own rows."""
    per_page = settings.BLOG_RESPONSES_PER_PAGE
    target = response_target(post)
    in_order = None  # the queryset, built only when the compiled query will not do
    page_rows = None
    if number <= 1:
        if held_ids:
            in_order = responses_in_order(*target, held_ids)
            first_rows = list(with_row_totals(in_order, per_page * 4))
        else:
            first_rows = FIRST_PAGE_ROWS(*target, constants=(per_page * 4,))
        numbers, threads, count = reading_order(first_rows)
        thread_total = len(threads)
        if not first_rows or first_rows[0].rows_in_all == len(first_rows):
            page_rows = first_rows  # every response
        elif len(threads) > per_page:
            # The next page's first thread has begun, so the first page is whole.
            page_rows = first_rows
            count, thread_total = first_rows[0].approved_in_all, first_rows[0].threads_in_all
    if page_rows is None:
        if in_order is None:
            in_order = responses_in_order(*target, held_ids)
        light = in_order.values_list("pk", "thread_id", "parent_id", "is_public", named=True)
        numbers, threads, count = reading_order(light)
        thread_total = len(threads)
    pages = max(1, -(-thread_total // per_page))
    number = min(max(number, 1), pages)
    shown = threads[(number - 1) * per_page : number * per_page]
    if page_rows is None:
        shown_rows = in_order.filter(thread_id__in=shown)
        page_rows = shown_rows.values_list(*SHOWN_FIELDS, named=True) if shown else []
    shown = set(shown)
    nodes, roots = {}, []
    for comment in page_rows:
        if comment.pk not in numbers or comment.thread_id not in shown:
            continue
        node = ResponseNode(comment=comment, number=numbers[comment.pk], held=not comment.is_public)
        nodes[comment.pk] = node
        if comment.parent_id == comment.pk:
            roots.append(node)
        else:
            nodes[comment.parent_id].children.append(node)
    return ResponsePage(roots=roots, count=count, number=number, pages=pages, by_pk=nodes)


def response_page_numbers(responses):
    """{response pk: the page of its post it shows on}, for links to responses, with
    one query whatever the number of responses and posts."""
    responses = list(responses)
    if not responses:
        return {}
    threads = {}
    for object_pk, thread_id in (
        XtdComment.norel_objects.filter(
            content_type_id=responses[0].content_type_id,
            object_pk__in={response.object_pk for response in responses},
            is_public=True,
            is_removed=False,
            level=0,
        )
        .order_by("thread_id")
        .values_list("object_pk", "thread_id")
    ):
        threads.setdefault(object_pk, []).append(thread_id)
    per_page = settings.BLOG_RESPONSES_PER_PAGE
    return {
        response.pk: bisect_left(threads.get(response.object_pk, []), response.thread_id)
        // per_page
        + 1
        for response in responses
    }


def response_path(post_url, response, page_number):
    """The address of a response: its post's page of responses, and its anchor."""
    page = f"comment-page-{page_number}/" if page_number > 1 else ""
    return f"{post_url}{page}#comment-{response.pk}"


def response_url(post_url, response):
    return response_path(post_url, response, response_page_numbers([response])[response.pk])


def attach_response_counts(posts):
    """Set `response_count` on each post of a listing with one query."""
    posts = list(posts)
    if not posts:
        return posts
    counts = dict(
        XtdComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(posts[0]),
            object_pk__in=[str(post.pk) for post in posts],
            is_public=True,
            is_removed=False,
        )
        .values_list("object_pk")
        .annotate(count=Count("pk"))
        .values_list("object_pk", "count")
    )
    for post in posts:
        post.response_count = counts.get(str(post.pk), 0)
    return posts


def held_ids_from(request):
    """IDs of responses this browser posted that still wait for approval."""
    try:
        return signing.loads(
            request.COOKIES.get(HELD_COOKIE, ""), salt=HELD_COOKIE_SALT, max_age=30 * 86400
        )
    except (signing.BadSignature, ValueError):
        return []


# The spam rules ---------------------------------------------------------------


def client_ip(request):
    # REMOTE_ADDR only: behind a proxy, configure it to set REMOTE_ADDR (for
    # gunicorn, --forwarded-allow-ips); X-Forwarded-For is trivially forged.
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_wait(key, limits):
    """Seconds to wait before `key` (an IP, an address) may act again, or 0.

    `limits` is a list of (most actions, window in seconds). The counts live in
    the cache, shared by every app server when REDIS_URL is set.
    """
    now = timezone.now().timestamp()
    for limit, window in limits:
        stamps = [t for t in cache.get(f"rate:{key}:{window}", []) if t > now - window]
        if len(stamps) >= limit:
            return int(stamps[0] + window - now) + 1
    return 0


def record_hit(key, limits):
    now = timezone.now().timestamp()
    for _limit, window in limits:
        cache_key = f"rate:{key}:{window}"
        stamps = [t for t in cache.get(cache_key, []) if t > now - window]
        cache.set(cache_key, [*stamps, now], window)


def domains_in(text):
    return {urlsplit(url).hostname or "" for url in re.findall(r"https?://[^\s\"'<>]+", text)}


def hold_reasons(data, post, ip, rules):
    """Why a response must wait for an editor: an empty list publishes it at once."""
    reasons = []
    name, email, url, text = data["name"], data["email"], data["url"], data["comment"]
    approved_before = XtdComment.norel_objects.filter(
        user_name__iexact=name, user_email__iexact=email, is_public=True, is_removed=False
    ).exists()
    if not approved_before:
        reasons.append("first response from this name and email")
    if len(LINK_PATTERN.findall(text)) + (1 if url else 0) > rules.max_links:
        reasons.append(f"more than {rules.max_links} links")
    everything = " ".join((name, email, url, text, ip)).lower()
    if any(word in everything for word in rules.lines(rules.blocked_words)):
        reasons.append("a blocked word")
    if email.lower() in rules.lines(rules.blocked_emails):
        reasons.append("a blocked email address")
    if any(ip.startswith(blocked) for blocked in rules.lines(rules.blocked_ips)):
        reasons.append("a blocked IP address")
    hosts = {email.rpartition("@")[2].lower()} | domains_in(f"{url} {text}".lower())
    for domain in rules.lines(rules.blocked_domains):
        if any(host == domain or host.endswith("." + domain) for host in hosts):
            reasons.append("a blocked domain")
            break
    age = rules.hold_on_posts_older_than_days
    if age and post.date < timezone.localdate() - timedelta(days=age):
        reasons.append(f"the post is more than {age} days old")
    return reasons


def is_duplicate(post, data):
    return XtdComment.norel_objects.filter(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        user_email__iexact=data["email"],
        comment=data["comment"],
        is_removed=False,
    ).exists()


# Views -----------------------------------------------------------------------


def from_this_site(request):
    """Whether a browser sent this POST from one of this site's own pages.

    Browsers name the page's origin in an Origin header on every cross-site POST (and
    Sec-Fetch-Site on most), so a forged request always carries one of them with
    another site in it. A request with neither does not come from a browser acting for
    someone, which is what CSRF abuses."""
    origin = request.headers.get("Origin")
    if origin is not None:
        own = f"{request.scheme}://{request.get_host()}"
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    referer = request.headers.get("Referer")
    if referer:
        return urlsplit(referer).netloc == request.get_host()
    return True


def same_site_or_csrf(view):
    """CSRF protection for the forms on cached pages (responses, subscribing).

    Pages for visitors who are not signed in are cached and shared, so they carry no
    CSRF token (home/page_cache.py). Such a visitor's POST must come from this site's
    own pages (`from_this_site`): another site cannot make their browser post a
    response or a subscription. A signed-in user's pages are never cached and carry
    Django's token, which their POSTs must send as usual: a forged request would act
    with their account."""
    protected = csrf_protect(view)

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        if not from_this_site(request):
            return TemplateResponse(
                request,
                "blog/message.html",
                {
                    "title": "Form sent from another site",
                    "message": "This form can only be sent from this site's own pages. "
                    "Open the page on this site and send it from there.",
                },
                status=403,
            )
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)


def refuse(request, post, status, title, message, **extra):
    response = TemplateResponse(
        request,
        "blog/message.html",
        {"post": post, "title": title, "message": message},
        status=status,
    )
    for header, value in extra.items():
        response[header] = value
    return response


@same_site_or_csrf
@require_POST
def post_response(request):
    """Take a response to a post from the form under it."""
    from .models import BlogPostPage, CommentSettings

    object_pk = request.POST.get("object_pk", "")
    if not object_pk.isdigit():
        raise Http404("No such post.")
    # Only live posts that anyone may read take responses: a draft, a private
    # or a deleted post gives a 404 whatever the form says.
    post = get_object_or_404(BlogPostPage.objects.live().public(), pk=int(object_pk))
    rules = CommentSettings.load(request)
    if not post.accepts_responses(rules):
        return refuse(
            request, post, 403, "Responses are closed", "This post no longer takes responses."
        )

    ip = client_ip(request)
    wait = rate_limit_wait(f"responses:{ip}", settings.BLOG_COMMENT_RATE_LIMITS)
    if wait:
        return refuse(
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
        if form.security_errors():
            return refuse(
                request,
                post,
                400,
                "The form has expired",
                "The response form was too old or had been changed. Go back to the post, "
                "reload the page and send your response again.",
            )
        if "honeypot" in form.errors:
            return refuse(request, post, 400, "Response refused", "The response looked automated.")
        # Show the post again with the errors beside the fields and the text kept.
        request.response_form = form
        response = post.serve(request)
        response.status_code = 400
        return response

    data = form.cleaned_data
    if is_duplicate(post, data):
        return refuse(
            request, post, 409, "Already sent", "You have already sent this response to this post."
        )
    reasons = hold_reasons(data, post, ip, rules)
    comment = save_response(post, form, ip, reasons, request.user)
    record_hit(f"responses:{ip}", settings.BLOG_COMMENT_RATE_LIMITS)

    response = redirect(response_url(post.get_url(request), comment))
    if reasons:
        held = [*held_ids_from(request), comment.pk][-20:]
        response.set_cookie(
            HELD_COOKIE,
            signing.dumps(held, salt=HELD_COOKIE_SALT),
            max_age=30 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def save_response(post, form, ip, hold_reasons, user=None):
    from .notifications import response_held, response_published

    data = form.cleaned_data
    with transaction.atomic():
        # One response at a time per post: xtd renumbers a thread when a reply
        # lands inside it, and two replies at once would get the same place.
        type(post).objects.select_for_update().filter(pk=post.pk).exists()
        comment = XtdComment(
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
        comment.save()
        if hold_reasons:
            transaction.on_commit(lambda: response_held(comment, hold_reasons))
        else:
            transaction.on_commit(lambda: response_published(comment))
            responses_changed.send(sender=XtdComment, post_pk=post.pk)
    return comment


@require_GET
def mute_replies(request, token):
    """One click from a reply notification: no more emails about this post's replies."""
    from .models import BlogPostPage

    try:
        email, post_pk = signing.loads(token, salt=MUTE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
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
    post = BlogPostPage.objects.filter(pk=post_pk).first()
    XtdComment.norel_objects.filter(
        object_pk=str(post_pk), user_email__iexact=email, followup=True
    ).update(followup=False)
    return TemplateResponse(request, "blog/replies_muted.html", {"post": post})


def mute_token(email, post_pk):
    return signing.dumps([email.lower(), post_pk], salt=MUTE_SALT)
