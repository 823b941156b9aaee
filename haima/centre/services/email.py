"""Changing the account's email: asked for, confirmed from the new mailbox,
told to the old one, undone by its owner ("this was not me").

1. ``email_change_request`` (after re-authentication, haima.centre.reauth)
   sends a confirmation link to the new address; nothing changes yet.
2. ``email_change_confirm`` (the link's POST) changes the address, the
   database's unique constraint deciding a race, and mails the old address a
   notice with a "this was not me" link (haima.centre.tokens).
3. ``email_change_undo`` (that link's POST) locks the account (``locked_at``),
   ends all its sessions and gives the account its old address back, so that
   the owner can reset the password from their own mailbox; the lock refuses
   every sign-in door (haima.accounts.services.login.signin_allowed_check)
   until that reset (password_reset_confirm lifts it).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haima.accounts.emails import duration_text
from haima.accounts.models import User
from haima.accounts.services.registration import EMAIL_TAKEN
from haima.accounts.tokens import TokenError
from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, ValidationFailed
from haima.core.sessions.listing import user_sessions_delete
from haima.mail.services import email_queue

from ..notices import EMAIL_CHANGED, security_notice_queue
from ..tokens import (
    EMAIL_CHANGE_MAX_AGE,
    NOT_ME_MAX_AGE,
    email_change_token_make,
    email_change_token_read,
    not_me_token_make,
    not_me_token_read,
    not_me_token_spend,
)

SAME_EMAIL = _("This is already your email address.")
CHANGE_SENT = _(
    "We sent a confirmation link to %(email)s. Your address changes once you open it."
)
CHANGE_LINK_INVALID = _("The confirmation link is invalid, used or expired.")
CHANGE_LINK_EXPIRED = _("The confirmation link has expired. Please ask for a new one.")
NOT_ME_LINK_INVALID = _("The link is invalid, used or expired.")


class EmailLinkInvalid(ApplicationError):
    """400 ``invalid`` or ``expired``: a link that cannot be used (any more)."""

    def __init__(self, reason: str, message=CHANGE_LINK_INVALID):
        if reason == "expired" and message is CHANGE_LINK_INVALID:
            message = CHANGE_LINK_EXPIRED
        reason = "expired" if reason == "expired" else "invalid"
        super().__init__(message, reason=reason)


def _link(url_name: str, token: str) -> str:
    return settings.SITE_URL + reverse(url_name, kwargs={"token": token})


def _taken(email: str, user: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


def email_change_request(*, user: User, email: str, context: RequestContext) -> None:
    """Send a confirmation link to ``email`` (already in its one spelling,
    haima.accounts.forms.EmailField). The caller has re-authenticated, so
    saying the address is another account's tells its owner nothing new
    about anyone else that registration would not."""
    if (user.email or "").lower() == email.lower():
        raise ValidationFailed.single(SAME_EMAIL, "email")
    if _taken(email, user):
        raise ValidationFailed.single(EMAIL_TAKEN, "email")
    email_queue(
        to=email,
        user=user,
        template="email_change_confirm",
        context={
            "user": user,
            "new_email": email,
            "link": _link(
                "centre:email_confirm",
                email_change_token_make(user=user, email=email),
            ),
            "valid_for": duration_text(EMAIL_CHANGE_MAX_AGE),
        },
    )
    event_record(Kind.EMAIL_CHANGE_REQUESTED, user=user, typed=email, context=context)


def email_change_user(*, token: str) -> tuple[User, str]:
    """The account and new address of a confirmation link, without using it."""
    try:
        user, email = email_change_token_read(token)
    except TokenError as error:
        raise EmailLinkInvalid(error.reason) from None
    if not user.is_active or user.locked_at is not None:
        raise EmailLinkInvalid("invalid")
    return user, email


def email_change_confirm(*, token: str, context: RequestContext | None = None) -> User:
    """Change the address; the old one gets a notice (if there was one)."""
    with transaction.atomic():
        user, email = email_change_user(token=token)
        user = User.objects.select_for_update().get(pk=user.pk)
        email_change_user(token=token)  # again, under the row's lock
        old_email = user.email
        if _taken(email, user):
            raise ValidationFailed.single(EMAIL_TAKEN, "email")
        try:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(email=email)
        except IntegrityError:  # taken by a sign-up in the meantime
            raise ValidationFailed.single(EMAIL_TAKEN, "email") from None
        user.email = email
        event_record(Kind.EMAIL_CHANGED, user=user, typed=email, context=context)
        if old_email:
            security_notice_queue(
                user=user,
                kind=EMAIL_CHANGED,
                context=context,
                old_email=old_email,
                new_email=email,
            )
    return user


def email_changed_notice_queue(
    *, user: User, old_email: str, new_email: str, details: dict
) -> None:
    """Mail the old address that the email changed, with "this was not me"."""
    token = not_me_token_make(user=user, old_email=old_email, new_email=new_email)
    email_queue(
        to=old_email,
        user=user,
        template="email_changed_notice",
        context={
            **details,
            "old_email": old_email,
            "new_email": new_email,
            "link": _link("centre:email_not_me", token),
            "valid_for": duration_text(NOT_ME_MAX_AGE),
        },
    )


def email_not_me_user(*, token: str) -> tuple[User, str, str]:
    """The account, old and new address of a "not me" link, without using it."""
    try:
        return not_me_token_read(token)
    except TokenError as error:
        raise EmailLinkInvalid(error.reason, NOT_ME_LINK_INVALID) from None


def email_change_undo(*, token: str, context: RequestContext | None = None) -> User:
    """ "This was not me": lock the account, end its sessions, and give it
    back the old address if nobody has taken it since."""
    user, old_email, new_email = email_not_me_user(token=token)
    if not not_me_token_spend(token):  # a double click, or a replay
        raise EmailLinkInvalid("invalid", NOT_ME_LINK_INVALID)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.locked_at = timezone.now()
        fields = ["locked_at"]
        if (user.email or "").lower() == new_email.lower() and not User.objects.filter(
            email__iexact=old_email
        ).exclude(pk=user.pk).exists():
            user.email = old_email
            fields.append("email")
        try:
            with transaction.atomic():
                user.save(update_fields=fields)
        except IntegrityError:  # the old address was taken this instant
            user.refresh_from_db(fields=["email"])
            user.save(update_fields=["locked_at"])
    user_sessions_delete(user=user)
    event_record(Kind.ACCOUNT_LOCKED, user=user, code="not_me", context=context)
    return user
