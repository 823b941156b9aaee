"""Input rules of sign-in by SMS and of binding a phone: a phone and the
code texted to it, shared by the pages, the API and the account centre."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import Form


def sms_code_field() -> forms.CharField:
    """The six digits of a texted code; optional, since the form that takes
    it is also posted by 获取验证码 to send one."""
    return forms.CharField(
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


class SmsCodeForm(Form):
    """A phone and the code texted to it; the captcha guards the sending.

    The phone's rules (a mainland mobile number) are the SMS service's, so
    page and API give the same answer. The captcha is read from the widget's
    ``captcha_0``/``captcha_1`` only when a code is sent.
    """

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        error_messages={"required": _("Please enter your mobile number.")},
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    code = sms_code_field()


class SmsLoginForm(SmsCodeForm):
    remember = forms.BooleanField(label=_("Keep me signed in"), required=False)
