"""What staff and the user see of a user's sessions, and how they end them.

The sessions come from the per-user index (haima.core.sessions.index), read
with one multi-get; ended ones leave it as they are found. Nothing shown
carries a session key: listings name a session by a short digest.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from . import EXPIRY_KEY, SEEN_KEY
from .index import _index, _live, _live_data_many, _store_class


@dataclass(frozen=True)
class SessionInfo:
    """One live session, as staff may see it: never its key."""

    digest: str  # the first characters of the key's SHA-256
    started_at: datetime | None
    ip: str
    user_agent: str
    remembered: bool  # "remember me": lasts SESSION_COOKIE_AGE
    last_seen_at: datetime | None  # browser-length sessions note their use
    current: bool = False  # the session of whoever asked (``current_key``)

    @property
    def last_active_at(self) -> datetime | None:
        """When it was last seen in use: a browser-length session notes that
        every tenth of the idle timeout (SessionIdleMiddleware); a remembered
        one is known only to have begun."""
        return self.last_seen_at or self.started_at


def session_digest(session_key: str | None) -> str:
    """The short name of a session in listings (never the key itself)."""
    if not session_key:
        return ""
    return hashlib.sha256(session_key.encode()).hexdigest()[:10]


def _time(timestamp) -> datetime | None:
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def user_sessions(*, user, current_key: str | None = None) -> list[SessionInfo]:
    """The user's live sessions, newest first (ended ones leave the index).

    ``current_key``: the asking session's key, whose entry is marked
    ``current``.
    """
    sessions = [
        SessionInfo(
            digest=session_digest(session_key),
            started_at=_time(entry.get("at")),
            ip=entry.get("ip", ""),
            user_agent=entry.get("ua", ""),
            remembered=data.get(EXPIRY_KEY) != 0,
            last_seen_at=_time(data.get(SEEN_KEY)),
            current=bool(current_key) and session_key == current_key,
        )
        for session_key, (entry, data) in _live(_index(user.pk), user.pk).items()
    ]
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(sessions, key=lambda info: info.started_at or epoch, reverse=True)


def user_sessions_delete(*, user, keep_key: str | None = None) -> int:
    """Delete every session of ``user`` from the store; return how many lived.

    Each indexed key is deleted, live or not (deleting is idempotent), and
    only those keys leave the index: a sign-in at this very moment keeps its
    own entry, and whoever ends sessions can look again. ``keep_key``: a
    session to spare (the asker's own, for "end all other sessions").
    """
    index = _index(user.pk)
    keys = [key for key in index.entries() if key != keep_key]
    live = sum(data is not None for data in _live_data_many(keys, user.pk).values())
    store = _store_class()()
    for session_key in keys:
        store.delete(session_key)
    index.remove(*keys)
    return live


def user_session_delete(*, user, digest: str) -> bool:
    """Delete the session of ``user`` listed as ``digest``; return whether
    it lived. Only ``user``'s own indexed keys are looked at, so a digest
    can never end someone else's session."""
    index = _index(user.pk)
    keys = [key for key in index.entries() if session_digest(key) == digest]
    live = any(data is not None for data in _live_data_many(keys, user.pk).values())
    store = _store_class()()
    for session_key in keys:
        store.delete(session_key)
    index.remove(*keys)
    return live
