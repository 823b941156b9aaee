"""Re-authentication and the profile, in the API."""

from datetime import UTC, datetime
from http import HTTPStatus

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from haima.accounts.api import session_auth
from haima.api.envelope import (
    ANY_CALL,
    WITH_BODY,
    Envelope,
    Out,
    envelope,
    error_responses,
)
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed

from ..forms import (
    ReauthCodeForm,
    ReauthPasswordForm,
    UsernameChangeForm,
)
from ..reauth import (
    SESSION_KEY,
    reauth_by_password,
    reauth_by_sms,
    reauth_fresh,
)
from ..services.profile import profile_read, username_change, username_changed_message
from . import router

# --- Re-authentication and the profile (items 1 and 2) ---

REAUTH_ONE_WAY = _("Send either your password or a code texted to your phone.")
CODE_MISSING = _("Enter the code we texted you.")


class ProfileOut(Out):
    """The account as the overview shows it: email and phone masked
    (``me`` gives them whole); ``username_next_change_at`` null when the
    username may change now."""

    username: str
    email: str | None
    phone: str | None
    date_joined: datetime
    last_login: datetime | None
    has_password: bool
    username_next_change_at: datetime | None


class ReauthUntil(Out):
    reauth_until: datetime | None


class AccountData(ReauthUntil):
    profile: ProfileOut


class ProfileData(Out):
    profile: ProfileOut


class ReauthIn(Schema):
    password: str | None = None
    code: str | None = None


class UsernameIn(Schema):
    username: str


def _reauth_until(request) -> datetime | None:
    """Until when this session's confirmation lasts, or None if it has none."""
    if not reauth_fresh(request):
        return None
    until = request.session[SESSION_KEY] + settings.REAUTH_MAX_AGE
    return datetime.fromtimestamp(until, tz=UTC)


@router.get(
    "",
    response={
        200: Envelope[AccountData],
        **error_responses(ANY_CALL, HTTPStatus.UNAUTHORIZED),
    },
    auth=session_auth,
    url_name="account",
)
def account_overview(request):
    """The signed-in user's profile, and until when this session has
    confirmed it is you (``reauth_until``, null if not lately)."""
    return envelope(
        {
            "profile": profile_read(user=request.auth),
            "reauth_until": _reauth_until(request),
        }
    )


@router.post(
    "reauth",
    response={
        200: Envelope[ReauthUntil],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED),
    },
    auth=session_auth,
    url_name="account_reauth",
)
def account_reauth(request, payload: ReauthIn):
    """Confirm it is you with ``password`` or a ``code`` from ``sms/send``
    (purpose ``login``, to the bound phone), for REAUTH_MAX_AGE seconds in
    this session: the centre's sensitive calls answer 403
    ``reauth_required`` without it. 400 with ``errors.password`` or
    ``errors.code`` when wrong (a code: ``data.reason`` ``invalid``,
    ``expired`` or ``spent``); wrong passwords count towards the sign-in
    policy's lockout (429 ``locked``)."""
    user = request.auth
    if (payload.password is None) == (payload.code is None):
        raise ValidationFailed.single(REAUTH_ONE_WAY)
    if payload.password is not None:
        form = ReauthPasswordForm({"password": payload.password})
        if not form.is_valid():
            raise ValidationFailed.from_form(form)
        reauth_by_password(
            request=request, user=user, password=form.cleaned_data["password"]
        )
    else:
        form = ReauthCodeForm({"code": payload.code})
        if not form.is_valid():
            raise ValidationFailed.from_form(form)
        if not form.cleaned_data["code"]:
            raise ValidationFailed.single(CODE_MISSING, "code")
        reauth_by_sms(request=request, user=user, code=form.cleaned_data["code"])
    return envelope({"reauth_until": _reauth_until(request)})


@router.post(
    "username",
    response={
        200: Envelope[ProfileData],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED),
    },
    auth=session_auth,
    url_name="account_username",
)
def account_username(request, payload: UsernameIn):
    """Change the username, by the sign-up rules, once in 30 days (no
    re-authentication). 400 with ``errors.username`` for a name the rules
    refuse, the current name, a taken one (any case), or a change within 30
    days of the last (the message says from when)."""
    form = UsernameChangeForm({"username": payload.username})
    if not form.is_valid():
        raise ValidationFailed.from_form(form)
    user = username_change(
        user=request.auth,
        username=form.cleaned_data["username"],
        context=RequestContext.from_request(request),
    )
    return envelope(
        {"profile": profile_read(user=user)}, message=username_changed_message(user)
    )
