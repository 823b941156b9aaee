"""Registrations while the SMTP server is down; then it comes up."""

import os
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from haima.mail.models import OutboundEmail
from haima.mail.tasks import resend_pending_emails

from .conftest import task_results, wait_until

pytestmark = pytest.mark.services

REGISTRATIONS = 5
PENDING = OutboundEmail.Status.PENDING


def test_every_activation_email_arrives_once_when_smtp_returns(smtp, stack, register):
    web = stack.web()
    worker = stack.worker(EMAIL_URL=smtp.url)  # nothing listens there yet
    names = [f"smtpdown{number}" for number in range(REGISTRATIONS)]

    answers = [register(web, name) for name in names]

    assert [answer.status_code for answer in answers] == [HTTPStatus.CREATED] * 5
    emails = OutboundEmail.objects.filter(kind="activation")
    # Each task tried once, was refused, and waits for its retry.
    wait_until(
        lambda: emails.filter(attempts__gte=1, lease_until=None).count() == 5,
        "every delivery to fail once",
        process=worker,
    )
    assert emails.filter(status=PENDING).count() == REGISTRATIONS
    assert all("Connection refused" in email.last_error for email in emails)
    assert "Retry in" in worker.output()

    # Beat's re-send takes emails idle for 2 minutes: they have been.
    emails.update(last_attempt_at=timezone.now() - timedelta(minutes=3))
    smtp.start()
    stack.beat(resend_pending_emails, broker=os.environ["REDIS_URL"])

    wait_until(
        lambda: len(task_results(worker, "resend_pending_emails")) == 1,
        "the re-send to run",
        process=worker,
    )
    # An email a retry held at that moment is the retry's to send.
    wait_until(
        lambda: not emails.filter(status=PENDING).exists(),
        "every email to be sent",
        process=worker,
    )
    assert smtp.received() == {f"{name}@example.cn": 1 for name in names}
    # Sent by the re-send, or by a task's retry that came first (its backoff
    # is jittered from 0 s); never by both.
    [resent] = map(int, task_results(worker, "resend_pending_emails"))
    retried = task_results(worker, "deliver_email").count("True")
    assert resent + retried == REGISTRATIONS
    # A second re-send finds nothing to send.
    stack.beat(resend_pending_emails, broker=os.environ["REDIS_URL"])
    wait_until(
        lambda: len(task_results(worker, "resend_pending_emails")) == 2,
        "the second re-send to run",
        process=worker,
    )
    assert task_results(worker, "resend_pending_emails")[1] == "0"
    assert sum(smtp.received().values()) == REGISTRATIONS
