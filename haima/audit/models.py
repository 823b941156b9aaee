"""The audit trail: what happened to which account, when, from where.

Append-only: an event is never changed, and rows go only by age
(``AUDIT_RETENTION_DAYS``, haima.audit.tasks.audit_purge). What a person
typed is kept masked (``138****8000``, ``a***@x.cn``), and no password,
code or token is ever a field here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountEvent(models.Model):
    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        MAIL_QUEUED = "mail_queued", _("Mail queued")
        MAIL_DELIVERED = "mail_delivered", _("Mail delivered")
        MAIL_FAILED = "mail_failed", _("Mail failed")
        ACTIVATED = "activated", _("Activated")
        LOGIN_SUCCEEDED = "login_succeeded", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        CAPTCHA_REQUIRED = "captcha_required", _("Captcha required")
        LOCKED_OUT = "locked_out", _("Locked out")
        SMS_REQUESTED = "sms_requested", _("SMS code requested")
        SMS_SENT = "sms_sent", _("SMS sent")
        SMS_FAILED = "sms_failed", _("SMS failed")
        SMS_VERIFIED = "sms_verified", _("SMS code verified")
        PHONE_BOUND = "phone_bound", _("Phone bound")
        PASSWORD_RESET_REQUESTED = (
            "password_reset_requested",
            _("Password reset requested"),
        )
        PASSWORD_RESET_DONE = "password_reset_done", _("Password reset")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        LOGOUT = "logout", _("Signed out")
        ADMIN_ACTION = "admin_action", _("Admin action")
        # The 账户中心 (haima.centre): what customers do to their own account.
        USERNAME_CHANGED = "username_changed", _("Username changed")
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("Email change requested")
        EMAIL_CHANGED = "email_changed", _("Email changed")
        ACCOUNT_LOCKED = "account_locked", _("Account locked by its owner")
        PHONE_REMOVED = "phone_removed", _("Phone removed")
        SESSIONS_ENDED = "sessions_ended", _("Sessions ended")
        DATA_EXPORTED = "data_exported", _("Personal information downloaded")
        CANCELLATION_REQUESTED = "cancellation_requested", _("Cancellation requested")
        CANCELLATION_UNDONE = "cancellation_undone", _("Cancellation undone")
        ACCOUNT_ERASED = "account_erased", _("Account erased")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    # What was typed to name the account (a login, phone or address), masked.
    subject = models.CharField(_("typed as"), max_length=64, blank=True)
    # A stable code: why a sign-in failed, which door, which mail, which action.
    code = models.CharField(_("code"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=256, blank=True)
    # Small non-secret facts: the provider's Code, the staff member, a count.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], name="audit_event_time"),
            models.Index(fields=["kind", "created_at"], name="audit_event_kind_time"),
            models.Index(fields=["user", "created_at"], name="audit_event_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Account events are append-only.")
        super().save(*args, **kwargs)
