"""The 账户中心 in the JSON API, under /api/v1/account/ (signed-in only)."""

from datetime import UTC, datetime
from http import HTTPStatus

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.security import SessionAuth

from haima.accounts.schemas import TokenIn, UserData
from haima.api.envelope import (
    ANY_CALL,
    STATE_CHANGING,
    WITH_BODY,
    Envelope,
    envelope,
    error_responses,
)
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed

from .forms import (
    CancelForm,
    EmailChangeForm,
    ReauthCodeForm,
    ReauthPasswordForm,
    UsernameChangeForm,
)
from .reauth import (
    SESSION_KEY,
    reauth_by_password,
    reauth_by_sms,
    reauth_check,
    reauth_fresh,
)
from .services.cancel import CANCEL_DONE, account_cancel, account_cancel_undo
from .services.email import (
    CHANGE_SENT,
    email_change_confirm,
    email_change_request,
    email_change_undo,
)
from .services.export import personal_data_export
from .services.phone import phone_remove, phone_removed_message
from .services.profile import profile_read, username_change, username_changed_message
from .services.sessions import (
    device_list,
    session_end,
    session_ended_message,
    sessions_end_others,
    sessions_ended_message,
)

router = Router(tags=["account centre"])


# --- Email (item 3): change, confirm from the new mailbox, "this was not me" ---

_email_auth = SessionAuth(csrf=False)  # ApiCsrfViewMiddleware checks CSRF


class EmailChangeIn(Schema):
    email: str


@router.post(
    "email",
    response={
        200: Envelope[None],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED),
    },
    auth=_email_auth,
    url_name="account_email",
)
def email_change(request, payload: EmailChangeIn):
    """Send a confirmation link to a new address; the address changes only
    when it is confirmed (``email/confirm``). 403 ``reauth_required`` unless
    this session confirmed it is you lately (``account/reauth``); 400 with
    ``errors.email`` for a bad, unchanged or taken address."""
    reauth_check(request)
    form = EmailChangeForm({"email": payload.email})
    if not form.is_valid():
        raise ValidationFailed.from_form(form)
    email = form.cleaned_data["email"]
    email_change_request(
        user=request.auth, email=email, context=RequestContext.from_request(request)
    )
    return envelope(None, message=CHANGE_SENT % {"email": email})


@router.post(
    "email/confirm",
    response={200: Envelope[UserData], **error_responses(WITH_BODY)},
    url_name="account_email_confirm",
)
def email_confirm(request, payload: TokenIn):
    """Change the address with the token mailed to it (no session needed).

    400 ``expired``, or ``invalid`` for a tampered or used token or one
    made before the address last changed; 400 with ``errors.email`` when
    another account took the address meanwhile. The old address is told.
    """
    user = email_change_confirm(
        token=payload.token, context=RequestContext.from_request(request)
    )
    return envelope({"user": user})


@router.post(
    "email/not-me",
    response={200: Envelope[None], **error_responses(WITH_BODY)},
    url_name="account_email_not_me",
)
def email_not_me(request, payload: TokenIn):
    """Answer "this was not me" with the token mailed to the old address: lock the
    account until a password reset, end its sessions, restore the old
    address. 400 ``expired`` or ``invalid`` (also once used)."""
    email_change_undo(token=payload.token, context=RequestContext.from_request(request))
    return envelope(None)


# --- Phone (item 4): removal (binding and changing: POST /api/v1/sms/bind) ---

_phone_auth = SessionAuth(csrf=False)  # ApiCsrfViewMiddleware checks CSRF


@router.post(
    "phone/remove",
    response={
        200: Envelope[UserData],
        **error_responses(
            STATE_CHANGING, HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED
        ),
    },
    auth=_phone_auth,
    url_name="account_phone_remove",
)
def account_phone_remove(request):
    """Unbind the signed-in user's phone. 403 ``reauth_required`` unless this
    session confirmed it is you lately; 400 ``password_required`` when the
    phone is the only way in (no password: set one first), ``no_phone``
    when none is bound."""
    reauth_check(request)
    user = request.auth
    phone = phone_remove(user=user, context=RequestContext.from_request(request))
    return envelope({"user": user}, message=phone_removed_message(phone))


# --- Devices and sessions (item 5): list, end one, end all others ---


class DeviceOut(Schema):
    digest: str
    device: str
    ip: str
    started_at: datetime | None
    last_active_at: datetime | None
    current: bool


class DevicesData(Schema):
    sessions: list[DeviceOut]


class SessionEndIn(Schema):
    digest: str


class SessionsEndedData(Schema):
    ended: int


@router.get(
    "sessions",
    response={
        200: Envelope[DevicesData],
        **error_responses(ANY_CALL, HTTPStatus.UNAUTHORIZED),
    },
    auth=_phone_auth,
    url_name="account_sessions",
)
def account_sessions(request):
    """The signed-in user's live sessions, the most recently active first:
    device ("Chrome · Windows"), IP, sign-in and last activity, ``current``
    for this one, and the ``digest`` that names it for ``sessions/end``."""
    devices = device_list(user=request.auth, current_key=request.session.session_key)
    return envelope({"sessions": devices})


@router.post(
    "sessions/end",
    response={
        200: Envelope[SessionsEndedData],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND),
    },
    auth=_phone_auth,
    url_name="account_session_end",
)
def account_session_end(request, payload: SessionEndIn):
    """Sign out the device of one session, on whichever web process it calls.
    403 ``reauth_required`` unless confirmed lately; 404 ``session_ended``
    for no live session of yours with that digest; 400 ``current_session``
    for this very session (sign out instead)."""
    reauth_check(request)
    device = session_end(
        user=request.auth,
        digest=payload.digest,
        current_key=request.session.session_key,
        context=RequestContext.from_request(request),
    )
    return envelope({"ended": 1}, message=session_ended_message(device))


@router.post(
    "sessions/end-others",
    response={
        200: Envelope[SessionsEndedData],
        **error_responses(STATE_CHANGING, HTTPStatus.UNAUTHORIZED),
    },
    auth=_phone_auth,
    url_name="account_sessions_end_others",
)
def account_sessions_end_others(request):
    """Sign out every other device, keeping this session. 403
    ``reauth_required`` unless confirmed lately; ``ended`` says how many."""
    reauth_check(request)
    ended = sessions_end_others(
        user=request.auth,
        current_key=request.session.session_key,
        context=RequestContext.from_request(request),
    )
    return envelope({"ended": ended}, message=sessions_ended_message(ended))


# --- Personal information (item 7) and 注销 (item 8) ---

_own_auth = SessionAuth(csrf=False)  # ApiCsrfViewMiddleware checks CSRF


class CancelIn(Schema):
    confirm: str


class CancelUndoIn(Schema):
    token: str
    remember: bool = False


@router.get(
    "export",
    response={
        200: Envelope[dict],
        **error_responses(ANY_CALL, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN),
    },
    auth=_own_auth,
    url_name="account_export",
)
def account_export(request):
    """Everything kept about the signed-in account, as ``data`` (the page
    offers the same document as a file). 403 ``reauth_required`` unless this
    session confirmed it is you lately. Never the password hash, email
    bodies or session keys; SMS records are matched by masked number."""
    reauth_check(request)
    return envelope(personal_data_export(user=request.auth))


@router.post(
    "cancel",
    response={
        200: Envelope[None],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED),
    },
    auth=_own_auth,
    url_name="account_cancel",
)
def account_cancel_endpoint(request, payload: CancelIn):
    """Cancel the account (注销): ``confirm`` is 注销 or DELETE. It stops at once
    and every session ends, this one included; signing in within
    ACCOUNT_DELETION_DAYS answers 403 ``cancellation_pending`` with
    ``undo_token`` (see ``cancel/undo``), after which it is erased. 403
    ``reauth_required`` unless this session confirmed it is you lately; 400
    with ``errors.confirm`` for another word."""
    reauth_check(request)
    form = CancelForm({"confirm": payload.confirm})
    if not form.is_valid():
        raise ValidationFailed.from_form(form)
    account_cancel(
        user=request.auth,
        confirm=form.cleaned_data["confirm"],
        context=RequestContext.from_request(request),
    )
    request.session.flush()  # ended in the store already; no second sign-out
    return envelope(None, message=CANCEL_DONE)


@router.post(
    "cancel/undo",
    response={200: Envelope[UserData], **error_responses(WITH_BODY)},
    url_name="account_cancel_undo",
)
def account_cancel_undo_endpoint(request, payload: CancelUndoIn):
    """Undo a cancellation with the ``undo_token`` of a refused sign-in (403
    ``cancellation_pending``): the account is active again and signed in
    (the session key and CSRF token rotate). 400 ``expired`` or ``invalid``
    (also once used): sign in again for a new token."""
    user = account_cancel_undo(
        request=request, token=payload.token, remember=payload.remember
    )
    return envelope({"user": user})


# --- Re-authentication and the profile (items 1 and 2) ---

_profile_auth = SessionAuth(csrf=False)  # ApiCsrfViewMiddleware checks CSRF
REAUTH_ONE_WAY = _("Send either your password or a code texted to your phone.")
CODE_MISSING = _("Enter the code we texted you.")


class ProfileOut(Schema):
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


class ReauthUntil(Schema):
    reauth_until: datetime | None


class AccountData(ReauthUntil):
    profile: ProfileOut


class ProfileData(Schema):
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
    auth=_profile_auth,
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
    auth=_profile_auth,
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
    auth=_profile_auth,
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
