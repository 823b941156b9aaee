"""Session stores whose browser-length sessions also end on the server.

Django keeps a session that ends "when the browser closes" for the full
SESSION_COOKIE_AGE on the server, so a copied cookie would work for two
weeks. Here such a session (``set_expiry(0)``, a sign-in without "remember
me") lives SESSION_IDLE_TIMEOUT seconds from its last save, and
SessionIdleMiddleware saves it again while it is in use.
"""

import time

from django.conf import settings

EXPIRY_KEY = "_session_expiry"
SEEN_KEY = "_idle_seen"


class IdleTimeoutMixin:
    def get_session_cookie_age(self) -> int:
        if self.get(EXPIRY_KEY) == 0:
            return settings.SESSION_IDLE_TIMEOUT
        return super().get_session_cookie_age()


class SessionIdleMiddleware:
    """Keep a browser-length session alive while it is used.

    It is saved again (its server-side life starting anew) at most every
    tenth of the idle timeout, so an active visit costs a write every few
    minutes, not one per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and session.get(EXPIRY_KEY) == 0:
            now = int(time.time())
            every = max(1, settings.SESSION_IDLE_TIMEOUT // 10)
            if now - session.get(SEEN_KEY, 0) >= every:
                session[SEEN_KEY] = now
        return self.get_response(request)
