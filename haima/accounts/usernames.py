"""Usernames people can tell apart, and never mistake for an email address.

NFKC folds full-width and compatibility forms (``ａｄｍｉｎ`` is ``admin``) and
uniqueness ignores case; the alphabet is Django's ``[\\w.@+-]`` narrowed to
ASCII letters, digits and Chinese characters, so that Cyrillic or Greek
look-alikes (``аdmin``) and invisible characters cannot make a second
"admin". The length is counted after NFKC, which can lengthen a name: ``㍿``
is the four characters ``株式会社``.

A username cannot contain "@". People sign in with a username or an email
address in one box; were ``ming@example.cn`` allowed as somebody's username,
the owner of that address could no longer sign in with it, whichever of the
two matches were made to win. Keeping "@" out of usernames makes the two
kinds of names disjoint for good: the rule is one sentence to explain, needs
no look-up of other accounts' addresses (which a concurrent sign-up or an
email change could race), and tells the sign-in at a glance which kind was
typed. Usernames with "@" made before the rule keep working (sign-in tries
the email addresses first, then them: haima.accounts.selectors); the system
check ``haima.accounts.W001`` counts them for the operator.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED = re.compile(r"[A-Za-z0-9.+\-_\u3400-\u4dbf\u4e00-\u9fff]+")
MAX_LENGTH = 150  # AbstractUser.username's column
USERNAME_REQUIRED = _("Please enter a username.")


def normalize_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def validate_username(username: str) -> None:
    """Check a normalised username (see normalize_username)."""
    if len(username) > MAX_LENGTH:
        raise ValidationError(
            _(
                "Use at most %(limit)d characters in your username; a symbol "
                "such as ㍿ counts as the characters it stands for "
                "(it has %(length)d)."
            ),
            code="username_too_long",
            params={"limit": MAX_LENGTH, "length": len(username)},
        )
    if "@" in username:
        raise ValidationError(
            _(
                "A username cannot contain @; you can sign in with your email "
                "address as well."
            ),
            code="username_at_sign",
        )
    if not ALLOWED.fullmatch(username):
        raise ValidationError(
            _(
                "Use only letters, digits, Chinese characters and . + - _ "
                "in your username."
            ),
            code="invalid_username",
        )
