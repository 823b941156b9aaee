"""Re-authentication ("sudo mode") before a sensitive change in the 账户中心.

A signed-in session proves who someone was when they signed in, not who
sits at the screen now. Changing the email, the phone, ending sessions,
downloading one's data or cancelling the account first asks again for the
password or an SMS code to the bound phone, through the sign-in policy
(the PASSWORD_CONFIRM and SMS_CODE doors); the proof lasts REAUTH_MAX_AGE
seconds (10 minutes) in this session only.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from haima.accounts.models import User
from haima.accounts.signin_policy import (
    PASSWORD_CONFIRM,
    SMS_CODE,
    account_subject,
    signin_attempt,
)
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, ValidationFailed
from haima.sms.codes import SmsCodeRejected, sms_code_verify
from haima.sms.models import SmsSend

SESSION_KEY = "haima.reauth_at"
REAUTH_NEEDED = _("Please confirm it is you first.")
WRONG_PASSWORD = _("The password is wrong.")
NO_PHONE = _("No phone is bound to this account.")


class ReauthRequired(ApplicationError):
    """403 ``reauth_required``: prove it is you (account/reauth), then retry."""

    status = 403
    default_message = REAUTH_NEEDED

    def __init__(self):
        super().__init__(reason="reauth_required")


def reauth_fresh(request) -> bool:
    """Whether this session re-authenticated within REAUTH_MAX_AGE."""
    at = request.session.get(SESSION_KEY)
    return at is not None and time.time() - at <= settings.REAUTH_MAX_AGE


def reauth_check(request) -> None:
    """Raise ReauthRequired unless this session re-authenticated lately."""
    if not reauth_fresh(request):
        raise ReauthRequired()


def _confirmed(request) -> None:
    request.session[SESSION_KEY] = time.time()


def reauth_by_password(*, request, user: User, password: str) -> None:
    """Confirm with the account's password (ValidationFailed if wrong)."""
    with signin_attempt(
        door=PASSWORD_CONFIRM,
        subject=account_subject(user),
        context=RequestContext.from_request(request),
    ) as attempt:
        if not user.has_usable_password() or not user.check_password(password):
            attempt.failed(code="reauth_wrong_password", user=user)
            raise ValidationFailed.single(WRONG_PASSWORD, "password")
        attempt.succeeded(user=user)
    _confirmed(request)


def reauth_by_sms(*, request, user: User, code: str) -> None:
    """Confirm with a code texted to the bound phone (purpose ``login``)."""
    if not user.phone:
        raise ValidationFailed.single(NO_PHONE, "code")
    with signin_attempt(
        door=SMS_CODE,
        subject=user.phone,
        context=RequestContext.from_request(request),
    ) as attempt:
        try:
            sms_code_verify(phone=user.phone, purpose=SmsSend.Purpose.LOGIN, code=code)
        except SmsCodeRejected as rejected:
            attempt.failed(code=f"reauth_code_{rejected.reason}", user=user)
            raise
        attempt.succeeded(user=user)
    _confirmed(request)


def reauth_forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def reauth_required(view):
    """For pages: send a session that has not re-authenticated lately to the
    confirmation page, which comes back here afterwards."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not reauth_fresh(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('centre:reauth')}?{query}")
        return view(request, *args, **kwargs)

    return guarded
