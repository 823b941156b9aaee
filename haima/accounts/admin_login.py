"""The Django admin's sign-in, behind the same sign-in policy as every door.

Django's own form would check the password with no captcha, no lockout and
no count, and would tell an inactive account's right password ("This account
is inactive") from a wrong one. This form keeps the admin's page and asks
haima.accounts.services.login.password_check, as the shop's login does, with
``staff_only``: a right password of an account the admin does not admit
reads, and counts, as a wrong one.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from haima.audit.services import Kind, event_record
from haima.captchas.fields import CaptchaWidget
from haima.core.context import RequestContext
from haima.core.exceptions import RateLimited
from haima.core.text import VisibleTextForm

from .forms import password_field
from .services.login import AccountInactive, WrongCredentials, password_check
from .signin_policy import (
    PASSWORD_SIGNIN,
    CaptchaRequired,
    login_subject,
    signin_captcha_needed,
)


class AdminLoginForm(VisibleTextForm, AdminAuthenticationForm):
    # Refused before it is hashed or counted, as at the shop's login.
    password = password_field(_("Password"), autocomplete="current-password")

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        try:
            self.user_cache = password_check(
                login_name=username,
                password=password,
                context=RequestContext.from_request(self.request),
                captcha_key=self.data.get("captcha_0", ""),
                captcha_answer=self.data.get("captcha_1", ""),
                staff_only=True,
            )
        except (WrongCredentials, AccountInactive):
            raise self.get_invalid_login_error() from None
        except CaptchaRequired as required:
            errors = required.errors or {"captcha": [str(required.message)]}
            raise forms.ValidationError(errors["captcha"]) from None
        except RateLimited as refused:
            raise forms.ValidationError(str(refused.message)) from None
        event_record(Kind.LOGIN_SUCCEEDED, user=self.user_cache, code="admin")
        return self.cleaned_data

    def captcha(self) -> str:
        """The captcha widget's HTML when the next attempt needs one, else ""."""
        login_name = self.data.get("username", "") if self.is_bound else ""
        needed = signin_captcha_needed(
            door=PASSWORD_SIGNIN,
            subject=login_subject(login_name),
            context=RequestContext.from_request(self.request),
        )
        if not needed:
            return ""
        widget = CaptchaWidget()
        return widget.render("captcha", None, attrs={"id": "id_captcha"})

    @property
    def media(self):
        return super().media + CaptchaWidget().media
