"""The outbox never loses an email and never sends one twice."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from haima.mail.models import OutboundEmail
from haima.mail.services import (
    email_deliver,
    email_queue,
    emails_pending_resend,
    emails_resend_pending,
)
from haima.mail.tasks import resend_pending_emails

pytestmark = pytest.mark.django_db

NOW = timedelta(0)


def queue(to: str = "ming@example.cn") -> OutboundEmail:
    from haima.accounts.models import User

    user = User(username="xiaoming", email=to)
    return email_queue(
        to=to,
        template="activation",
        context={"user": user, "link": "http://x/user/active/t", "valid_for": "1 h"},
    )


def status_of(email: OutboundEmail) -> OutboundEmail:
    email.refresh_from_db()
    return email


def test_deliver_sends_once(mailbox):
    email = queue()
    assert email_deliver(email_id=email.pk) is True
    assert email_deliver(email_id=email.pk) is False
    assert len(mailbox.wait_for(1)) == 1
    email = status_of(email)
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1
    assert email.sent_at is not None


def test_smtp_down_keeps_the_email_for_later(mailbox):
    email = queue()
    mailbox.refusing = True
    with pytest.raises(Exception, match="temporarily unavailable"):
        email_deliver(email_id=email.pk)
    email = status_of(email)
    assert email.status == OutboundEmail.Status.PENDING
    assert "temporarily unavailable" in email.last_error
    assert email.lease_until is None

    mailbox.refusing = False
    assert emails_resend_pending(idle_for=NOW) == 1
    assert emails_resend_pending(idle_for=NOW) == 0
    assert len(mailbox.wait_for(1)) == 1


def test_a_leased_email_is_left_to_its_sender(mailbox):
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        lease_until=timezone.now() + timedelta(minutes=1)
    )
    assert email_deliver(email_id=email.pk) is False
    assert emails_pending_resend(idle_for=NOW) == []


def test_an_expired_lease_is_taken_over(mailbox):
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert email_deliver(email_id=email.pk) is True


def test_resend_waits_until_an_email_is_idle():
    email = queue()
    assert emails_pending_resend(idle_for=timedelta(minutes=2)) == []
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=3)
    )
    assert emails_pending_resend(idle_for=timedelta(minutes=2)) == [email.pk]


def test_the_beat_task_resends_idle_emails(mailbox):
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=3)
    )
    assert resend_pending_emails() == 1
    assert len(mailbox.wait_for(1)) == 1


def test_a_rolled_back_action_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the registration failed")
    assert not OutboundEmail.objects.exists()
