"""The phone in the 账户中心: a first bind needs no re-authentication, a
change or a removal does, and removal is refused while the phone is the
only way in (no password)."""

import time
from http import HTTPStatus

import pytest
from django.test import Client

from haima.accounts.models import User
from haima.audit.models import AccountEvent
from haima.centre.reauth import SESSION_KEY
from haima.mail.models import OutboundEmail
from haima.sms.codes import sms_code_issue
from haima.sms.models import SmsSend
from tests.factories import user_create

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"
NEW_PHONE = "+8613900139000"
PAGE = "/user/account/phone/"
REMOVE_PAGE = "/user/account/phone/remove/"
REMOVE_API = "/api/v1/account/phone/remove"
VERIFY = "/user/account/verify/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def signed_in(client: Client, user: User, *, confirmed: bool = False) -> Client:
    client.force_login(user)
    if confirmed:
        session = client.session
        session[SESSION_KEY] = time.time()
        session.save()
    return client


def removed_events(user: User) -> list[AccountEvent]:
    return list(AccountEvent.objects.filter(kind="phone_removed", user=user))


def test_binding_a_first_phone_needs_no_reauthentication(client):
    user = user_create()
    signed_in(client, user)
    page = client.get(PAGE)
    assert page.status_code == HTTPStatus.OK
    assert "Remove the number" not in page.content.decode()

    code = sms_code_issue(phone=PHONE, purpose=SmsSend.Purpose.BIND)
    response = client.post(PAGE, {"phone": PHONE, "code": code, "action": "bind"})
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(pk=user.pk).phone == PHONE


def test_changing_the_phone_asks_who_is_there_first(client):
    user = user_create(phone=PHONE)
    signed_in(client, user)
    code = sms_code_issue(phone=NEW_PHONE, purpose=SmsSend.Purpose.BIND)

    page = client.get(PAGE)  # looking asks nothing
    assert page.status_code == HTTPStatus.OK
    assert "asks you to confirm it is you first" in page.content.decode()
    for action in ("send", "bind"):
        response = client.post(
            PAGE, {"phone": NEW_PHONE, "code": code, "action": action}
        )
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == f"{VERIFY}?next=%2Fuser%2Faccount%2Fphone%2F"
    assert User.objects.get(pk=user.pk).phone == PHONE

    signed_in(client, user, confirmed=True)
    assert "asks you to confirm" not in client.get(PAGE).content.decode()
    response = client.post(PAGE, {"phone": NEW_PHONE, "code": code, "action": "bind"})
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(pk=user.pk).phone == NEW_PHONE


def test_removal_through_the_api_needs_reauthentication(api_client):
    user = user_create(phone=PHONE)
    signed_in(api_client, user)
    response = api_client.post_json(REMOVE_API)
    assert response.status_code == HTTPStatus.FORBIDDEN
    body = response.json()
    assert body["code"] == HTTPStatus.FORBIDDEN
    assert body["data"]["reason"] == "reauth_required"
    assert User.objects.get(pk=user.pk).phone == PHONE
    assert removed_events(user) == []


def test_removal_needs_a_session(api_client):
    response = api_client.post_json(REMOVE_API)
    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_removal_is_refused_while_the_phone_is_the_only_way_in(api_client):
    """An account made by SMS sign-in has no password: without its phone no
    one could sign in to it."""
    user = user_create(phone=PHONE, password=None)
    signed_in(api_client, user, confirmed=True)
    response = api_client.post_json(REMOVE_API)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == HTTPStatus.BAD_REQUEST
    assert body["message"] == (
        "Your phone is the only way into this account: set a password first, "
        "then remove the phone."
    )
    assert body["data"]["reason"] == "password_required"
    assert User.objects.get(pk=user.pk).phone == PHONE
    assert removed_events(user) == []


def test_removal_with_a_password_unbinds_audits_and_tells_the_owner(api_client):
    user = user_create(phone=PHONE)
    signed_in(api_client, user, confirmed=True)
    response = api_client.post_json(
        REMOVE_API, HTTP_USER_AGENT="laptop", REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    body = response.json()
    assert body["code"] == HTTPStatus.OK
    assert body["message"] == "Your phone 138****8000 is removed from this account."
    assert body["data"]["user"]["phone"] is None
    assert User.objects.get(pk=user.pk).phone is None

    [event] = removed_events(user)
    assert (event.subject, event.ip, event.user_agent) == (
        "138****8000",
        "198.51.100.7",
        "laptop",
    )
    assert OutboundEmail.objects.filter(
        kind="security_notice", to="ming@example.cn"
    ).exists()
    # The number is free again, and sign-in by SMS no longer reaches this account.
    assert not User.objects.filter(phone=PHONE).exists()


def test_removal_without_a_phone_is_refused(api_client):
    user = user_create()
    signed_in(api_client, user, confirmed=True)
    response = api_client.post_json(REMOVE_API)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["data"]["reason"] == "no_phone"


def test_the_page_removes_after_reauthentication(client):
    user = user_create(phone=PHONE)
    signed_in(client, user)
    response = client.post(REMOVE_PAGE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(VERIFY)
    assert User.objects.get(pk=user.pk).phone == PHONE

    signed_in(client, user, confirmed=True)
    page = client.get(PAGE).content.decode()
    assert f'action="{REMOVE_PAGE}"' in page
    response = client.post(REMOVE_PAGE, follow=True)
    assert response.redirect_chain == [(PAGE, HTTPStatus.FOUND)]
    assert [str(m) for m in response.context["messages"]] == [
        "Your phone 138****8000 is removed from this account."
    ]
    assert User.objects.get(pk=user.pk).phone is None
    assert "Remove the number" not in response.content.decode()


def test_the_page_explains_why_a_passwordless_account_keeps_its_phone(client):
    user = user_create(phone=PHONE, password=None)
    signed_in(client, user, confirmed=True)
    page = client.get(PAGE).content.decode()
    assert "set a password first" in page
    assert f'action="{REMOVE_PAGE}"' not in page

    response = client.post(REMOVE_PAGE, follow=True)  # a hand-made POST
    assert [str(m) for m in response.context["messages"]] == [
        "Your phone is the only way into this account: set a password first, "
        "then remove the phone."
    ]
    assert User.objects.get(pk=user.pk).phone == PHONE


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("has_password", [True, False], ids=["remove", "refused"])
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"], ids=["zh", "en"])
def test_the_phone_page_passes_axe_at_both_widths(
    browser, live_server, locale, has_password
):
    from tests.centre.test_sessions import axe_report

    user = user_create(phone=PHONE, password=None if not has_password else "x-Pear-9")
    client = signed_in(Client(), user, confirmed=True)
    cookie = client.cookies["sessionid"].value
    report = axe_report(browser, live_server, PAGE, cookie, locale)
    assert not report, report
