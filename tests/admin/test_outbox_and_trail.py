"""The outbox, the SMS log and the audit trail in the admin."""

from http import HTTPStatus

import pytest
from django.utils import timezone

from haima.audit.models import AccountEvent
from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.mail.models import OutboundEmail
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import wait_for

from .conftest import admin_action, page_messages

OUTBOX = "/admin/mail/outboundemail/"
TEXTS = "/admin/sms/smssend/"
EVENTS = "/admin/audit/accountevent/"
LINK = "http://shop.example/user/active/SECRET-TOKEN/"


def status_of(email: OutboundEmail) -> str:
    return OutboundEmail.objects.values_list("status", flat=True).get(pk=email.pk)


def stuck_email(user, **fields) -> OutboundEmail:
    """An activation email whose retries ran out: pending, tried, failed."""
    return OutboundEmail.objects.create(
        kind="activation",
        user=user,
        to=user.email,
        subject="Please activate",
        text_body=f"Open {LINK} to activate.",
        html_body=f'<a href="{LINK}">activate</a>',
        attempts=9,
        last_attempt_at=timezone.now(),
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_retry_now_puts_a_stuck_email_through_the_real_smtp_server(
    staff_client, staff, mail_delivery
):
    user = user_create(is_active=False)
    stuck = stuck_email(user)
    sent = stuck_email(user, status=OutboundEmail.Status.SENT)

    response = admin_action(staff_client, OUTBOX, "retry_now", stuck, sent)
    assert page_messages(response) == [
        "1 email is being sent again.",
        "1 email had been sent already: not sent again.",
    ]
    [message] = mail_delivery.wait_for(1)
    assert message["Subject"] == "Please activate"
    # The worker marks the email sent after the SMTP server has taken it.
    wait_for(lambda: status_of(stuck) == OutboundEmail.Status.SENT, 20, "sent")
    stuck.refresh_from_db()
    assert stuck.attempts == 10
    [event] = AccountEvent.objects.filter(kind="admin_action", code="email_retry")
    assert event.user == user and event.ip == "10.0.0.9"
    assert event.detail == {"staff": staff.pk, "email": stuck.pk}


@pytest.mark.django_db
def test_the_outbox_shows_status_attempts_and_error_but_no_link(staff_client, user):
    email = stuck_email(user)
    listing = staff_client.get(OUTBOX).content.decode()
    assert "SMTPServerDisconnected" in listing and ">9<" in listing
    page = staff_client.get(f"{OUTBOX}{email.pk}/change/")
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Connection unexpectedly closed" in html
    assert "SECRET-TOKEN" not in html and "SECRET-TOKEN" not in listing
    assert 'name="_save"' not in html  # a record, not a form
    assert staff_client.post(f"{OUTBOX}{email.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_the_sms_log_explains_why_there_is_no_retry(staff_client):
    SmsSend.objects.create(
        phone_masked="138****8000",
        purpose=SmsSend.Purpose.LOGIN,
        status=SmsSend.Status.FAILED,
        attempts=3,
        provider_code="isv.BUSINESS_LIMIT_CONTROL",
        provider_message="触发小时级流控Permits:5",
        expires_at=timezone.now(),
    )
    response = staff_client.get(TEXTS)
    html = response.content.decode()
    assert "cannot be sent again from here" in html
    assert "触发小时级流控Permits:5" in html and "isv.BUSINESS_LIMIT_CONTROL" in html
    assert response.context["action_form"] is None  # no action, no "retry"


@pytest.fixture
def trail(user):
    context = RequestContext(ip="203.0.113.5", user_agent="ua")
    event_record(Kind.LOGIN_FAILED, typed="xiaoming", code="wrong_credentials",
                 user=user, context=context)  # fmt: skip
    event_record(Kind.SMS_REQUESTED, typed="13800138000", code="login",
                 context=RequestContext(ip="198.51.100.1"))  # fmt: skip
    return AccountEvent.objects.all()


def listed(client, **query) -> list[str]:
    response = client.get(EVENTS, query)
    assert response.status_code == HTTPStatus.OK
    return sorted(event.code for event in response.context["cl"].result_list)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"q": "138****8000"}, ["login"]),
        ({"q": "wrong_cred"}, ["wrong_credentials"]),
        ({"q": "203.0.113"}, ["wrong_credentials"]),
        ({"q": "xiaoming"}, ["wrong_credentials"]),
        ({"kind__exact": "sms_requested"}, ["login"]),
        ({}, ["login", "wrong_credentials"]),
    ],
)
def test_the_trail_is_searched_and_filtered(staff_client, trail, query, codes):
    assert listed(staff_client, **query) == codes


@pytest.mark.django_db
def test_the_trail_cannot_be_written_from_the_admin(staff_client, trail):
    event = trail.first()
    assert staff_client.get(f"{EVENTS}add/").status_code == 403
    page = staff_client.get(f"{EVENTS}{event.pk}/change/")
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    changed = staff_client.post(f"{EVENTS}{event.pk}/change/", {"code": "forged"})
    assert changed.status_code == 403
    assert staff_client.post(f"{EVENTS}{event.pk}/delete/").status_code == 403
    deleted = staff_client.post(
        EVENTS, {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert deleted.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert AccountEvent.objects.count() == 2
    assert AccountEvent.objects.filter(code="forged").count() == 0
