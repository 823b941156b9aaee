"""Celery workers SIGKILLed while they send an email; others take over."""

import json
import os
import signal
from datetime import timedelta
from http import HTTPStatus

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from kombu import Connection

from haima.mail.models import OutboundEmail
from haima.mail.tasks import resend_pending_emails

from .conftest import task_results, wait_until

pytestmark = pytest.mark.services

PENDING, SENT = OutboundEmail.Status.PENDING, OutboundEmail.Status.SENT


def parked_in_redis(broker: str, queue: str) -> int:
    """Messages of ``queue`` that kombu's Redis transport holds unacknowledged,
    to hand back once its visibility timeout has passed."""
    client = redis.Redis.from_url(broker)
    return sum(json.loads(raw)[2] == queue for raw in client.hvals("unacked"))


def waiting_in_rabbitmq(broker: str, queue: str) -> int:
    with Connection(broker) as connection:
        return connection.default_channel.queue_declare(queue, passive=True)[1]


def assert_held_by_the_dead(count: int) -> None:
    """``count`` emails pending, each tried once, leased by a dead sender."""
    emails = OutboundEmail.objects.all()
    assert [(email.status, email.attempts) for email in emails] == [
        (PENDING, 1)
    ] * count
    assert all(email.lease_until > timezone.now() for email in emails)


def resend_after_the_leases(stack, worker, broker: str) -> None:
    """The leases (2 minutes) run out; beat's re-send, every 5 minutes,
    takes every email idle for 2 minutes: they have been."""
    OutboundEmail.objects.update(
        lease_until=timezone.now() - timedelta(seconds=1),
        last_attempt_at=timezone.now() - timedelta(minutes=3),
    )
    stack.beat(resend_pending_emails, broker=broker)
    wait_until(
        lambda: task_results(worker, "resend_pending_emails") != [],
        "the re-send",
        process=worker,
    )


def test_on_redis_a_killed_child_or_worker_loses_no_email(smtp, stack, register):
    broker = os.environ["REDIS_URL"]  # this run's own db
    smtp.start()
    smtp.stalling = True
    web = stack.web()
    # Production's pool: the task runs in a child process.
    first = stack.worker("worker-a", pool="prefork", EMAIL_URL=smtp.url)
    [child] = first.children()

    # 1. The OOM killer takes the child in the middle of the SMTP conversation.
    assert register(web, "child").status_code == HTTPStatus.CREATED
    wait_until(lambda: smtp.stalled == 1, "the child to hang in DATA", process=first)
    os.kill(child, signal.SIGKILL)
    # reject_on_worker_lost: the worker puts the task back at once and a new
    # child runs it again; the dead child's lease makes that a no-op.
    wait_until(
        lambda: task_results(first, "deliver_email") == ["False"],
        "the task to run again",
        process=first,
    )
    assert "WorkerLostError" in first.output()

    # 2. The whole worker dies (kill -9, a host lost) in the same place.
    assert register(web, "whole").status_code == HTTPStatus.CREATED
    wait_until(lambda: smtp.stalled == 2, "the worker to hang in DATA", process=first)
    for pid in first.children():
        os.kill(pid, signal.SIGKILL)
    first.kill()
    # Nobody hands its task back: Redis keeps it aside for the visibility
    # timeout, an hour, before it gives it to a worker again.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600
    assert parked_in_redis(broker, stack.queue) == 1
    assert_held_by_the_dead(2)

    smtp.stalling = False
    second = stack.worker("worker-b", EMAIL_URL=smtp.url)
    resend_after_the_leases(stack, second, broker)

    assert task_results(second, "resend_pending_emails") == ["2"]
    assert task_results(second, "deliver_email") == []  # still parked
    assert smtp.received() == {"child@example.cn": 1, "whole@example.cn": 1}
    assert smtp.stalled == 2
    assert (
        list(OutboundEmail.objects.values_list("status", "attempts")) == [(SENT, 2)] * 2
    )


def test_on_rabbitmq_a_killed_worker_loses_no_email(rabbitmq, smtp, stack, register):
    smtp.start()
    smtp.stalling = True
    web = stack.web(CELERY_BROKER_URL=rabbitmq)
    first = stack.worker("worker-a", CELERY_BROKER_URL=rabbitmq, EMAIL_URL=smtp.url)

    assert register(web, "killed").status_code == HTTPStatus.CREATED
    wait_until(lambda: smtp.stalled == 1, "the worker to hang in DATA", process=first)
    first.kill()

    assert_held_by_the_dead(1)
    # Its connection gone, RabbitMQ puts the unacknowledged task back at once.
    wait_until(lambda: waiting_in_rabbitmq(rabbitmq, stack.queue) == 1, "requeue")

    smtp.stalling = False
    second = stack.worker("worker-b", CELERY_BROKER_URL=rabbitmq, EMAIL_URL=smtp.url)
    # The task runs again, and leaves the email to the dead worker's lease.
    wait_until(
        lambda: task_results(second, "deliver_email") == ["False"],
        "the task to run again",
        process=second,
    )
    assert smtp.messages == []
    resend_after_the_leases(stack, second, rabbitmq)

    assert task_results(second, "resend_pending_emails") == ["1"]
    assert smtp.received() == {"killed@example.cn": 1}
    assert smtp.stalled == 1
    assert list(OutboundEmail.objects.values_list("status", "attempts")) == [(SENT, 2)]
