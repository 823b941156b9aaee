from django.contrib.sessions.backends import cache

from . import IdleTimeoutMixin
from .index import IndexedSessionMixin


class SessionStore(IndexedSessionMixin, IdleTimeoutMixin, cache.SessionStore):
    pass
