"""Figure 2: issuing a captcha, with Haima's per-IP limit still enforced.

Haima's ``GET /api/v1/captcha`` counts every request against its client's
address (RATE_LIMITS["captcha_ip"], 60 a minute). The bench does not raise
the limit: it runs Haima behind one trusted proxy (TRUSTED_PROXY_COUNT=1)
and gives every request an address of its own in ``X-Forwarded-For``, as
many customers behind a load balancer would; then it shows that one address
is refused (429) once past the limit. The peer is django-simple-captcha's own
``/captcha/refresh/``, which limits nothing.
"""

import ipaddress

from _sites import expect
from _wrk import Load, Requests, alternate
from django.conf import settings

from . import Row, throughput_row

TITLE = "issuing a captcha, per-IP limit enforced"
PEER = "django-simple-captcha's `/captcha/refresh/`"

CUSTOMERS = ipaddress.IPv4Address("10.0.0.0")  # one address a request
PROBE = "192.0.2.1"  # the address that is sent past the limit


def measure(bench) -> Row:
    def issue(number: int) -> bytes:
        address = str(CUSTOMERS + number)
        return bench.haima.raw("GET", "/api/v1/captcha", {"X-Forwarded-For": address})

    refresh = bench.peer.raw(
        "GET", "/captcha/refresh/", {"X-Requested-With": "XMLHttpRequest"}
    )
    haima = Load("Haima", bench.haima.url, Requests(series=issue), rate_guess=3000)
    peer = Load("peer", bench.peer.url, Requests(cycle=[refresh]))
    alternate(haima, peer)
    row = throughput_row(
        TITLE,
        PEER,
        haima,
        peer,
        goal=1.0,
        unit="req/s",
    )
    limit = settings.RATE_LIMITS["captcha_ip"]
    allowed = int(limit.split("/", 1)[0])
    answered = _answered_before_429(bench, allowed + 1)
    enforced = answered == allowed
    row.met = row.met and enforced
    row.notes.append(
        f"Haima's limit captcha_ip={limit}: one address had {answered} captchas, "
        f"then 429 {'(enforced)' if enforced else '(NOT as configured)'}"
    )
    return row


def _answered_before_429(bench, most: int) -> int:
    client = bench.haima.client()
    for answered in range(most):
        response = client.request(
            "GET", "/api/v1/captcha", headers={"X-Forwarded-For": PROBE}
        )
        if response.status == 429:
            return answered
        expect(response, 200, "Haima captcha")
    return most
