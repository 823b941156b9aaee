"""Turn exceptions raised under the API into envelopes: the only place that does."""

from http import HTTPStatus

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from haima.core.exceptions import (
    ApplicationError,
    MalformedBody,
    NotAuthenticated,
    ValidationFailed,
)

from .envelope import envelope_response
from .parser import NOT_JSON

NON_FIELD = "__all__"
# Parts of a pydantic error location that name where, not which field.
LOCATION_PARTS = {"body", "query", "path", "header", "cookie", "form", "payload"}
PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("This value is too long."),
    "string_too_short": gettext_lazy("This value is too short."),
    # Django's own words for a choice not offered (sms/send's purpose).
    "literal_error": gettext_lazy(
        "Select a valid choice. That choice is not one of the available choices."
    ),
}
# Body fields reported under the contract's name for them: the captcha is
# one field to a person, as on pages.
FIELD_NAMES = {"captcha_key": "captcha", "captcha_answer": "captcha"}


def _field_of(location) -> str:
    names = [str(part) for part in location if part not in LOCATION_PARTS]
    name = names[-1] if names else NON_FIELD
    return FIELD_NAMES.get(name, name)


def _validation_failed(exc: ValidationError) -> ValidationFailed:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = PYDANTIC_MESSAGES.get(error.get("type"), _("Enter a valid value."))
        messages = errors.setdefault(_field_of(error.get("loc", ())), [])
        if str(message) not in messages:
            messages.append(str(message))
    return ValidationFailed(errors)


def _application_error(request, exc: ApplicationError):
    response = envelope_response(exc.status, exc.message, exc.data or None)
    for header, value in exc.headers.items():
        response[header] = value
    return response


def _http_error(request, exc: HttpError):
    # ninja raises HttpError itself only for a body it cannot parse (400),
    # wrapping what JsonObjectParser raised; its English text is replaced by
    # ours, in the request's language.
    if isinstance(exc.__cause__, ApplicationError):
        return _application_error(request, exc.__cause__)
    if exc.status_code == HTTPStatus.BAD_REQUEST:
        return _application_error(request, MalformedBody(NOT_JSON))
    return envelope_response(exc.status_code)


def _reraise(request, exc: Exception):
    # Django logs it and answers 500; ApiEnvelopeMiddleware makes that an
    # envelope. ninja's own handler would show the traceback in DEBUG.
    raise exc


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(ApplicationError, _application_error)
    api.add_exception_handler(
        ValidationError,
        lambda request, exc: _application_error(request, _validation_failed(exc)),
    )
    api.add_exception_handler(
        AuthenticationError,
        lambda request, exc: _application_error(request, NotAuthenticated()),
    )
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(
        Http404, lambda request, exc: envelope_response(HTTPStatus.NOT_FOUND)
    )
    api.add_exception_handler(Exception, _reraise)
