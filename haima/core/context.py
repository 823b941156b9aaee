"""What services need to know about who is asking, without the request."""

from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest

from .client_ip import client_ip, ip_bucket

USER_AGENT_MAX_LENGTH = 256


@dataclass(frozen=True)
class RequestContext:
    """The client's address and user agent, as one small value.

    Services take this rather than the request, so the sign-in policy, SMS
    and the audit trail read the same facts the same way, and a task or a
    test can make one without a request.
    """

    ip: str
    user_agent: str = ""

    @property
    def ip_bucket(self) -> str:
        """The identity per-IP limits count (IPv6 by /64)."""
        return ip_bucket(self.ip)

    @classmethod
    def from_request(cls, request: HttpRequest) -> "RequestContext":
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        return cls(ip=client_ip(request), user_agent=user_agent[:USER_AGENT_MAX_LENGTH])


_current: ContextVar[RequestContext | None] = ContextVar(
    "request_context", default=None
)


def current_request_context() -> RequestContext | None:
    """The context of the request being served here, None outside one.

    For what renders without a request at hand and must still count per
    client: a captcha widget in a form's template mints a captcha.
    """
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(RequestContext.from_request(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
