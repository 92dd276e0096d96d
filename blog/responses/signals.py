from django.dispatch import Signal

# Sent with `post_pk` when a post's visible responses change (one published, approved,
# unapproved or removed): its page and the listings that count responses are then out
# of date (blog/signal_handlers.py).
responses_changed = Signal()

# Sent with `response` and `reasons` once a response held for moderation is stored.
response_held = Signal()

# Sent with `response` once a response becomes visible on its post: published at once,
# approved or restored (blog/signal_handlers.py tells its thread's followers).
response_shown = Signal()
