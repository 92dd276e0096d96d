"""The spam rules: why a response must wait for an editor, and which are refused outright.
The rules' settings are the site's `CommentSettings` (Settings → Response settings)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_comments_xtd.models import XtdComment

LINK_PATTERN = re.compile(r"https?://|www\.|<a\s", re.IGNORECASE)
URL_PATTERN = re.compile(r"https?://[^\s\"'<>]+")


def domains_in(text):
    return {urlsplit(url).hostname or "" for url in URL_PATTERN.findall(text)}


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
