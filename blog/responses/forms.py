from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import XtdComment

# The fields whose errors mean the form was tampered with (hash, content type, id) or
# has expired (timestamp).
SECURITY_FIELDS = ("content_type", "object_pk", "timestamp", "security_hash")


class ResponseForm(XtdCommentForm):
    """The response form, in the post page's words. Email is required and never shown."""

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
        return {name: self.errors[name] for name in SECURITY_FIELDS if name in self.errors}

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
