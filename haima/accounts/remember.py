"""The 记住用户名 cookie: signed, HttpOnly, SameSite=Lax, kept 7 days.

The value is Django-signed JSON in base64, so a username in Chinese travels
in a cookie, which must be ASCII, and cannot be forged.
"""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE = "remembered_username"
SALT = "haima.accounts.remember"
MAX_AGE = 7 * 24 * 3600


def remembered_username(request: HttpRequest) -> str:
    try:
        return signing.loads(
            request.COOKIES.get(COOKIE, ""), salt=SALT, max_age=MAX_AGE
        )
    except signing.BadSignature:
        return ""


def remember_username(response: HttpResponse, username: str | None) -> None:
    """Set the cookie to ``username``, or delete it when None."""
    if username is None:
        response.delete_cookie(COOKIE, samesite="Lax")
        return
    response.set_cookie(
        COOKIE,
        signing.dumps(username, salt=SALT),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
