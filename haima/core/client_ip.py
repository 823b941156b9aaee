"""The client's address, for per-IP limits."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the peer address, or the one the trusted proxies saw.

    ``TRUSTED_PROXY_COUNT`` proxies append to X-Forwarded-For; only the entry
    the outermost of them added can be trusted, so a client cannot pick its
    own address by sending the header.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
