"""Chinese mainland mobile numbers, stored in E.164 (``+8613800138000``)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from haima.core.text import validate_visible_text

INVALID_PHONE = _("Enter a valid mainland China mobile number.")
MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_phone(raw: str) -> str:
    """Return ``raw`` in E.164, or raise ValidationError if it is no CN mobile."""
    # libphonenumber skips what precedes a number, an ESC or a zero-width
    # space included: refuse them as every text field does.
    validate_visible_text(raw)
    if any(char.isalpha() for char in raw):
        # libphonenumber reads letters as a keypad's (138ABCDEFGH becomes
        # +8613822233344) and drops an "ext 1": only digits typed are a number.
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from None
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164_phone(value: str) -> None:
    """Model validator: accept only the normalised form."""
    if normalize_phone(value) != value:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")


def mask_phone(e164: str) -> str:
    """Hide the middle digits for logs: ``+8613800138000`` -> ``138****8000``."""
    national = e164.removeprefix("+86")
    return f"{national[:3]}****{national[-4:]}"
