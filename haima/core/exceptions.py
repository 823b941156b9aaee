"""The error vocabulary of the service: in app code, just raise.

Each error carries the HTTP status it stands for, a message in the request's
language and, where a client must tell cases apart, a stable ``reason``.
haima.api turns them into the envelope; pages turn them into form errors.
"""

from enum import StrEnum
from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _


class Reason(StrEnum):
    """Stable codes in ``data.reason`` by which clients tell refusals apart."""

    CANCELLATION_PENDING = "cancellation_pending"
    CAPTCHA_REQUIRED = "captcha_required"
    CSRF = "csrf"
    CURRENT_SESSION = "current_session"
    EXPIRED = "expired"
    INACTIVE = "inactive"
    INVALID = "invalid"
    LOCKED = "locked"
    LOCKED_ACCOUNT = "locked_account"
    MALFORMED_JSON = "malformed_json"
    NO_PHONE = "no_phone"
    PASSWORD_REQUIRED = "password_required"  # noqa: S105 (a reason, not a secret)
    REAUTH_REQUIRED = "reauth_required"
    SESSION_ENDED = "session_ended"
    SMS_UNAVAILABLE = "sms_unavailable"
    SPENT = "spent"
    UNAVAILABLE = "unavailable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"


class ApplicationError(Exception):
    status = HTTPStatus.BAD_REQUEST
    default_message = _("The request is invalid.")
    headers: dict[str, str] = {}

    def __init__(self, message=None, *, reason: str | None = None, **data):
        self.message = message or self.default_message
        self.data = {"reason": reason, **data} if reason else data
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    """Input broke a rule; ``errors`` maps field names to messages."""

    default_message = _("Please correct the errors below.")

    def __init__(
        self, errors: dict[str, list[str]], message=None, *, reason=None
    ) -> None:
        super().__init__(message, reason=reason, errors=errors)
        self.errors = errors

    @classmethod
    def from_form(cls, form) -> "ValidationFailed":
        return cls(
            {field: [str(m) for m in msgs] for field, msgs in form.errors.items()}
        )

    @classmethod
    def single(cls, message, field: str = NON_FIELD_ERRORS) -> "ValidationFailed":
        return cls({field: [str(message)]})


class MalformedBody(ValidationFailed):
    """The body is not JSON, or not a JSON object: an error of no one field."""

    def __init__(self, message) -> None:
        super().__init__(
            {NON_FIELD_ERRORS: [str(message)]}, reason=Reason.MALFORMED_JSON
        )


class UnsupportedMediaType(ApplicationError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    default_message = _("Please send the body as application/json.")

    def __init__(self) -> None:
        super().__init__(reason=Reason.UNSUPPORTED_MEDIA_TYPE)


class NotAuthenticated(ApplicationError):
    status = HTTPStatus.UNAUTHORIZED
    default_message = _("Please sign in first.")


class RateLimited(ApplicationError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    default_message = _("Too many attempts; please try again later.")

    def __init__(self, retry_after: int, message=None):
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
