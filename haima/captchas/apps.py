from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaptchasConfig(AppConfig):
    name = "haima.captchas"
    label = "captchas"
    verbose_name = _("Captchas")
