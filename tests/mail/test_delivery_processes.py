"""Delivery across real processes: web, broker, Celery worker, SMTP."""

from http import HTTPStatus

import pytest

from haima.mail.models import OutboundEmail
from tests.helpers import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def marked_sent() -> bool:
    """The worker marks an email sent just after the SMTP server took it."""
    return OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def body(registration, name: str) -> dict:
    return registration(username=name, email=f"{name}@example.cn")


def test_the_worker_sends_the_activation_email(
    api_client, registration, celery_worker, smtp_server
):
    smtp_server.clear()
    response = api_client.post_json("/api/v1/register", body(registration, "worker1"))
    assert response.status_code == HTTPStatus.CREATED
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "worker1@example.cn"
    wait_for(marked_sent, 20, "the worker to mark the email sent")
