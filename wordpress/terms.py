"""WordPress tags and categories, both as the blog's tags (BlogTag).

A category becomes a tag of the same name, slug and description; a category and
a tag with the same slug become one tag. WordPress's default "Uncategorized" is
left out (a post in it only gets its other tags), and the category hierarchy is
not kept: /category/parent/child/ redirects to the child's tag archive.
"""

from django.db import DatabaseError, transaction

from blog.models import BlogTag

from .wxr import Term, fingerprint_of


class TermImporter:
    def __init__(self, importer):
        self.importer = importer
        self.report = importer.report

    def run(self):
        """Tags and categories, each a tag; (taxonomy, slug) -> BlogTag, or None."""
        tags = {}
        paths = {}
        self.new_tags = set()
        categories = {t.slug: t for t in self.importer.export.terms if t.taxonomy == "category"}

        def category_path(term, depth=0):
            parent = categories.get(term.parent)
            if parent is None or depth > 20 or parent is term:
                return term.slug
            return f"{category_path(parent, depth + 1)}/{term.slug}"

        # Terms listed only on the items that use them (older exports) count too.
        terms = list(self.importer.export.terms)
        known = {(t.taxonomy, t.slug) for t in terms}
        for item in self.importer.export.items:
            for taxonomy, slug, name in item.terms:
                if (taxonomy, slug) not in known:
                    known.add((taxonomy, slug))
                    terms.append(Term(taxonomy=taxonomy, id=None, slug=slug, name=name or slug))
        for term in sorted(terms, key=lambda t: t.taxonomy != "post_tag"):
            tag = self.import_term(term)
            tags[(term.taxonomy, term.slug)] = tag
            if term.taxonomy == "category":
                paths[term.slug] = category_path(term)
            self.importer.links.add_term(term, paths.get(term.slug, ""), self.importer.blog, tag)
        return tags

    def import_term(self, term):
        kind = "tag" if term.taxonomy == "post_tag" else "category"
        if kind == "category" and term.slug == "uncategorized":
            self.report.skip(kind, "WordPress's default “Uncategorized”")
            return None
        wp_id = str(term.id) if term.id is not None else f"slug:{term.slug}"
        mapping = self.importer.mappings.get((kind, wp_id))
        name, slug = term.name[:100], term.slug[:100]
        fingerprint = fingerprint_of([term.taxonomy, term.slug, term.name, term.description])
        tag = BlogTag.objects.filter(pk=mapping.object_id).first() if mapping else None
        if tag is not None and mapping.fingerprint == fingerprint and not self.importer.force:
            self.report.count(kind, "unchanged")
            return tag
        outcome = "updated"
        if tag is None:
            tag = BlogTag.objects.filter(slug=slug).first()
            tag = tag or BlogTag.objects.filter(name__iexact=name).first()
            # A category that joins a tag made by this import is new to the site too.
            outcome = "updated" if tag and tag.pk not in self.new_tags else "new"
        try:
            with transaction.atomic():
                if tag is None:
                    tag = BlogTag.objects.create(name=name, slug=slug, description=term.description)
                    self.new_tags.add(tag.pk)
                elif mapping is not None or term.description:
                    # Matched by slug or name: WordPress's description, if it has one.
                    if mapping is not None:
                        tag.name, tag.slug = name, slug
                    tag.description = term.description or tag.description
                    tag.save()
                self.importer.remember(kind, wp_id, tag, fingerprint)
        except DatabaseError as error:
            self.report.warn(f"{kind} “{term.name}”: skipped: {error}".splitlines()[0])
            self.report.skip(kind, "errors (see warnings)")
            return None
        self.report.count(kind, outcome)
        return tag
