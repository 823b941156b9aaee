"""Input rules of the account flows, shared by the pages and the API.

Every form here refuses invisible and control characters in all its fields
but passwords (haima.core.text.VisibleTextForm), takes email addresses in
their one stored spelling (``EmailField``) and passwords of at most 128
characters (haima.accounts.passwords).
"""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from haima.captchas.fields import CaptchaField
from haima.core.text import VisibleTextForm, normalize_email

from .models import User
from .passwords import MAX_PASSWORD_LENGTH, PASSWORD_TOO_LONG, password_rules_text
from .services.registration import EMAIL_TAKEN, USERNAME_TAKEN
from .usernames import (
    MAX_LENGTH,
    USERNAME_REQUIRED,
    normalize_username,
    validate_username,
)

PASSWORDS_DIFFER = _("The two passwords differ.")
EMAIL_MAX_LENGTH = 254  # User.email's column


class Form(VisibleTextForm, forms.Form):
    """A form whose pages check as the user types, with the server's words.

    Each required field carries its "missing" message, and an email field its
    "wrong format" one, as ``data-msg-*`` attributes that forms.js shows when
    the user leaves the field: one wording, the server's, in the page's
    language. The captcha has its own check as typed (captcha.js).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden or isinstance(
                widget, forms.MultiWidget | forms.CheckboxInput
            ):
                continue
            if field.required:
                field.widget.attrs["data-msg-required"] = field.error_messages[
                    "required"
                ]
            if isinstance(field, forms.EmailField):
                field.widget.attrs["data-msg-invalid"] = field.error_messages["invalid"]

    def refuse(self, message) -> None:
        """Show ``message`` alone, without cleaning (or spending) what was typed."""
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}
        self.add_error(None, message)


class EmailField(forms.EmailField):
    """An address, cleaned to the spelling it is stored and compared in.

    The validators (format, length) check that spelling: an IDN domain's
    ASCII form is longer than what was typed.
    """

    default_error_messages = {
        "required": _("Please enter your email address."),
        "invalid": _("Please enter a valid email address."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value)
        return normalize_email(value) if value else value


class PasswordInput(forms.PasswordInput):
    """A password box that forms.js gives a 显示/隐藏 button, in these words."""

    def __init__(self, attrs=None, render_value=False):
        super().__init__(
            {
                "data-show": _("Show"),
                "data-show-label": _("Show password"),
                "data-hide": _("Hide"),
                "data-hide-label": _("Hide password"),
                **(attrs or {}),
            },
            render_value,
        )


PASSWORD_REQUIRED = _("Please enter your password.")


def password_field(
    label, *, autocomplete: str, required_message=PASSWORD_REQUIRED
) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        error_messages={"max_length": PASSWORD_TOO_LONG, "required": required_message},
        widget=PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class NewPasswordForm(Form):
    """A new password typed twice; the rules are checked by the service.

    The rules are shown before typing (``help_text``), and the page rates
    the password as it is typed (``data-strength``: 弱/中/强, a hint only).
    When the form fails for another field's sake, the two boxes keep what
    was typed: retyping both for a wrong captcha is a chore, and the page is
    not cached (``never_cache`` on its view).
    """

    password = password_field(
        _("New password"),
        autocomplete="new-password",
        required_message=_("Please enter a new password."),
    )
    password_confirm = password_field(
        _("Confirm password"),
        autocomplete="new-password",
        required_message=_("Please enter the password again."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields["password"]
        password.help_text = password_rules_text()
        password.widget.attrs.update(
            {
                "data-strength": _("Password strength: %(level)s"),
                "data-strength-levels": _("weak|medium|strong"),
            }
        )
        self.fields["password_confirm"].widget.attrs.update(
            {"data-match": "password", "data-msg-mismatch": PASSWORDS_DIFFER}
        )

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", PASSWORDS_DIFFER)
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not {"password", "password_confirm"} & set(self.errors):
            for name in ("password", "password_confirm"):
                self.fields[name].widget.render_value = True


class UsernameField(forms.CharField):
    """A username by the sign-up rules (haima.accounts.usernames), cleaned to
    its stored spelling: NFKC, then checked; for sign-up and for a change."""

    def __init__(self, *, label, attrs=None):
        super().__init__(
            label=label,
            max_length=MAX_LENGTH,
            error_messages={"required": USERNAME_REQUIRED},
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "username",
                    "autocapitalize": "none",
                    "spellcheck": "false",
                    **(attrs or {}),
                }
            ),
        )

    def clean(self, value) -> str:
        username = normalize_username(super().clean(value))
        validate_username(username)
        return username


class RegistrationForm(NewPasswordForm):
    """Sign-up. The captcha is checked before anybody's name or address.

    Which username or address is taken shows only once the captcha is solved:
    without it the answer holds the captcha's error and the errors of format
    alone, the same for a free name and a taken one.
    """

    username = UsernameField(
        label=_("Username"),
        attrs={"data-availability": reverse_lazy("api:username_availability")},
    )
    email = EmailField(label=_("Email"))
    agree = forms.BooleanField(
        label=_("I have read and agree to the User Agreement and the Privacy Policy"),
        error_messages={
            "required": _(
                "Please tick to agree to the User Agreement and the Privacy Policy."
            )
        },
    )
    captcha = CaptchaField(label=_("Captcha"))

    field_order = [
        "username", "email", "password", "password_confirm", "agree", "captcha"
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
        self.fields["password"].error_messages["required"] = _(
            "Please enter a password."
        )

    def clean(self):
        cleaned = super().clean()
        if "captcha" not in self.errors:
            self._check_taken(cleaned)
        password = cleaned.get("password")
        if password and "password_confirm" not in self.errors:
            candidate = User(
                username=cleaned.get("username", ""), email=cleaned.get("email", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def _check_taken(self, cleaned: dict) -> None:
        username, email = cleaned.get("username"), cleaned.get("email")
        if username and User.objects.filter(username__iexact=username).exists():
            self.add_error("username", ValidationError(USERNAME_TAKEN, code="taken"))
        if email and User.objects.filter(email__iexact=email).exists():
            self.add_error("email", ValidationError(EMAIL_TAKEN, code="taken"))


class EmailForm(Form):
    email = EmailField(label=_("Email"))


class LoginForm(Form):
    login = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        error_messages={"required": _("Please enter your username or email.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = password_field(_("Password"), autocomplete="current-password")
    remember = forms.BooleanField(label=_("Remember my username"), required=False)


class CurrentPasswordForm(Form):
    """The signed-in user's password, asked again before it is changed."""

    old_password = password_field(
        _("Old password"),
        autocomplete="current-password",
        required_message=_("Please enter your current password."),
    )


class PasswordChangeForm(CurrentPasswordForm, NewPasswordForm):
    field_order = ["old_password", "password", "password_confirm"]
