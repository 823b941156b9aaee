"""The durable outbox: queue an email with its cause, deliver it at least once.

``email_queue`` writes the email in the caller's transaction and publishes
the delivery task after commit. ``email_deliver`` sends one email under a
lease; ``emails_resend_pending`` (run by beat) sends what the broker never
carried or what ran out of retries, so a queued email is never lost.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from haima.audit.services import Kind, event_record
from haima.core.dispatch import task_publish_on_commit

from .models import OutboundEmail

logger = logging.getLogger(__name__)

# Longer than one SMTP conversation may take (EMAIL_TIMEOUT), so a lease runs
# out only when its sender died.
LEASE = timedelta(minutes=2)


def email_queue(*, to: str, template: str, context: dict, user=None) -> OutboundEmail:
    """Render ``mail/<template>_{subject.txt,.txt,.html}`` and queue it.

    Rendered now, in the request's language; the worker only sends. The
    template names the email's kind in the outbox and the audit trail.
    """
    from .tasks import deliver_email

    subject = render_to_string(f"mail/{template}_subject.txt", context)
    email = OutboundEmail.objects.create(
        kind=template,
        user=user,
        to=to,
        subject=" ".join(subject.split()),
        text_body=render_to_string(f"mail/{template}.txt", context),
        html_body=render_to_string(f"mail/{template}.html", context),
    )
    task_publish_on_commit(deliver_email, email.pk)
    event_record(Kind.MAIL_QUEUED, user=user, typed=to, code=template)
    return email


def email_deliver(*, email_id: int) -> bool:
    """Send one queued email; return False if it was sent or is being sent.

    Raises the SMTP error on failure, for the task to retry.
    """
    now = timezone.now()
    claimed = (
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            lease_until=now + LEASE, last_attempt_at=now, attempts=F("attempts") + 1
        )
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        email.subject, email.text_body, settings.DEFAULT_FROM_EMAIL, [email.to]
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    try:
        message.send()
    except Exception as error:
        OutboundEmail.objects.filter(pk=email_id).update(
            lease_until=None, last_error=f"{type(error).__name__}: {error}"[:1000]
        )
        event_record(
            Kind.MAIL_FAILED,
            user=email.user,
            typed=email.to,
            code=email.kind,
            error=type(error).__name__,
            attempt=email.attempts,
        )
        raise
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        lease_until=None,
        last_error="",
    )
    event_record(
        Kind.MAIL_DELIVERED,
        user=email.user,
        typed=email.to,
        code=email.kind,
        attempt=email.attempts,
    )
    return True


def emails_pending_resend(*, idle_for: timedelta) -> list[int]:
    """Ids of pending emails nobody has tried for ``idle_for``."""
    now = timezone.now()
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .alias(idle_since=Coalesce("last_attempt_at", "created_at"))
        .filter(idle_since__lt=now - idle_for)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def emails_resend_pending(*, idle_for: timedelta) -> int:
    """Send every email left pending; return how many went out."""
    sent = 0
    for email_id in emails_pending_resend(idle_for=idle_for):
        try:
            sent += email_deliver(email_id=email_id)
        except Exception as error:
            logger.warning("Re-send of email %s failed: %s", email_id, error)
    return sent
