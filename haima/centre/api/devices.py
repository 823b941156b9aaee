"""The phone's removal and the devices and sessions, in the API."""

from datetime import datetime
from http import HTTPStatus

from ninja import Schema

from haima.accounts.api import session_auth
from haima.accounts.schemas import UserData
from haima.api.envelope import (
    ANY_CALL,
    STATE_CHANGING,
    WITH_BODY,
    Envelope,
    Out,
    envelope,
    error_responses,
)
from haima.core.context import RequestContext

from ..reauth import reauth_check
from ..services.phone import phone_remove, phone_removed_message
from ..services.sessions import (
    device_list,
    session_end,
    session_ended_message,
    sessions_end_others,
    sessions_ended_message,
)
from . import router

# --- Phone (item 4): removal (binding and changing: POST /api/v1/sms/bind) ---


@router.post(
    "phone/remove",
    response={
        200: Envelope[UserData],
        **error_responses(
            STATE_CHANGING, HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED
        ),
    },
    auth=session_auth,
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


class DeviceOut(Out):
    digest: str
    device: str
    ip: str
    started_at: datetime | None
    last_active_at: datetime | None
    current: bool


class DevicesData(Out):
    sessions: list[DeviceOut]


class SessionEndIn(Schema):
    digest: str


class SessionsEndedData(Out):
    ended: int


@router.get(
    "sessions",
    response={
        200: Envelope[DevicesData],
        **error_responses(ANY_CALL, HTTPStatus.UNAUTHORIZED),
    },
    auth=session_auth,
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
    auth=session_auth,
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
    auth=session_auth,
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
