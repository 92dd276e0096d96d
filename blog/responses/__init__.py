"""Visitor responses to posts: the form, their threads and pages, the spam rules, the
views that take them, and their moderation in the Wagtail admin.

Built on django-comments-xtd's threaded XtdComment model and its signed form (timestamp
and security hash), with our own views so that every refusal gets a clear page and the
right status, and nothing a visitor sends reaches a 500.

- `forms`: the response form.
- `threads`: a post's responses in reading order, cut into pages; counts and links.
- `spam`: the rules that hold a response for moderation.
- `held`: the cookie that shows a visitor their own held responses.
- `saving`: storing a new response (the visitor's, or an editor's reply).
- `views`: posting a response; muting reply notifications.
- `moderation`: the admin's Comments views.
- `signals`: `responses_changed`, sent when a post's visible responses change.
"""
