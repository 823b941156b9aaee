"""Tasks run after commit; in-process (no broker) only after the response."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from config.celery import app
from haima.core.dispatch import task_publish_on_commit
from tests.worker_tasks import send_probe_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_process(monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def request_signals():
    """Send request signals by hand, without Django closing the test's DB."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_nothing_is_published_before_commit(
    in_process, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task_publish_on_commit(send_probe_mail, "a@x.cn", "later")
    assert mailoutbox == [] and len(callbacks) == 1


def test_in_process_task_waits_for_the_response(
    in_process, request_signals, mailoutbox, django_capture_on_commit_callbacks
):
    request_started.send(sender=None)
    with django_capture_on_commit_callbacks(execute=True):
        task_publish_on_commit(send_probe_mail, "a@x.cn", "after the response")
    assert mailoutbox == []
    request_finished.send(sender=None)
    assert [m.subject for m in mailoutbox] == ["after the response"]


def test_outside_a_request_it_runs_at_once(
    in_process, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task_publish_on_commit(send_probe_mail, "a@x.cn", "now")
    assert len(mailoutbox) == 1


def test_registration_mail_goes_out_in_process(
    in_process, api_client, registration, mailoutbox, django_capture_on_commit_callbacks
):
    from haima.mail.models import OutboundEmail

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post_json("/api/v1/register", registration())
    assert response.status_code == 201
    assert len(mailoutbox) == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_in_process_delivery_tries_once_and_keeps_the_email(
    in_process, api_client, registration, mailbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from haima.mail.models import OutboundEmail

    mailbox.refusing = True
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post_json("/api/v1/register", registration())
    assert response.status_code == 201
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 1)

    mailbox.refusing = False
    call_command("resend_pending_emails")
    assert len(mailbox.wait_for(1)) == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_a_broker_outage_is_logged_without_the_tasks_arguments(monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from haima.core.dispatch import task_publish

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(send_probe_mail, "apply_async", unreachable)
    assert task_publish(send_probe_mail, "sealed-secret@x.cn", "subject") is False
    assert "send_probe_mail not published" in caplog.text
    assert "sealed-secret" not in caplog.text
