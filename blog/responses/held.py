"""The cookie that shows visitors their own responses while these await moderation. Its
presence also keeps the visitor's pages out of the page cache (pagecache/store.py)."""

from ..tokens import HELD_DAYS, held_ids, held_token

HELD_COOKIE = "held_responses"
# The most held responses a cookie remembers.
MOST_REMEMBERED = 20


def held_ids_from(request):
    """IDs of responses this browser posted that still wait for approval."""
    return held_ids(request.COOKIES.get(HELD_COOKIE, ""))


def remember_held(request, page, response_pk):
    """Add a held response to the cookie `page` (an HTTP response) sets."""
    held = [*held_ids_from(request), response_pk][-MOST_REMEMBERED:]
    page.set_cookie(
        HELD_COOKIE,
        held_token(held),
        max_age=HELD_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
