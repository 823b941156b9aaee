"""The audit trail: the event each flow writes, masked, and never a secret.

Flows run through the API as customers would, mail through the real SMTP
server and tasks in-process; each test reads back the events written.
"""

import logging
import re
from datetime import timedelta
from http import HTTPStatus
from smtplib import SMTPException

import pytest
from django.utils import timezone

from haima.accounts.emails import activation_email_queue
from haima.audit.models import AccountEvent
from haima.audit.services import event_record, events_purge
from haima.core.ratelimit import ratelimit_clear
from haima.mail import services as mail_services
from haima.mail.models import OutboundEmail
from haima.mail.services import email_deliver
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, activation_link, password_reset_link
from tests.sms.conftest import NATIONAL

pytestmark = pytest.mark.django_db(transaction=True)  # tasks run after commit

Kind = AccountEvent.Kind
USER_AGENT = "Mozilla/5.0 (haima-audit-test)"
NEW_PASSWORD = "ripe-Papaya-77"


@pytest.fixture(autouse=True)
def _tasks_and_mail(in_process, mailbox):
    return mailbox


def events(*kinds) -> list[AccountEvent]:
    found = AccountEvent.objects.order_by("id")
    return list(found.filter(kind__in=kinds) if kinds else found)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def only(kind) -> AccountEvent:
    [event] = events(kind)
    return event


def log_in(api_client, login="xiaoming", password=STRONG_PASSWORD, **body):
    return api_client.post_json(
        "/api/v1/login",
        {"login": login, "password": password, **body},
        HTTP_USER_AGENT=USER_AGENT,
    )


class TestAccountFlows:
    def test_registration_activation_and_its_mail(
        self, api_client, registration, mailbox
    ):
        response = api_client.post_json(
            "/api/v1/register", registration(), HTTP_USER_AGENT=USER_AGENT
        )
        assert response.status_code == HTTPStatus.CREATED
        registered = only(Kind.REGISTERED)
        assert registered.user.username == "xiaoming"
        assert registered.subject == "m***@example.cn"
        assert registered.code == "email"
        assert registered.ip == "127.0.0.1"
        assert registered.user_agent == USER_AGENT
        queued, delivered = only(Kind.MAIL_QUEUED), only(Kind.MAIL_DELIVERED)
        assert queued.code == delivered.code == "activation"
        assert queued.user == delivered.user == registered.user
        assert delivered.detail == {"attempt": 1}

        [message] = mailbox.wait_for(1)
        link = activation_link(message.get_body(("plain",)).get_content())
        api_client.post_json("/api/v1/activate", {"token": token_of(link)})
        assert only(Kind.ACTIVATED).user == registered.user

    def test_a_mail_the_server_refuses(self, user, mailbox, monkeypatch):
        monkeypatch.setattr(mail_services, "task_publish_on_commit", lambda *a: None)
        activation_email_queue(user=user)
        mailbox.refusing = True
        with pytest.raises(SMTPException):
            email_deliver(email_id=OutboundEmail.objects.get().pk)
        failed = only(Kind.MAIL_FAILED)
        assert failed.user == user and failed.code == "activation"
        assert failed.detail["attempt"] == 1 and failed.detail["error"]

    def test_sign_in_and_out(self, api_client, user):
        assert log_in(api_client).status_code == HTTPStatus.OK
        signed_in = only(Kind.LOGIN_SUCCEEDED)
        assert (signed_in.user, signed_in.code) == (user, "password")
        assert signed_in.user_agent == USER_AGENT
        api_client.post_json("/api/v1/logout")
        assert only(Kind.LOGOUT).user == user

    @pytest.mark.parametrize(
        ("login", "masked"),
        [("xiaoming", "x***g"), ("MING@example.cn", "m***@example.cn"),
         ("nobody", "n***y"), ("138 0013 8000", "138****8000")],
    )  # fmt: skip
    def test_a_failed_sign_in_is_masked(self, api_client, user, login, masked):
        log_in(api_client, login, "wrong-Pear-99")
        failed = only(Kind.LOGIN_FAILED)
        assert failed.subject == masked
        assert failed.code == "wrong_credentials"
        assert failed.detail == {"door": "password_signin"}
        assert failed.user == (
            user if login != "nobody" and "138" not in login else None
        )

    def test_an_inactive_account(self, api_client):
        user = user_create(is_active=False)
        log_in(api_client)
        failed = only(Kind.LOGIN_FAILED)
        assert (failed.user, failed.code) == (user, "inactive")

    def test_captcha_then_lockout(self, api_client, user, settings):
        for _ in range(3):
            log_in(api_client, password="wrong-Pear-99")
        log_in(api_client)  # the captcha is now due, and missing
        assert only(Kind.CAPTCHA_REQUIRED).code == "missing"
        ratelimit_clear({"signin_captcha_login": "login:xiaoming"})
        ratelimit_clear({"signin_captcha_ip": "127.0.0.1"})
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin_login": "3/15m"}
        response = log_in(api_client)
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        locked = only(Kind.LOCKED_OUT)
        assert (locked.code, locked.subject) == ("signin_login", "x***g")

    def test_password_reset_and_change(self, api_client, user, mailbox):
        api_client.post_json("/api/v1/password/reset", {"email": "MING@example.cn"})
        requested = only(Kind.PASSWORD_RESET_REQUESTED)
        assert requested.subject == "M***@example.cn" and requested.user is None
        assert only(Kind.MAIL_QUEUED).code == "password_reset"
        [message] = mailbox.wait_for(1)
        link = password_reset_link(message.get_body(("plain",)).get_content())
        api_client.post_json(
            "/api/v1/password/reset/confirm",
            {"token": token_of(link), "password": NEW_PASSWORD},
        )
        assert only(Kind.PASSWORD_RESET_DONE).user == user

        log_in(api_client, password=NEW_PASSWORD)
        api_client.post_json(
            "/api/v1/password/change",
            {"old_password": "wrong-Pear-99", "password": STRONG_PASSWORD},
        )
        failed = only(Kind.LOGIN_FAILED)
        assert (failed.code, failed.user) == ("wrong_old_password", user)
        assert failed.detail == {"door": "password_confirm"}
        api_client.post_json(
            "/api/v1/password/change",
            {"old_password": NEW_PASSWORD, "password": STRONG_PASSWORD},
        )
        assert only(Kind.PASSWORD_CHANGED).user == user


class TestSmsFlows:
    def test_a_code_requested_sent_and_used_to_sign_up(
        self, api_client, request_code, sms_outbox
    ):
        request_code()
        requested, sent = only(Kind.SMS_REQUESTED), only(Kind.SMS_SENT)
        assert requested.subject == sent.subject == "138****8000"
        assert requested.code == "login" and sent.detail["purpose"] == "login"
        assert sent.code == "OK"

        code = sms_outbox[-1].code
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        api_client.post_json("/api/v1/sms/login", {"phone": NATIONAL, "code": wrong})
        assert only(Kind.LOGIN_FAILED).code == "code_invalid"
        api_client.post_json("/api/v1/sms/login", {"phone": NATIONAL, "code": code})
        assert only(Kind.SMS_VERIFIED).code == "login"
        registered, signed_in = only(Kind.REGISTERED), only(Kind.LOGIN_SUCCEEDED)
        assert registered.code == "sms" and signed_in.code == "sms"
        assert registered.user == signed_in.user and registered.user.phone

    def test_a_phone_bound(self, api_client, user, sent_code):
        log_in(api_client)
        code = sent_code(purpose="bind")
        api_client.post_json("/api/v1/sms/bind", {"phone": NATIONAL, "code": code})
        bound = only(Kind.PHONE_BOUND)
        assert (bound.user, bound.subject) == (user, "138****8000")


def test_no_secret_in_any_event_or_log_line(
    api_client, registration, mailbox, request_code, sms_outbox, caplog
):
    """Every flow with secrets in it; then the table and the logs are read."""
    caplog.set_level(logging.DEBUG)
    api_client.post_json("/api/v1/register", registration())
    [message] = mailbox.wait_for(1)
    link = activation_link(message.get_body(("plain",)).get_content())
    activation_token = token_of(link)
    api_client.post_json("/api/v1/activate", {"token": activation_token})
    log_in(api_client, password="typed-" + STRONG_PASSWORD)  # a wrong one
    log_in(api_client, login=STRONG_PASSWORD)  # a password in the login box
    log_in(api_client)
    request_code(purpose="bind")
    code = sms_outbox[-1].code
    api_client.post_json("/api/v1/sms/bind", {"phone": NATIONAL, "code": code})
    api_client.post_json("/api/v1/password/reset", {"email": "ming@example.cn"})
    mails = [m.get_body(("plain",)).get_content() for m in mailbox.wait_for(3)]
    found = [re.search(r"https?://\S+/user/password/reset/[^/\s]+/", t) for t in mails]
    [reset_link] = [link.group(0) for link in found if link]
    reset_token = token_of(reset_link)
    api_client.post_json(
        "/api/v1/password/reset/confirm",
        {"token": reset_token, "password": NEW_PASSWORD},
    )

    secrets = [STRONG_PASSWORD, NEW_PASSWORD, code, activation_token, reset_token]
    secrets += [reset_token.split(".")[-1], activation_token.split(":")[0]]
    assert len(events()) >= 12
    rows = " ".join(
        " ".join(str(value) for value in row)
        for row in AccountEvent.objects.values_list()
    )
    logs = "\n".join(record.getMessage() for record in caplog.records)
    for secret in secrets:
        assert secret not in rows, secret
        assert secret not in logs, secret


def test_a_failed_write_never_fails_the_request(api_client, user, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(AccountEvent.objects, "create", broken)
    assert log_in(api_client).status_code == HTTPStatus.OK
    assert "Audit event login_succeeded was not written" in caplog.text


def test_events_are_append_only(user):
    event_record(Kind.LOGOUT, user=user)
    event = only(Kind.LOGOUT)
    event.code = "edited"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_the_purge_keeps_the_retention_period(user, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    event_record(Kind.LOGOUT, user=user)
    event_record(Kind.LOGIN_SUCCEEDED, user=user)
    old = only(Kind.LOGOUT)
    AccountEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=181)
    )
    assert events_purge() == 1
    assert [event.kind for event in events()] == [Kind.LOGIN_SUCCEEDED]
