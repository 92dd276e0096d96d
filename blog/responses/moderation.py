"""Moderating visitor responses in the Wagtail admin: the list, one response, the actions.

Who may: holders of django_comments' "Can moderate comments" permission
(Wagtail's Moderators group, by migration 0004) and superusers. The viewset,
menu item and bulk actions that use these views live in blog/wagtail_hooks.py.
"""

from email.utils import parseaddr
from functools import partial
from urllib.parse import urlsplit

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.views.generic import TemplateView
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from ..rate_limits import client_ip
from .saving import save_response
from .signals import response_shown, responses_changed
from .threads import post_model, response_url

SEARCH_FIELDS = ["user_name", "user_email", "comment"]
STATUS_LABELS = {"pending": "Pending", "approved": "Approved", "removed": "Removed"}
STATUS_FILTERS = {
    "pending": Q(is_public=False, is_removed=False),
    "approved": Q(is_public=True, is_removed=False),
    "removed": Q(is_removed=True),
}
ACTIONS = ("approve", "unapprove", "remove", "restore")
# The buttons on a response's page, by its status.
AVAILABLE_ACTIONS = {
    "pending": ["approve", "remove"],
    "approved": ["unapprove", "remove"],
    "removed": ["restore"],
}


class ModerationPermissionPolicy(ModelPermissionPolicy):
    """Every action on responses needs django_comments' "can_moderate".

    Nobody adds responses here (they come from visitors or the Reply form) and
    nobody deletes them: removal is soft, as in django_comments.
    """

    NEVER = frozenset({"add", "delete"})

    def __init__(self):
        super().__init__(XtdComment, auth_model=Comment)

    def _get_permission_codename(self, action):
        return "can_moderate"

    def user_has_permission(self, user, action):
        return action not in self.NEVER and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        if not set(actions) - self.NEVER:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["moderate"])


def status_of(response):
    if response.is_removed:
        return "removed"
    return "approved" if response.is_public else "pending"


def is_visible(response):
    return response.is_public and not response.is_removed


def pending_count():
    return XtdComment.norel_objects.filter(STATUS_FILTERS["pending"]).count()


def filter_responses(queryset, status="", query=""):
    """The list's filters, for bulk actions on "all in listing"."""
    if status in STATUS_FILTERS:
        queryset = queryset.filter(STATUS_FILTERS[status])
    if query:
        matches = Q()
        for field in SEARCH_FIELDS:
            matches |= Q(**{f"{field}__icontains": query})
        queryset = queryset.filter(matches)
    return queryset


def after(response, action):
    """(is_public, is_removed) once the action is done."""
    return {
        "approve": (True, False),
        "unapprove": (False, response.is_removed),
        "remove": (response.is_public, True),
        "restore": (response.is_public, False),
    }[action]


def moderate(responses, action):
    """Approve, unapprove, remove or restore these responses: (changed, skipped).

    Hiding (unapprove, remove) goes through save(), so that xtd's pre_save
    signal hides every reply under the response as well: the post never shows
    a reply cut off from the response it answers. Those replies then wait as
    pending until approved again.

    Showing (approve, restore) is an update() of the chosen rows alone, because
    the same signal would also publish every reply under the response,
    including replies still held as spam. A reply whose parent is not visible
    (nor made visible in the same batch) is skipped for the same reason.
    (update() leaves xtd's nested_count alone; nothing in the blog reads it.)
    """
    showing = action in ("approve", "restore")
    # Parents before their replies when showing; replies first when hiding, so
    # that a parent's cascade never leaves a stale reply in this list.
    responses = sorted(responses, key=lambda c: (c.level, c.pk), reverse=not showing)
    parent_ids = {c.parent_id for c in responses if c.parent_id != c.pk}
    visible_ids = set(
        XtdComment.norel_objects.filter(STATUS_FILTERS["approved"], pk__in=parent_ids)
        .values_list("pk", flat=True)
        .order_by()
    )
    changed, skipped = [], []
    for response in responses:
        is_public, is_removed = after(response, action)
        if (is_public, is_removed) == (response.is_public, response.is_removed):
            continue
        becomes_visible = is_public and not is_removed
        is_reply = response.parent_id != response.pk
        if becomes_visible and is_reply and response.parent_id not in visible_ids:
            skipped.append(response)
            continue
        response.is_public, response.is_removed = is_public, is_removed
        if showing:
            XtdComment.norel_objects.filter(pk=response.pk).update(
                is_public=is_public, is_removed=is_removed
            )
        else:
            response.save(update_fields=["is_public", "is_removed"])
        if becomes_visible:
            visible_ids.add(response.pk)
            transaction.on_commit(partial(response_shown.send, XtdComment, response=response))
        else:
            visible_ids.discard(response.pk)
        changed.append(response)
    for post_pk in {int(response.object_pk) for response in changed}:
        responses_changed.send(sender=XtdComment, post_pk=post_pk)
    return changed, skipped


def moderation_messages(request, action, changed, skipped):
    done = {
        "approve": "approved",
        "unapprove": "unapproved",
        "remove": "removed",
        "restore": "restored",
    }
    if changed:
        noun = "response" if len(changed) == 1 else "responses"
        messages.success(request, f"{len(changed)} {noun} {done[action]}.")
    elif not skipped:
        messages.warning(request, f"Nothing to do: already {done[action]}.")
    if skipped:
        noun = "reply was" if len(skipped) == 1 else "replies were"
        messages.warning(
            request,
            f"{len(skipped)} {noun} not {done[action]}: the response replied to is not "
            "visible on the post. Approve that response first.",
        )


def attach_posts(responses):
    """Set post_title and post_edit_url on each response with one query for the page."""
    post_type = ContentType.objects.get_for_model(post_model())
    pks = {
        int(c.object_pk)
        for c in responses
        if c.content_type_id == post_type.pk and c.object_pk.isdigit()
    }
    titles = dict(Page.objects.filter(pk__in=pks).order_by().values_list("pk", "title"))
    for response in responses:
        pk = int(response.object_pk) if response.object_pk.isdigit() else None
        response.post_title = titles.get(pk) if response.content_type_id == post_type.pk else None
        response.post_edit_url = (
            reverse("wagtailadmin_pages:edit", args=[pk]) if response.post_title else None
        )
    return responses


def safe_website(url):
    """The visitor's website as a link target, only if it is http(s)."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


# The list ---------------------------------------------------------------------


class ResponseFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        method="filter_status",
        choices=list(STATUS_LABELS.items()),
        empty_label="All",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = XtdComment
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(STATUS_FILTERS[value]) if value in STATUS_FILTERS else queryset


class PostColumn(Column):
    cell_template_name = "blog/admin/post_cell.html"


class ResponseIndexView(IndexView):
    page_title = "Comments"
    header_icon = "comment"
    verbose_name = "response"
    verbose_name_plural = "responses"

    def get_base_queryset(self):
        # norel_objects: none of xtd's select_related or thread ordering.
        return XtdComment.norel_objects.all()

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = attach_posts(list(object_list))
        return paginator, page, page.object_list, is_paginated

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="response"),
            TitleColumn(
                "user_name",
                label="Name",
                sort_key="user_name",
                get_url=lambda c: reverse("blog_responses:edit", args=[c.pk]),
                get_title_id=lambda c: f"response_{c.pk}_title",
            ),
            Column(
                "excerpt",
                label="Response",
                accessor=lambda c: Truncator(" ".join(c.comment.split())).chars(100),
            ),
            PostColumn("post_title", label="Post"),
            DateColumn("submit_date", label="Date", sort_key="submit_date"),
            StatusTagColumn(
                "status",
                label="Status",
                accessor=lambda c: STATUS_LABELS[status_of(c)],
                primary=lambda c: status_of(c) == "approved",
            ),
        ]


# One response -----------------------------------------------------------------


def reply_author(post, user):
    """Replies from the admin speak as the post's author (or the moderator if it has none)."""
    author = post.author or user
    name = author.get_full_name() or author.get_username()
    email = author.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return author, name[:50], email


class ReplyForm(forms.Form):
    """The admin's reply; clean() adds the fields blog.responses.saving.save_response reads."""

    comment = forms.CharField(
        label="Reply",
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, parent, name, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent, self.name, self.email = parent, name, email

    def clean(self):
        data = super().clean()
        data.update(
            name=self.name, email=self.email, url="", reply_to=self.parent.pk, followup=False
        )
        return data


class ResponseView(
    PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView
):
    """One response in full, with the moderation buttons and the Reply form."""

    permission_required = "change"
    template_name = "blog/admin/response.html"
    header_icon = "comment"
    page_title = "Response"
    index_url_name = None
    edit_url_name = None

    def get_base_object_queryset(self):
        return XtdComment.norel_objects.all()

    def get_page_subtitle(self):
        return self.object.user_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Comments"},
            {"url": "", "label": "Response", "sublabel": self.object.user_name},
        ]

    @cached_property
    def blog_post(self):
        post_type = ContentType.objects.get_for_model(post_model())
        if self.object.content_type_id != post_type.pk or not self.object.object_pk.isdigit():
            return None
        return (
            post_model().objects.select_related("author").filter(pk=self.object.object_pk).first()
        )

    @cached_property
    def parent(self):
        if self.object.parent_id == self.object.pk:
            return None
        return XtdComment.norel_objects.filter(pk=self.object.parent_id).first()

    @cached_property
    def reply_parent(self):
        """What a reply attaches to: this response, or its parent when it is nested deepest."""
        max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        if max_level <= 0:
            return None
        target = self.object
        if target.level >= max_level:
            target = self.parent
        # Deeper still only if the setting was lowered after it was posted.
        while target is not None and target.level >= max_level:
            target = XtdComment.norel_objects.filter(pk=target.parent_id).first()
        return target

    def reply_form(self, data=None):
        parent = self.reply_parent
        if self.blog_post is None or parent is None or self.object.is_removed or parent.is_removed:
            return None
        _author, name, email = reply_author(self.blog_post, self.request.user)
        return ReplyForm(data, parent=parent, name=name, email=email)

    def response_url(self, response):
        return reverse(self.edit_url_name, args=[response.pk])

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        response = self.object
        status = status_of(response)
        post = self.blog_post
        replies = XtdComment.norel_objects.filter(parent_id=response.pk).exclude(pk=response.pk)
        context.update(
            response=response,
            status=status,
            status_label=STATUS_LABELS[status],
            actions=AVAILABLE_ACTIONS[status],
            website_href=safe_website(response.user_url),
            post=post,
            live_url=response_url(post.get_url(self.request), response)
            if post and post.live
            else None,
            post_edit_url=reverse("wagtailadmin_pages:edit", args=[post.pk]) if post else None,
            parent=self.parent,
            parent_url=self.response_url(self.parent) if self.parent else None,
            replies=[(reply, self.response_url(reply)) for reply in replies.order_by("order")],
            form=form or self.reply_form(),
            reply_parent=self.reply_parent,
            reply_as=reply_author(post, self.request.user)[1] if post else "",
            max_depth=settings.COMMENTS_XTD_MAX_THREAD_LEVEL + 1,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action in ACTIONS:
            changed, skipped = moderate([self.object], action)
            moderation_messages(request, action, changed, skipped)
            return redirect(self.response_url(self.object))
        if action == "reply":
            return self.reply(request)
        messages.error(request, "Unknown action.")
        return redirect(self.response_url(self.object))

    def reply(self, request):
        form = self.reply_form(request.POST)
        if form is None:
            messages.error(request, "This response cannot be replied to.")
            return redirect(self.response_url(self.object))
        if not form.is_valid():
            messages.error(request, "The reply could not be sent; see the error below.")
            return self.render_to_response(self.get_context_data(form=form))
        author, _name, _email = reply_author(self.blog_post, request.user)
        with transaction.atomic():
            # Replying publishes what is replied to, like WordPress's "Approve and reply".
            targets = {c.pk: c for c in (form.parent, self.object)}.values()
            hidden = [c for c in targets if not is_visible(c)]
            if hidden:
                _changed, skipped = moderate(hidden, "approve")
                if skipped:
                    transaction.set_rollback(True)
                    moderation_messages(request, "approve", [], skipped)
                    return redirect(self.response_url(self.object))
            reply = save_response(self.blog_post, form, client_ip(request), [], user=author)
        messages.success(request, f"Reply published as {reply.user_name}.")
        return redirect(self.response_url(self.object))
