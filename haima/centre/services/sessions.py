"""The account's devices: its live sessions, listed and ended by their owner.

The sessions come from the per-user index (haima.core.sessions.index), each
named by a short digest of its key, never the key. "This device" is the
session whose key the caller holds: the pages and the API pass
``request.session.session_key`` as ``current_key``. Ending a session deletes
it from the session store (Redis or the database), which every web process
reads, so the device is signed out at its next request wherever it lands.
Callers ask for re-authentication first (haima.centre.reauth).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from haima.accounts.models import User
from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, Reason
from haima.core.sessions.listing import (
    session_digest,
    user_session_delete,
    user_sessions,
    user_sessions_delete,
)

from ..devices import device_name

SESSION_GONE = _("That session has already ended.")
THIS_SESSION = _("This is the device you are using: sign out instead.")
SESSION_ENDED = _("The session on %(device)s is ended.")


@dataclass(frozen=True)
class Device:
    """One live session as its owner sees it."""

    digest: str
    device: str  # "Chrome · Windows", in the active language
    ip: str
    started_at: datetime | None
    last_active_at: datetime | None
    current: bool


class SessionNotFound(ApplicationError):
    """404 ``session_ended``: no live session of yours has that digest."""

    status = 404
    default_message = SESSION_GONE

    def __init__(self):
        super().__init__(reason=Reason.SESSION_ENDED)


class CurrentSessionRefused(ApplicationError):
    """400 ``current_session``: ending the asker's own session is signing out."""

    default_message = THIS_SESSION

    def __init__(self):
        super().__init__(reason=Reason.CURRENT_SESSION)


_EPOCH = datetime.min.replace(tzinfo=UTC)


def device_list(*, user: User, current_key: str | None) -> list[Device]:
    """``user``'s live sessions, the most recently active first."""
    now = timezone.now()  # the caller's own session is in use right now
    devices = [
        Device(
            digest=info.digest,
            device=device_name(info.user_agent),
            ip=info.ip,
            started_at=info.started_at,
            last_active_at=now if info.current else info.last_active_at,
            current=info.current,
        )
        for info in user_sessions(user=user, current_key=current_key)
    ]
    return sorted(
        devices, key=lambda device: device.last_active_at or _EPOCH, reverse=True
    )


def session_end(
    *, user: User, digest: str, current_key: str | None, context: RequestContext
) -> Device:
    """End ``user``'s session listed as ``digest``; return the device it was.

    Raise CurrentSessionRefused for the caller's own session, SessionNotFound
    when no live session of ``user``'s has that digest (ended already, say).
    """
    if digest and digest == session_digest(current_key):
        raise CurrentSessionRefused()
    device = next(
        (
            d
            for d in device_list(user=user, current_key=current_key)
            if d.digest == digest
        ),
        None,
    )
    if device is None or not user_session_delete(user=user, digest=digest):
        raise SessionNotFound()
    event_record(
        Kind.SESSIONS_ENDED, user=user, code="one", context=context, sessions=1
    )
    return device


def sessions_end_others(
    *, user: User, current_key: str | None, context: RequestContext
) -> int:
    """End every session of ``user`` but the caller's; return how many lived."""
    ended = user_sessions_delete(user=user, keep_key=current_key)
    event_record(
        Kind.SESSIONS_ENDED, user=user, code="others", context=context, sessions=ended
    )
    return ended


def session_ended_message(device: Device) -> str:
    return SESSION_ENDED % {"device": device.device}


def sessions_ended_message(count: int) -> str:
    return ngettext(
        "%(count)d other session is ended.",
        "%(count)d other sessions are ended.",
        count,
    ) % {"count": count}
