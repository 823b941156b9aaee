"""The captcha as a form field: image, hidden key, answer box, ✓/✗ hint."""

from captcha.fields import CaptchaField as SimpleCaptchaField
from captcha.fields import CaptchaTextInput
from django import forms
from django.conf import settings

from haima.core.context import current_request_context
from haima.core.exceptions import RateLimited

from .services import CaptchaRejected, captcha_consume, captcha_issue


class CaptchaWidget(CaptchaTextInput):
    """django-simple-captcha's widget, minting through ``captcha_issue``.

    Its own would create a row on every render with no limit; this one
    counts each against the client's ``captcha_ip`` limit like the API does,
    and past it renders the refusal instead of an image.
    """

    template_name = "captchas/widget.html"

    class Media:
        js = ("haima/js/captcha.js",)

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        self.refusal = None
        try:
            key = captcha_issue(context=current_request_context()).key
        except RateLimited as refused:
            key, self.refusal = "", refused.message
        self._value = [key, ""]
        self._key = key
        self.id_ = self.build_attrs(attrs).get("id", None)

    def image_url(self):
        return super().image_url() if self._key else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refusal"] = self.refusal
        context["image_width"], context["image_height"] = settings.CAPTCHA_IMAGE_SIZE
        return context


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
