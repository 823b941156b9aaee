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
from django.utils.translation import gettext_lazy as _

from haima.captchas.fields import CaptchaField
from haima.core.text import VisibleTextForm, normalize_email

from .models import User
from .passwords import MAX_PASSWORD_LENGTH, PASSWORD_TOO_LONG
from .services.registration import EMAIL_TAKEN, USERNAME_TAKEN
from .usernames import MAX_LENGTH, normalize_username, validate_username

PASSWORDS_DIFFER = _("The two passwords differ.")
EMAIL_MAX_LENGTH = 254  # User.email's column


class Form(VisibleTextForm, forms.Form):
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

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value)
        return normalize_email(value) if value else value


def password_field(label, *, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        error_messages={"max_length": PASSWORD_TOO_LONG},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class NewPasswordForm(Form):
    """A new password typed twice; the rules are checked by the service."""

    password = password_field(_("New password"), autocomplete="new-password")
    password_confirm = password_field(
        _("Confirm password"), autocomplete="new-password"
    )

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", PASSWORDS_DIFFER)
        return cleaned


class RegistrationForm(NewPasswordForm):
    """Sign-up. The captcha is checked before anybody's name or address.

    Which username or address is taken shows only once the captcha is solved:
    without it the answer holds the captcha's error and the errors of format
    alone, the same for a free name and a taken one.
    """

    username = forms.CharField(label=_("Username"), max_length=MAX_LENGTH)
    email = EmailField(label=_("Email"))
    agree = forms.BooleanField(
        label=_("I agree to the Haima Fresh user agreement"),
        error_messages={"required": _("Please tick to agree to the user agreement.")},
    )
    captcha = CaptchaField(label=_("Captcha"))

    field_order = [
        "username", "email", "password", "password_confirm", "agree", "captcha"
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")

    def clean_username(self) -> str:
        username = normalize_username(self.cleaned_data["username"])
        validate_username(username)
        return username

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
    login = forms.CharField(label=_("Username or email"), max_length=254)
    password = password_field(_("Password"), autocomplete="current-password")
    remember = forms.BooleanField(label=_("Remember my username"), required=False)


class CurrentPasswordForm(Form):
    """The signed-in user's password, asked again before it is changed."""

    old_password = password_field(_("Old password"), autocomplete="current-password")


class PasswordChangeForm(CurrentPasswordForm, NewPasswordForm):
    field_order = ["old_password", "password", "password_confirm"]


class SmsCodeForm(Form):
    """A phone and the code texted to it; the captcha guards the sending.

    The phone's rules (a mainland mobile number) are the SMS service's, so
    page and API give the same answer. The captcha is read from the widget's
    ``captcha_0``/``captcha_1`` only when a code is sent.
    """

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": "6",
            }
        ),
    )


class SmsLoginForm(SmsCodeForm):
    remember = forms.BooleanField(label=_("Keep me signed in"), required=False)
