"""The captcha as a form field: image, hidden key, answer box, ✓/✗ hint."""

from captcha.fields import CaptchaField as SimpleCaptchaField
from captcha.fields import CaptchaTextInput
from django import forms

from .services import CaptchaRejected, captcha_consume


class CaptchaWidget(CaptchaTextInput):
    template_name = "captchas/widget.html"

    class Media:
        js = ("haima/js/captcha.js",)


class CaptchaField(SimpleCaptchaField):
    """Declare ``captcha = CaptchaField()`` on a form to protect it.

    Cleaning spends the captcha, right or wrong (see haima.captchas.services).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "")
        super().__init__(widget=CaptchaWidget(), **kwargs)

    def clean(self, value):
        key, answer = value if value and len(value) == 2 else ("", "")
        try:
            captcha_consume(key=key or "", answer=answer or "")
        except CaptchaRejected as rejected:
            raise forms.ValidationError(rejected.errors["captcha"]) from None
        return key
