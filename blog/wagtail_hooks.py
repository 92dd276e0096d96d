from django.db.models import Count
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import BlogTag


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
