"""The response form's inputs and labels written out in Python.

The form is on every post page, and Django draws each field through its widget
templates: eleven inputs and five labels, each a template with included templates,
took a sixth of an uncached post page. This renderer writes the same markup for the
plain inputs, the textarea and the labels (tests/test_responses_page.py compares it
with Django's own, field by field) and leaves everything else, error lists included,
to Django's templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

# Widgets drawn by django/forms/widgets/input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "url", "hidden", "checkbox", "number", "password")
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
LABEL_TEMPLATE = "django/forms/label.html"


def html_attrs(attrs):
    """django/forms/attrs.html: False leaves an attribute out, True writes its name alone."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget):
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{html_attrs(widget["attrs"])}>'
    )


def textarea_html(widget):
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{html_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def label_html(context):
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{html_attrs(context['attrs'])}>{label}</{tag}>"


class FormMarkupRenderer(DjangoTemplates):
    """Django's template renderer, with the commonest templates written in Python."""

    def render(self, template_name, context, request=None):
        # The callers (Widget._render, Form.render) mark the result safe: every value
        # above is escaped as the templates' autoescaping would.
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return textarea_html(context["widget"])
        if template_name == LABEL_TEMPLATE:
            return label_html(context)
        return super().render(template_name, context, request)
