"""What a new password may be: at most 128 characters (ASVS 2.1.2), no NUL.

New passwords meet it through AUTH_PASSWORD_VALIDATORS, wherever they are
set (registration, reset, change, by page or API); every form field that
takes a password has it as its ``max_length``, so that a password typed to
sign in is refused before it is hashed, and is not counted as a failure.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

MAX_PASSWORD_LENGTH = 128
# Django 5.2's MinimumLengthValidator says this, and its own Chinese
# catalogue lags: named here so that makemessages keeps our translation.
MIN_LENGTH_MESSAGE = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
PASSWORD_TOO_LONG = _("Use at most %(limit_value)d characters in your password.")


class MaximumLengthValidator:
    """Refuse a new password longer than ``max_length`` characters."""

    def __init__(self, max_length: int = MAX_PASSWORD_LENGTH):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                PASSWORD_TOO_LONG,
                code="password_too_long",
                params={"limit_value": self.max_length},
            )

    def get_help_text(self) -> str:
        return PASSWORD_TOO_LONG % {"limit_value": self.max_length}


class NoNullCharacterValidator:
    """Refuse a new password holding NUL.

    Every form field refuses NUL, the sign-in form's included: a password set
    with one through the API could never be typed to sign in again. Any other
    character is allowed (ASVS 2.3.1).
    """

    def validate(self, password: str, user=None) -> None:
        if "\x00" in password:
            raise ValidationError(ProhibitNullCharactersValidator.message, code="null")

    def get_help_text(self) -> str:
        return ""


def password_rules_text() -> str:
    """The rules of AUTH_PASSWORD_VALIDATORS in one sentence, shown before typing.

    Django's own help texts are four sentences that each start "Your
    password…"; people read one short line. The lengths come from the
    validators as configured, so the sentence follows the settings.
    """
    lengths = {}
    for validator in password_validation.get_default_password_validators():
        for attribute in ("min_length", "max_length"):
            if hasattr(validator, attribute):
                lengths[attribute] = getattr(validator, attribute)
    return _(
        "%(min_length)d to %(max_length)d characters, not only digits, not a "
        "common password, and not like your username or email."
    ) % {"min_length": 8, "max_length": MAX_PASSWORD_LENGTH, **lengths}
