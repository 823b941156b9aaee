from django.contrib.sessions.backends import cache

from . import IdleTimeoutMixin


class SessionStore(IdleTimeoutMixin, cache.SessionStore):
    pass
