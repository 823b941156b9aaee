"""Reads of accounts."""

from django.core.exceptions import ValidationError

from haima.core.text import normalize_email

from .models import User
from .usernames import normalize_username


def user_by_login(login: str) -> User | None:
    """The user whose email, else whose username, is ``login`` in any case.

    A login with "@" is an email address: usernames cannot contain "@"
    (haima.accounts.usernames), so an address always finds its owner. Only
    when no account has that address is it tried as a username, for the
    usernames with "@" made before the rule. A login without "@" is a
    username.
    """
    username = normalize_username(login)
    if not username:
        return None
    if "@" in username:
        try:
            email = normalize_email(login)
        except ValidationError:
            email = None
        user = email and User.objects.filter(email__iexact=email).first()
        if user:
            return user
    return User.objects.filter(username__iexact=username).first()
