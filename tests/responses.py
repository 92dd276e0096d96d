"""Helpers for tests of visitor responses: fill the real form, make responses directly."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import CommentSettings
from tests.html import one, soup


def form_fields(client, post, query=""):
    """The response form's fields as the post page serves them (hidden ones included)."""
    page = soup(client.get(post.url + query))
    form = one(page, "#respond form")
    data = {}
    for field in form.select("input[name], textarea[name]"):
        if field.get("type") == "checkbox":
            continue
        data[field["name"]] = field.get("value", field.get_text())
    return data


def respond(
    client,
    post,
    name="Ann Reader",
    email="ann@example.com",
    comment="Nice post.",
    ip="192.0.2.10",
    **extra,
):
    """Post a response through the form, as a browser would; returns the response."""
    data = form_fields(client, post, extra.pop("query", ""))
    data.update(name=name, email=email, comment=comment, url=extra.pop("url", ""))
    if extra.pop("followup", False):
        data["followup"] = "on"
    data.update(extra)
    return client.post("/responses/post/", data, REMOTE_ADDR=ip)


def make_response(post, name="Ann Reader", email="ann@example.com", comment="Hello", **fields):
    fields.setdefault("is_public", True)
    fields.setdefault("submit_date", timezone.now())
    response = XtdComment(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site_id=1,
        user_name=name,
        user_email=email,
        comment=comment,
        **fields,
    )
    response.save()
    return response


def approve_sender(post, name="Ann Reader", email="ann@example.com"):
    """Make the name and email known: one approved response, long ago."""
    return make_response(
        post,
        name=name,
        email=email,
        comment="An earlier approved response.",
        submit_date=timezone.now() - datetime.timedelta(days=400),
    )


def rules(**values):
    settings = CommentSettings.load()
    for key, value in values.items():
        setattr(settings, key, value)
    settings.save()
    return settings
