"""Figure 6: the memory of each web worker after 10,000 requests.

Measured last, on the gunicorn workers that served the figures before it:
each site gets MIXED more requests at least, mixed as a visitor's are (the
signed-in user, a new captcha and its image, the sign-in and sign-up pages,
Haima's CSRF token), and as many more as it takes for its workers to have
answered REQUESTS in the run, in loads of a few seconds taking turns. Then
the resident memory of each worker is read from /proc.
"""

import ipaddress
import json

from _http import cookie_header
from _wrk import Load, Requests, served, wrk

from . import Row

TITLE = "memory (RSS) of each web worker"
PEER = "the django-allauth site"

REQUESTS = 10_000
MIXED = 2_000
GOAL_MB = 120
VISITORS = ipaddress.IPv4Address("172.16.0.0")  # Haima's captchas: one address each


def measure(bench) -> Row:
    haima_site, peer_site = bench.haima, bench.peer
    haima_pages = [
        haima_site.raw("GET", "/api/v1/me", cookie_header(haima_site.session)),
        None,  # a captcha, from an address of its own
        haima_site.raw("GET", _image_url(haima_site, "/api/v1/captcha", {})),
        haima_site.raw("GET", "/user/login/"),
        haima_site.raw("GET", "/user/register/"),
        haima_site.raw("GET", "/api/v1/csrf"),
    ]

    def haima_visit(number: int) -> bytes:
        page = haima_pages[number % len(haima_pages)]
        if page is None:
            address = str(VISITORS + number)
            page = haima_site.raw(
                "GET", "/api/v1/captcha", {"X-Forwarded-For": address}
            )
        return page

    xhr = {"X-Requested-With": "XMLHttpRequest"}
    peer_pages = [
        peer_site.raw("GET", "/me/", cookie_header(peer_site.session)),
        peer_site.raw("GET", "/captcha/refresh/", xhr),
        peer_site.raw("GET", _image_url(peer_site, "/captcha/refresh/", xhr)),
        peer_site.raw("GET", "/accounts/login/"),
        peer_site.raw("GET", "/accounts/signup/"),
    ]
    haima = Load("Haima", haima_site.url, Requests(series=haima_visit))
    peer = Load("peer", peer_site.url, Requests(cycle=peer_pages))
    while any(_wanting(load) for load in (haima, peer)):
        for load in (haima, peer):
            if _wanting(load):
                load.rounds.append(wrk(load, 3))
    haima_mb = haima_site.server.worker_rss_mb()
    peer_mb = peer_site.server.worker_rss_mb()
    return Row(
        figure=TITLE,
        peer=PEER,
        peer_value=", ".join(f"{mb:.0f} MB" for mb in peer_mb),
        haima_value=", ".join(f"{mb:.0f} MB" for mb in haima_mb),
        ratio=f"{max(haima_mb) / max(peer_mb):.2f}",
        goal=f"< {GOAL_MB} MB each",
        met=max(haima_mb) < GOAL_MB,
        notes=[
            f"RSS read after {served[haima.url]:,} requests to Haima's workers "
            f"({_answered(haima):,} of them mixed pages) and {served[peer.url]:,} "
            f"to the peer's ({_answered(peer):,})"
        ],
    )


def _image_url(site, path: str, headers: dict[str, str]) -> str:
    """The image of a captcha issued now (it outlives the bench's minutes)."""
    response = site.client().request("GET", path, headers=headers)
    answer = json.loads(response.body)
    return answer.get("data", answer)["image_url"]


def _answered(load: Load) -> int:
    return sum(answers for answers, _ in load.rounds)


def _wanting(load: Load) -> bool:
    return _answered(load) < MIXED or served[load.url] < REQUESTS
