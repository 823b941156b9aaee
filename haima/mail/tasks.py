from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task

from .services import email_deliver, emails_resend_pending


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def deliver_email(email_id: int) -> bool:
    """Send one queued email, retrying with backoff while SMTP fails.

    Acknowledged late (settings), so a worker killed mid-task hands it on.
    After the last retry the email stays pending for the periodic re-send.
    """
    return email_deliver(email_id=email_id)


@shared_task
def resend_pending_emails() -> int:
    """Beat: send what the broker never carried or what ran out of retries."""
    return emails_resend_pending(idle_for=timedelta(minutes=2))
