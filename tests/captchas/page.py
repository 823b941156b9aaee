"""A page with only a captcha-protected form, for the widget's browser test."""

from django import forms
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from haima.captchas.fields import CaptchaField

PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block content %}
    <form method="post" class="panel">{% csrf_token %}{{ form.captcha }}</form>
    {{ form.media }}{% endblock %}"""
)


class CaptchaOnlyForm(forms.Form):
    captcha = CaptchaField()


def captcha_page(request):
    return HttpResponse(PAGE.render({"form": CaptchaOnlyForm()}, request))


urlpatterns = [
    path("captcha-page/", captcha_page),
    path("", include("config.urls")),
]
