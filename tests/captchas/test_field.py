"""Any form protects itself by declaring ``captcha = CaptchaField()``."""

import pytest
from django import forms
from django.utils import translation

from haima.captchas.fields import CaptchaField

pytestmark = pytest.mark.django_db


class ProtectedForm(forms.Form):
    name = forms.CharField()
    captcha = CaptchaField()


def test_renders_image_key_answer_and_script(captchas):
    form = ProtectedForm()
    html = str(form["captcha"])
    assert 'name="captcha_0"' in html and 'name="captcha_1"' in html
    assert "data-captcha-image" in html and "/captcha/image/" in html
    assert "haima/js/captcha.js" in str(form.media)


def test_right_answer_validates_and_spends(captchas):
    key = captchas.issue()
    data = {"name": "x", "captcha_0": key, "captcha_1": captchas.answer(key)}
    assert ProtectedForm(data).is_valid()
    assert not ProtectedForm(data).is_valid()


def test_wrong_answer_is_a_field_error(captchas):
    key = captchas.issue()
    form = ProtectedForm({"name": "x", "captcha_0": key, "captcha_1": "zzzz"})
    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert form.errors["captcha"] == ["验证码错误，请输入新的验证码。"]
    assert not captchas.is_live(key)


@pytest.mark.parametrize(
    "data", [{}, {"captcha_0": "x"}, {"captcha_1": "abcd"}, {"captcha_0": "\x00"}]
)
def test_missing_parts_are_field_errors(captchas, data):
    form = ProtectedForm({"name": "x", **data})
    assert not form.is_valid()
    assert "captcha" in form.errors


def test_test_mode_works_on_pages_too(captchas, settings):
    settings.HAIMA_CAPTCHA_TEST_MODE = True
    key = captchas.issue()
    assert ProtectedForm(
        {"name": "x", "captcha_0": key, "captcha_1": "PASSED"}
    ).is_valid()
