"""The one JSON envelope of every API answer: ``{code, message, data}``."""

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any, Generic, TypeVar

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict

from haima.core.exceptions import Reason

API_PREFIX = "/api/"

T = TypeVar("T")

STATUS_MESSAGES = {
    HTTPStatus.OK: _("OK"),
    HTTPStatus.CREATED: _("Created"),
    HTTPStatus.BAD_REQUEST: _("The request is invalid."),
    HTTPStatus.UNAUTHORIZED: _("Please sign in first."),
    HTTPStatus.FORBIDDEN: _("You are not allowed to do this."),
    HTTPStatus.NOT_FOUND: _("No such API endpoint."),
    HTTPStatus.METHOD_NOT_ALLOWED: _("This method is not allowed here."),
    HTTPStatus.TOO_MANY_REQUESTS: _("Too many requests; please try again later."),
    HTTPStatus.INTERNAL_SERVER_ERROR: _("Something went wrong on our side."),
    HTTPStatus.SERVICE_UNAVAILABLE: _(
        "The service is briefly unavailable; please try again shortly."
    ),
}


class Out(BaseModel):
    """The base of every answer's schema.

    ninja's Schema runs each level of an answer through its DjangoGetter
    (for querysets, managers, files and ``resolve_`` methods, none of which
    an answer here has); pydantic reads dicts and attributes itself, in a
    third of the time, which a signed-in read (``/me``) notices. Request
    bodies stay ninja Schemas.
    """

    model_config = ConfigDict(from_attributes=True)


class Envelope(Out, Generic[T]):
    code: int
    message: str
    data: T


class ErrorData(Out):
    reason: Reason | None = None
    errors: dict[str, list[str]] | None = None
    retry_after: int | None = None


class ErrorEnvelope(Out):
    code: int
    message: str
    data: ErrorData | None


# The statuses that the transport itself may answer, by kind of operation:
# another method (405) and a store that cannot be reached (503) anywhere;
# the CSRF check (403) on every state-changing call; and for a body, a wrong
# media type (415), bad JSON or fields (400) and the rate limits (429).
ANY_CALL = (HTTPStatus.METHOD_NOT_ALLOWED, HTTPStatus.SERVICE_UNAVAILABLE)
STATE_CHANGING = (*ANY_CALL, HTTPStatus.FORBIDDEN)
WITH_BODY = (
    *STATE_CHANGING,
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    HTTPStatus.TOO_MANY_REQUESTS,
)


def error_responses(*statuses: int | Iterable[int]) -> dict[int, type[Out]]:
    """Declare error statuses (or groups of them) answered with the envelope."""
    declared: dict[int, type[Out]] = {}
    for status in statuses:
        group = status if isinstance(status, Iterable) else (status,)
        declared.update({int(code): ErrorEnvelope for code in group})
    return dict(sorted(declared.items()))


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def status_message(status: int) -> str:
    try:
        status = HTTPStatus(status)
    except ValueError:
        return str(status)
    return str(STATUS_MESSAGES.get(status, status.phrase))


def envelope(data: Any = None, *, status: int = HTTPStatus.OK, message=None) -> dict:
    """Wrap ``data`` for return from an endpoint whose response is Envelope."""
    return {
        "code": int(status),
        "message": str(message or status_message(status)),
        "data": data,
    }


def envelope_response(status: int, message=None, data: Any = None) -> JsonResponse:
    """Build a finished envelope response, for answers made outside endpoints."""
    return JsonResponse(
        envelope(data, status=status, message=message),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
