"""Who may read /metrics: the addresses of METRICS_ALLOWED_IPS.

The list is checked at start-up (MetricsConfig.ready), so that a typo stops
the process instead of locking Prometheus out, or letting everyone in.
"""

import ipaddress
import os
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def allowed_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Parse IPs and CIDRs ("127.0.0.1", "10.0.0.0/8", "::1"); raise
    ValueError for anything else."""
    return tuple(ipaddress.ip_network(entry.strip()) for entry in entries)


def ip_allowed(ip: str, entries) -> bool:
    """Whether ``ip`` (a client address, as haima.core.client_ip gives it) is
    in one of ``entries``. An IPv4-mapped IPv6 address is its IPv4 address;
    something that is no address is refused."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in allowed_networks(tuple(entries)))


def metrics_settings_check(settings) -> None:
    """Raise ImproperlyConfigured, naming the variable, for a bad setup."""
    try:
        allowed_networks(tuple(settings.METRICS_ALLOWED_IPS))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_IPS must list IP addresses or networks: {error}."
        ) from None
    path = settings.PROMETHEUS_MULTIPROC_DIR
    if path and not os.path.isdir(path):
        raise ImproperlyConfigured(
            "PROMETHEUS_MULTIPROC_DIR must be an existing directory (empty when "
            f"the server starts), not {path!r}."
        )
