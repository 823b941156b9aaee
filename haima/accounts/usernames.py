"""Usernames people can tell apart.

NFKC folds full-width and compatibility forms (``ａｄｍｉｎ`` is ``admin``) and
uniqueness ignores case; the alphabet is Django's ``[\\w.@+-]`` narrowed to
ASCII letters, digits and Chinese characters, so that Cyrillic or Greek
look-alikes (``аdmin``) and invisible characters cannot make a second
"admin".
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED = re.compile(r"[A-Za-z0-9@.+\-_\u3400-\u4dbf\u4e00-\u9fff]+")
MAX_LENGTH = 150


def normalize_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def validate_username(username: str) -> None:
    if not ALLOWED.fullmatch(username):
        raise ValidationError(
            _(
                "Use only letters, digits, Chinese characters and @ . + - _ "
                "in your username."
            ),
            code="invalid_username",
        )
