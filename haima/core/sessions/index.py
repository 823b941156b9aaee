"""Which sessions a user holds, so that staff can list them and end them all,
and the user can see their devices in the 账户中心 and end one or the others.

A session store answers "what is in session K", never "which sessions are
user U's": the cache store's keys are random, and the database store keeps
the user id only inside each row's encoded data. So every sign-in notes its
session key under its user, in the ``security`` cache alias (which, like
the sessions, fails closed), with when and from where it began:

- On Redis (django-redis), one HASH per user, a field per session key whose
  value is a small JSON entry: HSET and HDEL are atomic, so two sign-ins at
  once on two web processes cannot lose each other's key.
- On the embedded database cache, a dict under one key, read and written
  in one transaction; SQLite takes its write lock at BEGIN (IMMEDIATE, see
  settings), so that read-modify-write is serialised as well, as the
  embedded rate-limit counters are (haima.core.ratelimit).

It is kept right at three moments: ``user_logged_in`` adds the session (every
door, the admin's included, signs in through ``django.contrib.auth.login``);
the stores' ``cycle_key`` (a password change rotates a signed-in session's
key) and ``flush`` (sign-out, or a sign-in over another user's session)
move or drop it (``IndexedSessionMixin``). Sessions that end on their own
(idle timeout, expiry) are dropped lazily: when the index is read, and when
a sign-in finds it longer than MAX_SESSIONS. So a sign-in costs one round
trip to the index whatever the user's number of sessions, and the index
stays bounded: past MAX_SESSIONS live sessions the oldest are ended, as a
shop's app ends a device it no longer trusts. The index itself never
expires: a remembered session is saved again while used and can outlive any
TTL set at sign-in, and an index that forgot a live session would let "end
all sessions" miss it.

The raw session keys stay in this store, next to the sessions they name;
nothing shows them: the listings and the ending of sessions
(haima.core.sessions.listing) name each by a short digest.
"""

import json
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import cache as cache_store
from django.core.cache import caches
from django.db import transaction
from django.dispatch import receiver

from haima.core.context import RequestContext, current_request_context

CACHE_ALIAS = "security"
# Live sessions a user may hold: phones, computers, the WeChat mini-program,
# with room to spare. A sign-in past it prunes the index down to
# SESSIONS_KEPT, ending the oldest, so that pruning is rare, not every time.
MAX_SESSIONS = 100
SESSIONS_KEPT = 75


def _store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _index_key(user_id) -> str:
    return f"sessions:user:{user_id}"


def _redis_client():
    """The raw Redis client behind the security cache (django-redis), else None."""
    client = getattr(caches[CACHE_ALIAS], "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def _now() -> float:
    """The clock of the entries (a seam: tests order sign-ins with it)."""
    return time.time()


def _entry(context: RequestContext | None) -> dict:
    return {
        "at": round(_now(), 3),
        "ip": context.ip if context else "",
        "ua": context.user_agent if context else "",
    }


class _RedisIndex:
    def __init__(self, redis, user_id):
        self.redis = redis
        self.key = caches[CACHE_ALIAS].make_key(_index_key(user_id))

    def entries(self) -> dict[str, dict]:
        return {
            field.decode(): json.loads(value)
            for field, value in self.redis.hgetall(self.key).items()
        }

    def put(self, session_key: str, entry: dict) -> int:
        """Add an entry; return how many the index now holds (one round trip)."""
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(self.key, session_key, json.dumps(entry)).hlen(self.key)
            return pipe.execute()[1]

    def remove(self, *session_keys: str) -> None:
        if session_keys:
            self.redis.hdel(self.key, *session_keys)

    def move(self, old_key: str, new_key: str, entry: dict) -> None:
        with self.redis.pipeline() as pipe:  # MULTI: never both, never neither
            pipe.hset(self.key, new_key, json.dumps(entry)).hdel(self.key, old_key)
            pipe.execute()


class _CacheIndex:
    def __init__(self, user_id):
        self.cache = caches[CACHE_ALIAS]
        self.key = _index_key(user_id)

    def entries(self) -> dict[str, dict]:
        return dict(self.cache.get(self.key) or {})

    def _change(self, remove=(), add=None) -> int:
        with transaction.atomic():  # serialised on SQLite, see the docstring
            entries = self.entries()
            for session_key in remove:
                entries.pop(session_key, None)
            entries.update(add or {})
            if entries:
                self.cache.set(self.key, entries, timeout=None)
            else:
                self.cache.delete(self.key)
        return len(entries)

    def put(self, session_key: str, entry: dict) -> int:
        return self._change(add={session_key: entry})

    def remove(self, *session_keys: str) -> None:
        if session_keys:
            self._change(remove=session_keys)

    def move(self, old_key: str, new_key: str, entry: dict) -> None:
        self._change(remove=[old_key], add={new_key: entry})


def _index(user_id):
    redis = _redis_client()
    return _RedisIndex(redis, user_id) if redis is not None else _CacheIndex(user_id)


def _live_data_many(session_keys, user_id) -> dict[str, dict | None]:
    """``{key: data, or None if it ended or is no longer user_id's}``.

    A cache-backed store is read with one multi-get, not a round trip a key.
    """
    store_class = _store_class()
    if issubclass(store_class, cache_store.SessionStore):
        prefix = store_class.cache_key_prefix
        found = caches[settings.SESSION_CACHE_ALIAS].get_many(
            [prefix + key for key in session_keys]
        )
        loaded = {key: found.get(prefix + key) or {} for key in session_keys}
    else:
        loaded = {key: store_class(key).load() for key in session_keys}
    return {
        key: data if data.get(SESSION_KEY) == str(user_id) else None
        for key, data in loaded.items()
    }


def _live(index, user_id) -> dict[str, tuple[dict, dict]]:
    """``{key: (entry, session data)}`` of the live sessions; drop the rest."""
    entries = index.entries()
    live, ended = {}, []
    for session_key, data in _live_data_many(list(entries), user_id).items():
        if data is None:
            ended.append(session_key)
        else:
            live[session_key] = (entries[session_key], data)
    index.remove(*ended)
    return live


def session_index_add(*, user_id, session_key: str, context=None) -> None:
    """Note ``session_key`` as ``user_id``'s; past MAX_SESSIONS, prune."""
    index = _index(user_id)
    if index.put(session_key, _entry(context)) > MAX_SESSIONS:
        _prune(index, user_id, keep_key=session_key)


def _prune(index, user_id, *, keep_key: str) -> None:
    """Drop ended sessions; then end the oldest live ones past SESSIONS_KEPT.

    ``keep_key`` is the session signing in: not saved yet, so not judged.
    """
    entries = index.entries()
    others = [key for key in entries if key != keep_key]
    data = _live_data_many(others, user_id)
    ended = [key for key in others if data[key] is None]
    live = sorted(
        (key for key in others if data[key] is not None),
        key=lambda key: entries[key].get("at") or 0,
    )
    oldest = live[: max(0, len(live) + 1 - SESSIONS_KEPT)]
    store = _store_class()()
    for session_key in oldest:
        store.delete(session_key)
    index.remove(*ended, *oldest)


def session_index_remove(*, user_id, session_key: str) -> None:
    _index(user_id).remove(session_key)


def session_index_move(*, user_id, old_key: str, new_key: str) -> None:
    """The session's key was rotated: keep its entry under the new key."""
    index = _index(user_id)
    entry = index.entries().get(old_key) or _entry(current_request_context())
    index.move(old_key, new_key, entry)


class IndexedSessionMixin:
    """For session stores: keep the index right when a signed-in session's
    key rotates or the session is flushed."""

    def cycle_key(self):
        user_id, old_key = self.get(SESSION_KEY), self.session_key
        super().cycle_key()
        if user_id and old_key:
            session_index_move(
                user_id=user_id, old_key=old_key, new_key=self.session_key
            )

    def flush(self):
        user_id, session_key = self.get(SESSION_KEY), self.session_key
        super().flush()
        if user_id and session_key:
            session_index_remove(user_id=user_id, session_key=session_key)


@receiver(user_logged_in, dispatch_uid="haima.core.sessions.index_sign_in")
def session_indexed_at_sign_in(sender, request, user, **kwargs) -> None:
    session = request.session
    if session.session_key is None:
        # login() flushed another user's session: the new one gets its key
        # at the end of the request, too late to be noted. Take it now.
        session.save()
    session_index_add(
        user_id=user.pk,
        session_key=session.session_key,
        context=RequestContext.from_request(request),
    )
