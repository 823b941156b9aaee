"""Reads of accounts."""

from django.db.models import Q

from .models import User
from .usernames import normalize_username


def user_by_login(login: str) -> User | None:
    """The user whose username, else whose email, is ``login`` in any case.

    Usernames may contain "@", so a username match wins over an email match.
    """
    login = normalize_username(login)
    if not login:
        return None
    query = Q(username__iexact=login) | Q(email__iexact=login)
    matches = sorted(
        User.objects.filter(query)[:2],
        key=lambda user: user.username.lower() != login.lower(),
    )
    return matches[0] if matches else None
