"""Input rules of the 账户中心, shared by its pages and its API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from haima.accounts.forms import (
    EmailField,
    Form,
    UsernameField,
    password_field,
)
from haima.accounts.sms_forms import sms_code_field


class EmailChangeForm(Form):
    email = EmailField(label=_("New email"))


# --- 注销 (item 8): the word typed to confirm (checked by account_cancel) ---


class CancelForm(Form):
    confirm = forms.CharField(
        label=_("Type the word shown to confirm"), max_length=32, strip=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].widget.attrs.update(
            autocomplete="off", autocapitalize="off", spellcheck="false"
        )


# --- Re-authentication and the profile (items 1 and 2) ---


class ReauthPasswordForm(Form):
    """The account's password, asked again before a sensitive change."""

    password = password_field(
        _("Password"),
        autocomplete="current-password",
        required_message=_("Please enter your password."),
    )


class ReauthCodeForm(Form):
    """A code texted to the bound phone, whose number is never typed: the
    page gives it (``initial``) to haima/js/sms.js in a hidden input, and
    the server texts and checks the account's own number whatever is posted.
    """

    phone = forms.CharField(
        label="", required=False, disabled=True, widget=forms.HiddenInput
    )
    code = sms_code_field()


class UsernameChangeForm(Form):
    """A new username, by the sign-up rules (taken: username_change)."""

    username = UsernameField(label=_("New username"))
