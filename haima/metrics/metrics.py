"""The metric objects, and the rules that keep their labels few.

Every label value comes from a short closed list, never from what a client
sent: each distinct value is one more series kept in every process's file
and in Prometheus. Paths are never labels (tokens live in them); the route
is the URL pattern that matched.

With PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps the values in
files there, one per process, and the /metrics view adds them up
(haima.metrics.views).
"""

import re

from prometheus_client import Counter, Histogram

from haima.audit.models import AccountEvent

ACCOUNT_EVENTS = Counter(
    "haima_account_events",
    "Account events recorded in the audit trail, by kind and code.",
    ["kind", "code"],
)
REQUEST_DURATION = Histogram(
    "haima_http_request_duration_seconds",
    "Time to answer a request, by method, URL pattern and status.",
    ["method", "route", "status"],
    # Logins hash with Argon2id (about 0.1-0.3 s); 10 s is Redis giving up
    # many times over.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

OTHER = "other"
# Our codes (wrong_secret, signin_ip, admin) and Aliyun's documented Codes
# (OK, isv.BUSINESS_LIMIT_CONTROL); anything else is counted as "other".
CODE_PATTERN = re.compile(r"[A-Za-z0-9_.]{1,32}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The route of a request that matched no URL pattern: a 404, a static file
# served by whitenoise, a redirect made by a middleware.
UNMATCHED = "<unmatched>"


def event_labels(kind: str, code: str) -> tuple[str, str]:
    """The (kind, code) labels of an event: the kinds of AccountEvent.Kind,
    short stable codes, "" for no code, "other" for anything else."""
    kind = kind if kind in AccountEvent.Kind.values else OTHER
    code = code if not code or CODE_PATTERN.fullmatch(code) else OTHER
    return kind, code


def request_labels(request, response) -> tuple[str, str, str]:
    """The (method, route, status) labels of an answered request."""
    method = request.method if request.method in METHODS else OTHER
    match = getattr(request, "resolver_match", None)
    route = "/" + match.route if match is not None else UNMATCHED
    return method, route, str(response.status_code)
