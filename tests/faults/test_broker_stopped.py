"""The Celery broker stopped while people register; then started again."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from haima.mail.models import OutboundEmail
from haima.mail.tasks import resend_pending_emails
from tests.processes import RedisServer

from .conftest import task_results, wait_until

pytestmark = pytest.mark.services

REGISTRATIONS = 5


@pytest.fixture
def broker():
    """A private Redis serving as the broker only: cache, sessions and
    counters stay on this run's Redis."""
    server = RedisServer("faults-broker")
    yield server
    server.stop()


def test_registrations_go_on_and_the_outbox_delivers_later(
    broker, smtp, stack, register
):  # the stores first: they outlive the processes
    smtp.start()
    web = stack.web(CELERY_BROKER_URL=broker.url)
    worker = stack.worker(CELERY_BROKER_URL=broker.url, EMAIL_URL=smtp.url)
    names = [f"nobroker{number}" for number in range(REGISTRATIONS)]

    broker.stop()
    # Each answered within the request's timeout, broker or not.
    answers = [register(web, name, timeout=10) for name in names]

    assert [answer.status_code for answer in answers] == [HTTPStatus.CREATED] * 5
    emails = OutboundEmail.objects.filter(kind="activation")
    assert list(emails.values_list("status", "attempts")) == [("pending", 0)] * 5
    not_published = "Broker unreachable, haima.mail.tasks.deliver_email not published"
    assert web.output().count(not_published) == REGISTRATIONS
    assert smtp.messages == []

    broker.start()  # empty, on the same port
    # Beat's re-send takes emails idle for 2 minutes: they have been.
    emails.update(created_at=timezone.now() - timedelta(minutes=3))
    stack.beat(resend_pending_emails, broker=broker.url)
    wait_until(
        lambda: task_results(worker, "resend_pending_emails") == ["5"],
        "the worker to reconnect and re-send",
        timeout=30,
        process=worker,
    )
    assert smtp.received() == {f"{name}@example.cn": 1 for name in names}
    assert list(emails.values_list("status", "attempts")) == [("sent", 1)] * 5
