"""The error vocabulary of the service: in app code, just raise.

Each error carries the HTTP status it stands for, a message in the request's
language and, where a client must tell cases apart, a stable ``reason``.
haima.api turns them into the envelope; pages turn them into form errors.
"""

from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status = HTTPStatus.BAD_REQUEST
    default_message = _("The request is invalid.")

    def __init__(self, message=None, *, reason: str | None = None, **data):
        self.message = message or self.default_message
        self.data = {"reason": reason, **data} if reason else data
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    """Input broke a rule; ``errors`` maps field names to messages."""

    default_message = _("Please correct the errors below.")

    def __init__(self, errors: dict[str, list[str]], message=None):
        super().__init__(message, errors=errors)
        self.errors = errors

    @classmethod
    def from_django(cls, error: DjangoValidationError) -> "ValidationFailed":
        if hasattr(error, "error_dict"):
            return cls(
                {field: list(msgs) for field, msgs in error.message_dict.items()}
            )
        return cls({NON_FIELD_ERRORS: list(error.messages)})


class NotAuthenticated(ApplicationError):
    status = HTTPStatus.UNAUTHORIZED
    default_message = _("Please sign in first.")
