"""Removing the account's phone (binding and changing it:
haima.accounts.services.sms_login.user_phone_bind).

Callers ask for re-authentication first (haima.centre.reauth). The phone is
a way in (SMS sign-in); removing it must leave another, and the other way
in is the password. So removal needs a usable password: an account made by
SMS sign-in has none until its owner sets one. An email address alone is
not enough, because a reset link would then be the only way in and the
account would hang on the mailbox.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from haima.accounts.models import User
from haima.accounts.phones import mask_phone
from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, Reason

from ..notices import PHONE_CHANGED, security_notice_queue

NO_PHONE = _("No phone is bound to this account.")
PASSWORD_FIRST = _(
    "Your phone is the only way into this account: set a password first, "
    "then remove the phone."
)
PHONE_REMOVED = _("Your phone %(phone)s is removed from this account.")


class PhoneRemoveRefused(ApplicationError):
    """400 ``no_phone``, or ``password_required`` when the phone is the only
    way in."""

    def __init__(self, reason: Reason, message):
        super().__init__(message, reason=reason)


def phone_remove(*, user: User, context: RequestContext) -> str:
    """Unbind ``user``'s phone; return the number it had (E.164).

    Raise PhoneRemoveRefused without a phone, or without a usable password.
    The change is audited and the account's address told.
    """
    if not user.phone:
        raise PhoneRemoveRefused(Reason.NO_PHONE, NO_PHONE)
    if not user.has_usable_password():
        raise PhoneRemoveRefused(Reason.PASSWORD_REQUIRED, PASSWORD_FIRST)
    phone = user.phone
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(phone=None)
    user.phone = None
    event_record(Kind.PHONE_REMOVED, user=user, typed=phone, context=context)
    security_notice_queue(user=user, kind=PHONE_CHANGED, context=context)
    return phone


def phone_removed_message(phone: str) -> str:
    return PHONE_REMOVED % {"phone": mask_phone(phone)}
