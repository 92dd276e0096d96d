"""WordPress comments into the blog's responses (django-comments-xtd's XtdComment).

States: approved (`1`) is public, pending (`0`) waits for moderation, spam and
trash are removed. Threading follows wp:comment_parent, in WordPress's order
(oldest first); a reply nested deeper than the site allows
(BLOG_COMMENTS_MAX_DEPTH) joins the deepest level allowed. Pingbacks and
trackbacks are skipped unless asked for. Nothing here sends email: our
notifications are queued only by the response form's view.

A post's responses are written in bulk the first time, threads computed here
as XtdComment.save() would (thread, level, order, nested count); on later runs
a changed response is updated and a new one saved through XtdComment.save().
"""

import datetime
import ipaddress

from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.bulk import insert_inherited

from .models import WordPressItem
from .wxr import fingerprint_of

PINGBACK_TYPES = {"pingback", "trackback"}
REMOVED = {"spam", "trash", "post-trashed"}
FIELDS = [
    "user",
    "user_name",
    "user_email",
    "user_url",
    "comment",
    "submit_date",
    "ip_address",
    "is_public",
    "is_removed",
]


def comment_text(content):
    """A comment's HTML as the plain text responses hold: links keep their address,
    paragraphs and line breaks stay."""
    content = (content or "").replace("\r\n", "\n")
    if "<" not in content and "&" not in content:
        return content.strip()
    soup = BeautifulSoup(content, "html.parser")
    for link in soup.find_all("a"):
        href, text = (link.get("href") or "").strip(), link.get_text()
        link.replace_with(f"{text} ({href})" if href and href not in text else text or href)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "blockquote", "li"]):
        block.insert_after("\n\n")
    return soup.get_text().strip()


def aware(value, fallback=None):
    if value is None:
        return fallback
    return value.replace(tzinfo=datetime.UTC)


class ResponseImporter:
    def __init__(self, importer):
        self.importer = importer
        self.report = importer.report
        self.with_pingbacks = importer.with_pingbacks
        self.force = importer.force
        self.max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        self.content_type = ContentType.objects.get_for_model(XtdComment)

    def wanted(self, item, label):
        """The item's comments worth importing, parents before replies."""
        comments = []
        for comment in item.comments:
            kind = "pingback" if comment.type in PINGBACK_TYPES else "comment"
            if comment.error:
                self.report.warn(f"{label}, comment {comment.id or '?'}: {comment.error}")
                self.report.skip(kind, "malformed")
            elif kind == "pingback" and not self.with_pingbacks:
                self.report.skip(kind, "pingbacks and trackbacks (--with-pingbacks keeps them)")
            elif comment.type not in ("comment", *PINGBACK_TYPES):
                self.report.skip("comment", f"comment type “{comment.type}”")
            else:
                comments.append(comment)
        return comments

    def threads(self, comments, label):
        """Each comment's parent (a WordPress ID or 0) and level, in reading order."""
        by_id = {comment.id: comment for comment in comments}
        children = {}
        for comment in comments:
            parent = comment.parent if comment.parent in by_id else 0
            if comment.parent and not parent:
                self.report.warn(
                    f"{label}, comment {comment.id}: its parent {comment.parent} is not "
                    "imported; it starts a thread of its own"
                )
            children.setdefault(parent, []).append(comment)
        for siblings in children.values():
            siblings.sort(key=lambda c: (c.date_gmt or c.date or datetime.datetime.min, c.id))
        # Depth first, without recursion: a chain of a thousand replies is no problem.
        ordered, placement, deep = [], {}, 0
        stack = list(reversed(children.get(0, [])))
        while stack:
            comment = stack.pop()
            if not comment.parent or comment.parent not in placement:
                parent, level = 0, 0
            else:
                above, above_level = placement[comment.parent]
                if above_level < self.max_level:
                    parent, level = comment.parent, above_level + 1
                else:  # too deep: beside its parent, at the deepest level allowed
                    parent, level = above, above_level
                    deep += 1
            placement[comment.id] = (parent, level)
            ordered.append((comment, parent, level))
            stack.extend(reversed(children.get(comment.id, [])))
        if deep:
            self.report.warn(
                f"{label}: {deep} replies nested deeper than {self.max_level + 1} levels "
                "were attached to the deepest level allowed"
            )
        # Comments in a cycle of parents (a broken export) are reached from no root.
        for comment in comments:
            if comment.id not in placement:
                self.report.warn(f"{label}, comment {comment.id}: its parents loop; skipped")
                self.report.skip("comment", "malformed")
        return ordered

    def values(self, comment, post, label):
        name = comment.author or "Anonymous"
        if len(name) > 50:
            self.report.warn(f"{label}, comment {comment.id}: name cut to 50 characters")
            name = name[:50]
        url = comment.url if len(comment.url) <= 200 else ""
        if url != comment.url:
            self.report.warn(f"{label}, comment {comment.id}: website longer than 200 left out")
        try:
            ip = str(ipaddress.ip_address(comment.ip)) if comment.ip else None
        except ValueError:
            ip = None
        local = comment.date and timezone.make_aware(comment.date)
        return {
            "user": self.importer.user_for_wp_id(comment.user_id),
            "user_name": name,
            "user_email": comment.email[:254],
            "user_url": url,
            "comment": comment_text(comment.content),
            "submit_date": aware(comment.date_gmt, local or post.first_published_at)
            or timezone.now(),
            "ip_address": ip,
            "is_public": comment.approved == "1",
            "is_removed": comment.approved in REMOVED,
        }

    def import_for(self, post, item, label, post_is_new=False):
        self.attempted = 0
        comments = self.wanted(item, label)
        if not comments:
            return
        ordered = self.threads(comments, label)
        self.attempted = len(ordered)  # what a failure below leaves out
        outcomes = []  # counted once everything is written
        page_type = ContentType.objects.get_for_model(post)
        on_post = XtdComment.norel_objects.filter(content_type=page_type, object_pk=str(post.pk))
        mappings = {
            int(m.wp_id): m
            for m in WordPressItem.objects.filter(
                kind="comment", wp_id__in=[str(c.id) for c, _, _ in ordered]
            )
        }
        existing = {} if post_is_new else {c.pk: c for c in on_post}
        # Responses already on the post that no import made (the seed's, say) are
        # the same responses when the name and the time match.
        mapped = {m.object_id for m in mappings.values()}
        unclaimed = {
            (c.user_name, c.submit_date): c for c in existing.values() if c.pk not in mapped
        }
        objects = {}  # WordPress ID -> XtdComment
        new, changed, fingerprints = [], [], {}
        for comment, parent, level in ordered:
            kind = "pingback" if comment.type in PINGBACK_TYPES else "comment"
            values = self.values(comment, post, label)
            fingerprint = fingerprint_of(
                [comment.fingerprint(), values["user"] and values["user"].pk]
            )
            mapping = mappings.get(comment.id)
            current = existing.get(mapping.object_id) if mapping else None
            current = current or unclaimed.pop((values["user_name"], values["submit_date"]), None)
            fingerprints[comment.id] = fingerprint
            if current is not None:
                objects[comment.id] = current
                if mapping and mapping.fingerprint == fingerprint and not self.force:
                    outcomes.append((kind, "unchanged"))
                    continue
                for name, value in values.items():
                    setattr(current, name, value)
                changed.append(current)
                outcomes.append((kind, "updated"))
                continue
            response = XtdComment(
                content_type=page_type,
                object_pk=str(post.pk),
                site_id=settings.SITE_ID,
                followup=False,
                level=level,
                **values,
            )
            objects[comment.id] = response
            new.append((comment, parent, response))
            outcomes.append((kind, "new"))
        if changed:
            XtdComment.norel_objects.bulk_update(changed, FIELDS, batch_size=500)
        if new:
            if existing:
                self.save_one_by_one(new, objects)
            else:
                self.save_in_bulk(new, objects)
        self.remember(objects, fingerprints, mappings)
        for kind, outcome in outcomes:
            self.report.count(kind, outcome)

    def save_one_by_one(self, new, objects):
        """New responses on a post that has some: XtdComment.save() threads each."""
        for _comment, parent, response in new:
            response.level = 0
            response.parent_id = objects[parent].pk if parent else 0
            response.save()

    def save_in_bulk(self, new, objects):
        """A post's first responses, threads computed here in reading order."""
        order, nested = {}, {}
        parent_of = {comment.id: parent for comment, parent, _ in new}
        root_of = {}
        for comment, parent, _response in new:
            root = root_of[parent] if parent else comment.id
            root_of[comment.id] = root
            order[root] = order.get(root, 0) + 1
            objects[comment.id].order = order[root]
            ancestor = parent
            while ancestor:
                nested[ancestor] = nested.get(ancestor, 0) + 1
                ancestor = parent_of[ancestor]
        for comment, _parent, response in new:
            response.nested_count = nested.get(comment.id, 0)

        def thread(responses):
            for comment, parent, response in new:
                response.thread_id = objects[root_of[comment.id]].pk
                response.parent_id = objects[parent].pk if parent else response.pk

        insert_inherited([response for _, _, response in new], 500, before_children=thread)

    def remember(self, objects, fingerprints, mappings):
        new, changed = [], []
        for wp_id, response in objects.items():
            mapping = mappings.get(wp_id)
            if mapping is None:
                new.append(
                    WordPressItem(
                        kind="comment",
                        wp_id=str(wp_id),
                        content_type=self.content_type,
                        object_id=response.pk,
                        fingerprint=fingerprints[wp_id],
                    )
                )
            elif (mapping.object_id, mapping.fingerprint) != (response.pk, fingerprints[wp_id]):
                mapping.object_id, mapping.fingerprint = response.pk, fingerprints[wp_id]
                changed.append(mapping)
        WordPressItem.objects.bulk_create(new, batch_size=500)
        WordPressItem.objects.bulk_update(changed, ["object_id", "fingerprint"], batch_size=500)
