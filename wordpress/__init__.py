"""Moving a WordPress blog here and back: WordPress eXtended RSS (WXR) files.

- `wxr`: reads an export (WXR 1.0 to 1.2) with a safe parser into plain objects.
- `importer`: runs an import, in place on a second run: the site, authors, then
  each item in a savepoint of its own; `pages` writes posts and pages, `terms`
  tags and categories, `responses` comments, `media` the image files.
- `redirects`: the old addresses, answered with a 301 to the new pages; the
  old /?p=ID links at the site's root through `wagtail_hooks`.
- `models`: `WordPressItem`, which WordPress object each imported one came from.
- `exporter`: writes the site as WXR 1.2, for WordPress or for this importer.
- `report`: the progress bar and the closing table.
- `content`: post HTML to StreamField blocks; `markup`: blocks back to HTML.
"""
