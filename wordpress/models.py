"""The record of which WordPress object each imported object came from."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class WordPressItem(models.Model):
    """Which WordPress object an imported object came from, so that importing the
    same export again updates it in place instead of adding a copy.

    A generic mapping rather than a column on each model: the imported objects
    are of many kinds (posts, pages, tags, images, users' responses), two of them
    third-party models we cannot add fields to (XtdComment, Image), and the
    mapping means nothing to the site once the move is done. WordPress numbers
    posts, pages and attachments in one sequence, terms in another and comments
    in a third, so `kind` plus the WordPress ID is unique; images found only in
    post bodies are keyed on their path under wp-content/uploads instead.
    """

    KIND_CHOICES = [
        ("post", "post"),
        ("page", "page"),
        ("attachment", "attachment"),
        ("image", "image file"),
        ("tag", "tag"),
        ("category", "category"),
        ("comment", "comment"),
    ]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    wp_id = models.CharField("WordPress ID", max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    # What the item looked like in the export last imported: an unchanged
    # item is left alone on the next run, so editors' changes made since stay.
    fingerprint = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "WordPress item"
        constraints = [
            models.UniqueConstraint(fields=["kind", "wp_id"], name="unique_wordpress_item")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"WordPress {self.kind} {self.wp_id}"
