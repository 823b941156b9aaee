"""The admin's actions on accounts, end to end: each reaches what it promises
(an SMTP server, another web process, the sign-in policy) and is audited."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from haima.accounts.models import User
from haima.accounts.services.admin_actions import user_deactivate
from haima.accounts.tokens import activation_token_make
from haima.audit.models import AccountEvent
from haima.core.context import RequestContext
from haima.mail.models import OutboundEmail
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, activation_link
from tests.processes import WebServer, service_environment

from .conftest import admin_action, api_sign_in, page_messages

USERS = "/admin/accounts/user/"
WRONG = "wrong-password"


def admin_events(code: str) -> list[AccountEvent]:
    return list(AccountEvent.objects.filter(kind="admin_action", code=code))


def assert_audited(code: str, user: User, staff: User, **detail) -> None:
    [event] = admin_events(code)
    assert event.user == user
    assert event.ip == "10.0.0.9" and event.user_agent == "staff-browser"
    assert event.detail == {"staff": staff.pk, **detail}


@pytest.mark.django_db(transaction=True)
def test_resend_activation_puts_a_mail_through_the_real_smtp_server(
    staff_client, staff, mail_delivery
):
    waiting = user_create(is_active=False)
    response = admin_action(staff_client, USERS, "resend_activation", waiting)
    assert page_messages(response) == [
        "An activation email to 1 user is on its way."
    ]  # the staff member reads English...

    [message] = mail_delivery.wait_for(1)
    assert message["To"] == "ming@example.cn"
    # ...the customer's email in the shop's language.
    assert message["Subject"].strip() == "海马生鲜欢迎您：请激活您的账户"
    link = activation_link(message.get_body(("plain",)).get_content())
    token = link.rstrip("/").rsplit("/", 1)[1]
    activated = Client().post(
        "/api/v1/activate", {"token": token}, content_type="application/json"
    )
    assert activated.status_code == HTTPStatus.OK
    assert User.objects.get(pk=waiting.pk).is_active
    assert_audited("activation_resend", waiting, staff)


def test_resend_activation_skips_who_is_not_waiting(staff_client, staff, user):
    deactivated = user_create("xiaohong", "hong@example.cn", is_active=False)
    deactivated.activated_at = deactivated.date_joined
    deactivated.save()
    no_address = user_create("xiaogang", None, is_active=False)

    response = admin_action(
        staff_client, USERS, "resend_activation", user, deactivated, no_address
    )
    assert page_messages(response) == [
        "3 users are not waiting for activation (active, deactivated by staff, "
        "or without an email address): no email was sent to them."
    ]
    assert not OutboundEmail.objects.exists()
    assert admin_events("activation_resend") == []


def test_end_all_sessions_signs_the_user_out_everywhere(staff_client, staff, user):
    phone, laptop = Client(), Client()
    api_sign_in(phone)
    api_sign_in(laptop, remember=True)

    response = admin_action(staff_client, USERS, "end_sessions", user)
    assert page_messages(response) == ["2 sessions ended."]
    for client in (phone, laptop):
        assert client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED
    assert_audited("sessions_end", user, staff, sessions=2)
    # The staff member's own session is another user's: it goes on.
    assert staff_client.get(USERS).status_code == HTTPStatus.OK


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_end_all_sessions_signs_out_a_live_session_on_another_web_process(
    staff_client, staff
):
    """gunicorn holds the session; the admin runs here. (Embedded, the test
    database is SQLite in memory, which no other process can open.)"""
    user = user_create()
    server = WebServer("web-admin-sessions", service_environment())
    try:
        browser = server.session()
        signed_in = browser.post(
            f"{server.url}/api/v1/login",
            json={"login": "xiaoming", "password": STRONG_PASSWORD},
        )
        assert signed_in.status_code == HTTPStatus.OK, signed_in.text
        assert browser.get(f"{server.url}/api/v1/me").status_code == HTTPStatus.OK

        page = staff_client.get(f"{USERS}{user.pk}/change/").content.decode()
        assert "python-requests" in page  # the session, seen from here
        assert browser.cookies["sessionid"] not in page

        response = admin_action(staff_client, USERS, "end_sessions", user)
        assert page_messages(response) == ["1 session ended."]
        me = browser.get(f"{server.url}/api/v1/me")
        assert me.status_code == HTTPStatus.UNAUTHORIZED
    finally:
        server.stop()


def fail_until_locked(client, captchas, ip: str) -> None:
    """Ten wrong passwords for xiaoming, with a captcha once one is asked."""
    for attempt in range(10):
        captcha = {}
        if attempt >= 3:
            key, answer = captchas.solved()
            captcha = {"captcha_key": key, "captcha_answer": answer}
        response = api_sign_in(client, password=WRONG, ip=ip, **captcha)
        assert response.status_code == HTTPStatus.UNAUTHORIZED, response.content


def test_clearing_a_lockout_lets_the_right_password_in_again(
    staff_client, staff, user, captchas
):
    guesser, owner = Client(), Client()
    fail_until_locked(guesser, captchas, ip="203.0.113.66")
    locked = api_sign_in(owner, ip="198.51.100.20")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert locked.json()["data"]["reason"] == "locked"

    response = admin_action(staff_client, USERS, "clear_lockout", user)
    assert page_messages(response) == [
        "Failed sign-ins of 1 user forgiven: the right password works again."
    ]
    assert api_sign_in(owner, ip="198.51.100.20").status_code == HTTPStatus.OK
    assert owner.get("/api/v1/me").status_code == HTTPStatus.OK
    assert_audited("lockout_clear", user, staff)


def test_deactivating_signs_out_and_keeps_out(staff_client, staff, user):
    customer = Client()
    api_sign_in(customer)

    response = admin_action(staff_client, USERS, "deactivate", user)
    assert page_messages(response) == ["1 user deactivated and signed out."]
    assert customer.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED
    assert not User.objects.get(pk=user.pk).is_active
    assert api_sign_in(Client()).status_code == HTTPStatus.FORBIDDEN
    assert_audited("deactivate", user, staff, sessions=1)


def test_staff_cannot_deactivate_themselves(staff_client, staff):
    response = admin_action(staff_client, USERS, "deactivate", staff)
    assert page_messages(response) == ["You cannot deactivate your own account."]
    assert User.objects.get(pk=staff.pk).is_active
    assert staff_client.get(USERS).status_code == HTTPStatus.OK
    assert admin_events("deactivate") == []


def test_actions_need_the_change_permission(user):
    viewer = User.objects.create_user("viewer", None, "Viewer-Pass-123")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    client.force_login(viewer)
    customer = Client()
    api_sign_in(customer)

    page = client.get(USERS).content.decode()
    assert "end_sessions" not in page
    admin_action(client, USERS, "end_sessions", user)
    assert customer.get("/api/v1/me").status_code == HTTPStatus.OK
    assert admin_events("sessions_end") == []


def test_a_deactivated_account_hears_so_at_sign_in(client, user):
    User.objects.filter(pk=user.pk).update(is_active=False, activated_at=timezone.now())
    response = client.post(
        "/user/login/", {"login": "xiaoming", "password": STRONG_PASSWORD}
    )
    html = response.content.decode()
    assert "此账户已停用，请联系客服。" in html
    assert "/user/activation/resend/" not in html.split("form-error")[1][:300]


def test_deactivating_a_waiting_account_kills_its_activation_link(api_client, staff):
    waiting = user_create(username="waiting", email="w@example.cn", is_active=False)
    token = activation_token_make(waiting)
    user_deactivate(user=waiting, staff=staff, context=RequestContext(ip="::1"))
    response = api_client.post_json("/api/v1/activate", {"token": token})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    waiting.refresh_from_db()
    assert not waiting.is_active
