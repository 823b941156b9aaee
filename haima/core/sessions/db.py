from django.contrib.sessions.backends import db

from . import IdleTimeoutMixin


class SessionStore(IdleTimeoutMixin, db.SessionStore):
    pass
