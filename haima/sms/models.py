from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsSend(models.Model):
    """One verification code sent, or tried: what an operator needs to see.

    Never the code, never the whole number: the phone is masked
    (``138****8000``). The provider's answer (``Code``, ``BizId``,
    ``RequestId``) is kept so a failure can be traced with Aliyun.
    """

    class Purpose(models.TextChoices):
        LOGIN = "login", _("sign in")
        BIND = "bind", _("bind a phone")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    phone_masked = models.CharField(_("phone"), max_length=16)
    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_code = models.CharField(_("provider code"), max_length=64, blank=True)
    provider_message = models.CharField(
        _("provider message"), max_length=255, blank=True
    )
    biz_id = models.CharField("BizId", max_length=64, blank=True)
    request_id = models.CharField("RequestId", max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("code expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="sms_created_idx")]

    def __str__(self):
        return f"{self.phone_masked} {self.purpose} ({self.status})"
