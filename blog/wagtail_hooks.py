from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import path, reverse
from django_comments_xtd.models import XtdComment
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import BlogTag, Subscriber
from .responses.moderation import (
    SEARCH_FIELDS,
    ModerationPermissionPolicy,
    ResponseFilterSet,
    ResponseIndexView,
    ResponseView,
    filter_responses,
    moderate,
    moderation_messages,
    pending_count,
)

# Registered first, before anything asks Wagtail for XtdComment's policy and
# gets the default one (add/change/delete_xtdcomment).
register_permission_policy(XtdComment, ModerationPermissionPolicy())


class BlogTagViewSet(SnippetViewSet):
    model = BlogTag
    icon = "tag"
    menu_label = "Tags"
    list_display = ["name", "slug", Column("post_count", label="Posts", sort_key="post_count")]
    search_fields = ["name", "slug", "description"]
    # Plain database filtering: tags are few and need no search index.
    search_backend_name = None
    ordering = ["name"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    def get_queryset(self, request):
        return BlogTag.objects.annotate(post_count=Count("tagged_posts"))


register_snippet(BlogTagViewSet)


# Visitor responses ------------------------------------------------------------


def can_moderate(user):
    return policy_registry.get_by_type(XtdComment).user_has_permission(user, "change")


class CommentsMenuItem(MenuItem):
    """ "Comments", or "Comments (3)" while three responses wait for moderation.

    Menu items are built once per process, so the count is taken per request.
    """

    def is_shown(self, request):
        return can_moderate(request.user)

    def render_component(self, request):
        count = pending_count()
        return LinkMenuItem(
            self.name,
            f"{self.label} ({count})" if count else self.label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


class ResponseViewSet(ModelViewSet):
    """Comments in the admin: the list with filters and bulk actions, and one response."""

    model = XtdComment
    url_prefix = "comments"
    url_namespace = "blog_responses"
    icon = "comment"
    menu_label = "Comments"
    menu_name = "comments"
    menu_order = 250  # after Pages
    menu_item_class = CommentsMenuItem
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = ResponseIndexView
    edit_view_class = ResponseView
    index_template_name = "blog/admin/responses_index.html"
    list_per_page = 50
    ordering = "-submit_date"
    filterset_class = ResponseFilterSet
    search_fields = SEARCH_FIELDS
    # Plain database search: responses are not in the search index.
    search_backend_name = None

    @property
    def edit_view(self):
        return self.construct_view(self.edit_view_class)

    def get_urlpatterns(self):
        # No add, delete, copy, history or usage views: responses come from
        # visitors or the Reply form, and are removed softly.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.edit_view, name="edit"),
        ]

    def get_permissions_to_register(self):
        # Shown on the group edit screen, so admins can hand it out.
        return Permission.objects.filter(
            content_type__app_label="django_comments", codename="can_moderate"
        )


@hooks.register("register_admin_viewset")
def register_response_viewset():
    return ResponseViewSet()


class ResponseBulkAction(BulkAction):
    """Approve, unapprove or remove the responses ticked in the list."""

    models = [XtdComment]
    template_name = "blog/admin/bulk_confirm.html"
    button_class = ""

    def __init__(self, request, model):
        super().__init__(request, model)
        if self.next_url == request.path:  # no ?next=: back to the list afterwards
            self.next_url = reverse("blog_responses:index")

    def dispatch(self, request, *args, **kwargs):
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        pks = [pk for pk in object_ids if str(pk).isdigit()]
        return list(XtdComment.norel_objects.filter(pk__in=pks).order_by("-submit_date", "-pk"))

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all in listing" keeps the list's filter and search.
        queryset = filter_responses(
            XtdComment.norel_objects.all(),
            status=self.request.GET.get("status", ""),
            query=self.request.GET.get("q", "").strip(),
        )
        return queryset.values_list("pk", flat=True)

    def check_perm(self, obj):
        return policy_registry.get_by_type(XtdComment).user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    def object_context(self, obj):
        return {"item": obj, "edit_url": reverse("blog_responses:edit", args=[obj.pk])}

    def get_execution_context(self):
        return {"request": self.request}

    @classmethod
    def execute_action(cls, objects, request=None, **kwargs):
        changed, skipped = moderate(objects, cls.action_type)
        moderation_messages(request, cls.action_type, changed, skipped)
        return len(changed), 0


@hooks.register("register_bulk_action")
class ApproveBulkAction(ResponseBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve the selected responses"
    action_priority = 10


@hooks.register("register_bulk_action")
class UnapproveBulkAction(ResponseBulkAction):
    display_name = "Unapprove"
    action_type = "unapprove"
    aria_label = "Unapprove the selected responses"
    action_priority = 20
    button_class = "button-secondary"


@hooks.register("register_bulk_action")
class RemoveBulkAction(ResponseBulkAction):
    display_name = "Remove"
    action_type = "remove"
    aria_label = "Remove the selected responses"
    action_priority = 30
    classes = {"serious"}
    button_class = "serious"


class PendingResponsesSummaryItem(SummaryItem):
    order = 150
    template_name = "blog/admin/pending_summary.html"

    def is_shown(self):
        return can_moderate(self.request.user)

    def get_context_data(self, parent_context):
        return {
            "count": pending_count(),
            "url": reverse("blog_responses:index") + "?status=pending",
        }


@hooks.register("construct_homepage_summary_items")
def add_pending_responses_summary(request, summary_items):
    summary_items.append(PendingResponsesSummaryItem(request))


# Subscribers ------------------------------------------------------------------


class SubscriberIndexView(IndexView):
    """The subscriber list, with how many there are in each state above it."""

    template_name = "blog/admin/subscribers_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            Subscriber.objects.values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        context["status_counts"] = [
            (label, counts.get(value, 0)) for value, label in Subscriber.STATUS_CHOICES
        ]
        return context


class SubscriberPermissionPolicy(ModelPermissionPolicy):
    """Look, export and remove, never add or edit: only the subscriber's own
    click on the confirmation link may make an address confirmed."""

    def user_has_permission(self, user, action):
        return action not in {"add", "change"} and super().user_has_permission(user, action)


register_permission_policy(Subscriber, SubscriberPermissionPolicy(Subscriber))


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = "Subscribers"
    menu_order = 310
    add_to_admin_menu = True
    url_namespace = "blog_subscribers"
    index_view_class = SubscriberIndexView
    list_display = [
        "email",
        Column("status", label="Status", accessor="get_status_display"),
        DateColumn("created_at", label="Subscribed"),
        DateColumn("confirmed_at", label="Confirmed"),
    ]
    list_filter = ["status"]
    list_export = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    export_filename = "subscribers"
    search_fields = ["email"]
    search_backend_name = None
    ordering = ["-created_at"]
    form_fields = ["email", "status"]
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_subscriber_viewset():
    return SubscriberViewSet("subscribers")
