from django.contrib.sessions.backends import db

from . import IdleTimeoutMixin
from .index import IndexedSessionMixin


class SessionStore(IndexedSessionMixin, IdleTimeoutMixin, db.SessionStore):
    pass
