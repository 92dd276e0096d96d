"""The responses' own models: the site's response settings (spam rules), and the record
that a reply's followers were told of it."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="comment")
class CommentSettings(BaseGenericSetting):
    """The spam rules for visitor responses, kept by editors under Settings."""

    hold_on_posts_older_than_days = models.PositiveIntegerField(
        "hold responses on posts older than (days)",
        default=30,
        help_text="Responses to older posts wait for approval. 0 never holds for age.",
    )
    close_after_days = models.PositiveIntegerField(
        "close responses after (days)",
        default=0,
        help_text="Posts stop taking responses this many days after their date. 0 never closes.",
    )
    max_links = models.PositiveSmallIntegerField(
        "most links before holding",
        default=2,
        help_text="A response with more links than this waits for approval.",
    )
    blocked_words = models.TextField(
        blank=True,
        help_text="One a line. A response containing one (in any field) waits for approval.",
    )
    blocked_emails = models.TextField(blank=True, help_text="One address a line.")
    blocked_ips = models.TextField(
        "blocked IP addresses",
        blank=True,
        help_text="One a line; a prefix such as 203.0.113. blocks a whole range.",
    )
    blocked_domains = models.TextField(
        blank=True,
        help_text="One a line, e.g. spam.example. Matches email addresses, websites and links.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("hold_on_posts_older_than_days"),
                FieldPanel("close_after_days"),
                FieldPanel("max_links"),
            ],
            "Rules",
        ),
        MultiFieldPanel(
            [
                FieldPanel("blocked_words"),
                FieldPanel("blocked_emails"),
                FieldPanel("blocked_ips"),
                FieldPanel("blocked_domains"),
            ],
            "Blocklist: matching responses wait for approval",
        ),
    ]

    class Meta:
        verbose_name = "response settings"

    @staticmethod
    def lines(text):
        return [line.strip().lower() for line in text.splitlines() if line.strip()]


class ReplyNotice(models.Model):
    """The record that a reply's followers were emailed: once a reply, ever.

    A reply can become visible more than once (an editor unapproves it and approves
    it again, or removes and restores it); its followers hear of it the first time
    only. The unique response lets one task alone create this row.
    """

    response = models.OneToOneField(
        "django_comments_xtd.XtdComment", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "reply notice"
