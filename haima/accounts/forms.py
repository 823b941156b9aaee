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


class RegistrationForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=MAX_LENGTH)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    agree = forms.BooleanField(
        label=_("I agree to the Haima Fresh user agreement"),
        error_messages={"required": _("Please tick to agree to the user agreement.")},
    )
    captcha = CaptchaField(label=_("Captcha"))

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
        if password and password != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords differ."))
        elif password:
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
