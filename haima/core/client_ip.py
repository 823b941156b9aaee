"""The client's address, for per-IP limits."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# One IPv6 customer gets a /64 (RFC 6177): counting addresses apart would
# give every guess a fresh allowance.
IPV6_BUCKET_PREFIX = 64


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


def ip_bucket(ip: str) -> str:
    """What per-IP limits count: an IPv4 address, or an IPv6 /64 network.

    An IPv4-mapped IPv6 address counts as its IPv4 address; something that
    is no address at all is counted as it is.
    """
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return ip
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network((address, IPV6_BUCKET_PREFIX), strict=False)
        return str(network)
    return str(address)
