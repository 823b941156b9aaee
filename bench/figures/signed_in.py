"""Figure 1: a signed-in ``GET`` answering the user as JSON.

Haima's ``GET /api/v1/me`` against a plain Django view (login_required,
JsonResponse) on allauth's middleware: both read the session from Redis and
the user from PostgreSQL, for one signed-in session sent over and over.
"""

import json

from _http import cookie_header
from _sites import expect
from _wrk import Load, Requests, Unmeasured, alternate

from . import Row, throughput_row

TITLE = "signed-in `GET`, the user as JSON"
PEER = "plain Django view on allauth's middleware"


def measure(bench) -> Row:
    loads = []
    for site, path in ((bench.haima, "/api/v1/me"), (bench.peer, "/me/")):
        client = site.client()
        client.cookies.update(site.session)
        response = client.request("GET", path)
        expect(response, 200, f"{site.name} {path}")
        answer = json.loads(response.body)
        if answer.get("data", answer)["user"]["username"] != bench.username:
            raise Unmeasured(f"{site.name} {path} did not answer the user")
        request = site.raw("GET", path, cookie_header(site.session))
        loads.append(Load(site.name, site.url, Requests(cycle=[request])))
    alternate(*loads)
    return throughput_row(
        TITLE,
        PEER,
        *loads,
        goal=1.0,
        unit="req/s",
    )
