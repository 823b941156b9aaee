"""Delivery across real processes: web, broker, Celery worker, SMTP."""

import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from haima.mail.models import OutboundEmail
from haima.mail.tasks import resend_pending_emails
from tests.helpers import wait_for
from tests.processes import WebServer, service_environment

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


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
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_smtp_down_while_registering_then_back(
    api_client, registration, celery_worker, smtp_server
):
    smtp_server.clear()
    smtp_server.refusing = True
    response = api_client.post_json("/api/v1/register", body(registration, "worker2"))
    assert response.status_code == HTTPStatus.CREATED

    def failed_once() -> bool:
        return OutboundEmail.objects.filter(attempts__gte=1).exists()

    wait_for(failed_once, 60, "the first failed attempt")  # bounded, not a pause
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING
    assert "temporarily unavailable" in email.last_error

    smtp_server.refusing = False  # the task's retry (backoff ≤ 5 s) now succeeds
    [message] = smtp_server.wait_for(1, timeout=30)
    assert message["To"] == "worker2@example.cn"
    time.sleep(1)
    assert len(smtp_server.messages) == 1


def test_broker_down_keeps_the_email_for_the_periodic_resend(
    registration, celery_worker, smtp_server, django_db_blocker
):
    smtp_server.clear()
    env = service_environment(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    server = WebServer("web-broker-down", env)
    try:
        started = time.monotonic()
        response = server.session().post(
            f"{server.url}/api/v1/register", json=body(registration, "nobroker")
        )
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert response.status_code == HTTPStatus.CREATED, response.text
    assert elapsed < 5
    assert "Broker unreachable, haima.mail.tasks.deliver_email not published" in (
        server.output()
    )
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING

    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    resend_pending_emails.delay()  # as beat does, through the (working) broker
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "nobroker@example.cn"
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
