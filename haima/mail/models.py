from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haima.core.sealing import SealedTextField


class OutboundEmail(models.Model):
    """One email to send, kept until an SMTP server has accepted it.

    Written in the transaction of the action that causes it (registration,
    password reset), so the email exists exactly when the action does. A
    sender first takes a short lease on the row, so two senders (a retried
    task and the periodic re-send) never send it twice at once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")

    # Which email (its template: "activation", "password_reset") and whose,
    # so the audit trail and the admin can tell why it was sent, and to whom.
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    # Sealed at rest: an activation or reset email holds a one-time link.
    text_body = SealedTextField(_("text body"))
    html_body = SealedTextField(_("HTML body"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="mail_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.status})"
