"""Signed tokens the blog hands out: in email links (confirm a subscription, unsubscribe,
mute replies) and in the cookie that remembers a visitor's held responses. Each kind has
its own salt, so a token of one kind is never accepted as another."""

from django.core import signing

CONFIRM_SALT = "blog.subscribe.confirm"
UNSUBSCRIBE_SALT = "blog.subscribe.unsubscribe"
MUTE_SALT = "blog.mute-replies"
HELD_SALT = "blog.held-responses"
HELD_DAYS = 30


def confirm_token(email):
    return signing.dumps(email.lower(), salt=CONFIRM_SALT)


def confirmed_email(token, max_age):
    """The address a confirmation token was made for; raises signing.SignatureExpired or
    signing.BadSignature."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)


def unsubscribe_token(email):
    return signing.dumps(email.lower(), salt=UNSUBSCRIBE_SALT)


def unsubscribed_email(token):
    """The address an unsubscribe token was made for; raises signing.BadSignature."""
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def mute_token(email, post_pk):
    return signing.dumps([email.lower(), post_pk], salt=MUTE_SALT)


def muted_email_and_post(token):
    """(email, post pk) of a mute token, or None when it is not one."""
    try:
        email, post_pk = signing.loads(token, salt=MUTE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return email, post_pk


def held_token(ids):
    return signing.dumps(ids, salt=HELD_SALT)


def held_ids(token):
    """The response ids a held-responses cookie names, or [] when it is not one."""
    try:
        return signing.loads(token, salt=HELD_SALT, max_age=HELD_DAYS * 86400)
    except (signing.BadSignature, ValueError):
        return []
