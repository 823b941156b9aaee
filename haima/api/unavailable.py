"""A store that cannot be reached is a 503 that passes, not a 500.

When PostgreSQL or Redis (the security cache: sessions, codes, counters)
does not answer, a request fails wherever it first touches the store: in a
view, or in the session middleware. Django turns that exception into its
500 answer; here the request is marked when the exception is a store's
(``got_request_exception``), and the answer becomes a 503 with
Retry-After: ``server_error`` renders 503.html for pages (Django logs it
once, as "Service Unavailable"), and ApiEnvelopeMiddleware makes the API's
answer the envelope with ``data.reason`` "unavailable", in DEBUG too.

Nothing is remembered between requests: the next one tries the store again,
so the service recovers by itself when the store is back.
"""

import sys
from http import HTTPStatus

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER = 5  # seconds: a restart or a fail-over, not an outage of hours
STORE_ERRORS = {
    "database": (OperationalError, InterfaceError),
    "redis": (RedisConnectionError, RedisTimeoutError),
}


def unreachable_store(exc: BaseException | None) -> str | None:
    """Name the store that ``exc``, or an exception it wraps, could not reach."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        for store, errors in STORE_ERRORS.items():
            if isinstance(exc, errors):
                return store
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def store_was_unreachable(request: HttpRequest) -> bool:
    return getattr(request, "unreachable_store", None) is not None


def _note_unreachable_store(sender, request=None, **kwargs) -> None:
    # Sent while Django handles the exception, so sys.exc_info() holds it.
    if request is not None:
        request.unreachable_store = unreachable_store(sys.exc_info()[1])


got_request_exception.connect(
    _note_unreachable_store, dispatch_uid="haima.api.unreachable_store"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503.html with Retry-After when a store was unreachable.

    Rendered without the request: its context processors would touch the
    session, and so the store that just failed.
    """
    if not store_was_unreachable(request):
        return defaults.server_error(request)
    response = HttpResponse(
        loader.render_to_string("503.html"), status=HTTPStatus.SERVICE_UNAVAILABLE
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response
