"""Sign-in by SMS code, creating the account on first use; binding a phone.

A verified code proves the phone is the caller's. For sign-in that is as
good as the password: it is never refused by a password lockout, and it
clears the account's failed password sign-ins (see signin_policy).
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from haima.audit.services import Kind, event_record
from haima.centre.notices import security_notice_queue
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed
from haima.sms.codes import SmsCodeRejected, sms_code_verify
from haima.sms.models import SmsSend
from haima.sms.services import sms_phone

from ..models import User
from ..signin_policy import SMS_CODE, SigninAttempt, signin_attempt
from .login import session_start, signin_allowed_check

PHONE_TAKEN = _("This number is already bound to another account.")
USERNAME_PREFIX = "用户"


@contextmanager
def _code_used(
    *, phone: str, purpose: str, code: str, context: RequestContext
) -> Iterator[SigninAttempt]:
    """Verify the code as a guarded attempt; a wrong code counts as a failure."""
    with signin_attempt(door=SMS_CODE, subject=phone, context=context) as attempt:
        try:
            sms_code_verify(phone=phone, purpose=purpose, code=code)
        except SmsCodeRejected as rejected:
            attempt.failed(code=f"code_{rejected.reason}")
            raise
        event_record(Kind.SMS_VERIFIED, typed=phone, code=purpose, context=context)
        yield attempt


def user_login_by_sms(
    *, request: HttpRequest, phone: str, code: str, remember: bool = False
) -> tuple[User, bool]:
    """Sign in the phone's user, creating an active one on first use.

    Returns the user and whether it was created. Raises SmsCodeRejected,
    AccountInactive for a deactivated account (AccountLocked for a locked
    one, CancellationPending for a cancelled one in its cooling-off),
    SigninLocked when the caller's network has failed too often.
    """
    phone = sms_phone(phone)
    context = RequestContext.from_request(request)
    with _code_used(
        phone=phone, purpose=SmsSend.Purpose.LOGIN, code=code, context=context
    ) as attempt:
        user, created = _user_for_phone(phone)
        signin_allowed_check(user=user, typed=phone)
        attempt.succeeded(user=user)
    if created:
        event_record(Kind.REGISTERED, user=user, typed=phone, code="sms")
    session_start(request=request, user=user, remember=remember, method="sms")
    return user, created


def _user_for_phone(phone: str) -> tuple[User, bool]:
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        return user, False
    for _attempt in range(5):
        username = f"{USERNAME_PREFIX}{secrets.token_hex(4)}"
        try:
            with transaction.atomic():
                user = User(username=username, phone=phone, is_active=True)
                user.set_unusable_password()
                user.save()
            return user, True
        except IntegrityError:
            # The phone signed up concurrently, or (rarely) the name is taken.
            existing = User.objects.filter(phone=phone).first()
            if existing is not None:
                return existing, False
    raise RuntimeError("could not generate a free username")


def user_phone_bind(
    *, user: User, phone: str, code: str, context: RequestContext
) -> User:
    """Bind (or change) ``user``'s phone once its code is verified.

    The code is checked first: whether a number is bound elsewhere is told
    only to whoever holds that number, and never to whom.
    """
    phone = sms_phone(phone)
    before = user.phone
    taken = ValidationFailed({"phone": [str(PHONE_TAKEN)]})
    with _code_used(
        phone=phone, purpose=SmsSend.Purpose.BIND, code=code, context=context
    ):
        if User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
            raise taken
        try:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(phone=phone)
        except IntegrityError:  # bound elsewhere in the meantime
            raise taken from None
    user.phone = phone
    event_record(Kind.PHONE_BOUND, user=user, typed=phone, context=context)
    if phone != before:
        security_notice_queue(user=user, kind="phone_changed", context=context)
    return user
