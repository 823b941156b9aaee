"""The profile in the 账户中心: what the overview shows, and the username change.

The overview shows the account's own facts, the address and phone masked
(``m***@example.cn``, ``138****8000``) as the audit trail keeps them: the
page may be on a shared screen, and re-authentication guards the pages that
show or change them whole.

A username may change once in USERNAME_CHANGE_DAYS, by the same rules as at
sign-up (haima.accounts.usernames) and taken regardless of case. It asks for
no re-authentication: it is a public name, not a way in (sign-in by name
still needs the password). Each change is audited (``username_changed``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from haima.accounts.models import User
from haima.accounts.phones import mask_phone
from haima.accounts.services.registration import USERNAME_TAKEN
from haima.audit.masking import mask_email
from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed

USERNAME_CHANGE_DAYS = 30
USERNAME_UNCHANGED = _("That is your username already.")
USERNAME_TOO_SOON = _(
    "You can change your username once in %(days)d days; the next change is "
    "possible from %(date)s."
)
USERNAME_CHANGED = _("Your username is now %(username)s.")


def _now() -> datetime:
    """The time now; a seam for tests, as Django's tokens.py has."""
    return timezone.now()


@dataclass(frozen=True)
class Profile:
    """The account as its owner sees it on the overview and in ``GET account``."""

    username: str
    email: str | None  # masked
    phone: str | None  # masked
    date_joined: datetime
    last_login: datetime | None
    has_password: bool
    username_next_change_at: datetime | None  # None: may change now


def username_next_change_at(*, user: User) -> datetime | None:
    """When the username may change again, or None if it may now."""
    if user.username_changed_at is None:
        return None
    allowed = user.username_changed_at + timedelta(days=USERNAME_CHANGE_DAYS)
    return allowed if allowed > _now() else None


def profile_read(*, user: User) -> Profile:
    return Profile(
        username=user.get_username(),
        email=mask_email(user.email) if user.email else None,
        phone=mask_phone(user.phone) if user.phone else None,
        date_joined=user.date_joined,
        last_login=user.last_login,
        has_password=user.has_usable_password(),
        username_next_change_at=username_next_change_at(user=user),
    )


def username_too_soon_message(when: datetime) -> str:
    return USERNAME_TOO_SOON % {
        "days": USERNAME_CHANGE_DAYS,
        "date": date_format(timezone.localtime(when), "Y-m-d H:i"),
    }


def username_change(*, user: User, username: str, context: RequestContext) -> User:
    """Rename ``user`` to ``username`` (normalised and checked by
    UsernameChangeForm); ValidationFailed on ``username`` when it is the
    current name, when the last change is under USERNAME_CHANGE_DAYS old
    (saying when the next is possible) or when the name is taken.

    The row is locked while deciding, so two changes sent at once cannot
    both pass the 30-day rule; the database's case-insensitive unique
    constraint decides between two accounts taking one name at once.
    """
    try:
        with transaction.atomic():
            account = User.objects.select_for_update().get(pk=user.pk)
            if account.username == username:
                raise ValidationFailed.single(USERNAME_UNCHANGED, "username")
            next_at = username_next_change_at(user=account)
            if next_at is not None:
                raise ValidationFailed.single(
                    username_too_soon_message(next_at), "username"
                )
            taken = (
                User.objects.filter(username__iexact=username)
                .exclude(pk=account.pk)
                .exists()
            )
            if taken:
                raise ValidationFailed.single(USERNAME_TAKEN, "username")
            account.username = username
            account.username_changed_at = _now()
            account.save(update_fields=["username", "username_changed_at"])
    except IntegrityError:
        raise ValidationFailed.single(USERNAME_TAKEN, "username") from None
    old = user.username
    user.username = account.username
    user.username_changed_at = account.username_changed_at
    event_record(
        Kind.USERNAME_CHANGED, user=user, typed=old, code="username", context=context
    )
    return user


def username_changed_message(user: User) -> str:
    return USERNAME_CHANGED % {"username": user.get_username()}
