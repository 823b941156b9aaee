"""What services need to know about who is asking, without the request."""

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
