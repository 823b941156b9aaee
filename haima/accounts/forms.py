"""Input rules of the account flows, shared by the pages and the API."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from haima.captchas.fields import CaptchaField

from .models import User
from .services.registration import EMAIL_TAKEN, USERNAME_TAKEN
from .usernames import MAX_LENGTH, normalize_username, validate_username

PASSWORDS_DIFFER = _("The two passwords differ.")


class NewPasswordForm(forms.Form):
    """A new password typed twice; the rules are checked by the service."""

    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", PASSWORDS_DIFFER)
        return cleaned


class RegistrationForm(NewPasswordForm):
    username = forms.CharField(label=_("Username"), max_length=MAX_LENGTH)
    email = forms.EmailField(label=_("Email"), max_length=254)
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
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(USERNAME_TAKEN, code="taken")
        return username

    def clean_email(self) -> str:
        email = BaseUserManager.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(EMAIL_TAKEN, code="taken")
        return email

    def clean(self):
        cleaned = super().clean()
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


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)


class LoginForm(forms.Form):
    login = forms.CharField(label=_("Username or email"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    remember = forms.BooleanField(label=_("Remember my username"), required=False)


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(
        label=_("Old password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "password", "password_confirm"]


class SmsCodeForm(forms.Form):
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
