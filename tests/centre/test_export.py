"""个人信息下载: the account's own data, all of it, and nobody else's."""

import json
import re
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from haima.accounts.models import User
from haima.audit.services import Kind, event_record
from haima.centre.reauth import SESSION_KEY
from haima.core.context import RequestContext
from haima.mail.models import OutboundEmail
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

MING = {
    "username": "xiaoming",
    "email": "ming@example.cn",
    "phone": "+8613800138000",
    "ip": "203.0.113.7",
    "ua": "MingBrowser/1.0 (Windows NT 10.0)",
    "body": "https://shop.example/user/active/MING-ONE-TIME-LINK/",
    "subject": "Ming's activation",
}
HONG = {
    "username": "xiaohong",
    "email": "hong@example.org",
    "phone": "+8613911112222",
    "ip": "198.51.100.9",
    "ua": "HongBrowser/7.7 (Macintosh)",
    "body": "https://shop.example/user/active/HONG-ONE-TIME-LINK/",
    "subject": "Hong's reset",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def customer(facts: dict) -> User:
    """An account with events, an email, two live sessions and SMS records."""
    user = user_create(facts["username"], facts["email"], phone=facts["phone"])
    context = RequestContext(ip=facts["ip"], user_agent=facts["ua"])
    event_record(Kind.PHONE_BOUND, user=user, typed=facts["phone"], context=context)
    event_record(
        Kind.LOGIN_FAILED, user=user, typed=facts["email"], code="wrong_credentials",
        context=context, door="password",
    )  # fmt: skip
    OutboundEmail.objects.create(
        kind="activation",
        user=user,
        to=facts["email"],
        subject=facts["subject"],
        text_body=facts["body"],
        html_body=f'<a href="{facts["body"]}">link</a>',
    )
    masked = f"{facts['phone'][3:6]}****{facts['phone'][-4:]}"
    SmsSend.objects.create(
        phone_masked=masked,
        purpose=SmsSend.Purpose.LOGIN,
        biz_id=f"BIZ-{facts['username']}",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    for n in range(2):
        signed_in(facts, f"{facts['ua']} tab{n}")
    return user


def signed_in(facts: dict, user_agent: str) -> Client:
    client = Client(REMOTE_ADDR=facts["ip"], HTTP_USER_AGENT=user_agent)
    response = client.post(
        "/api/v1/login",
        {"login": facts["username"], "password": STRONG_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK, response.content
    return client


def reauthenticated(client: Client) -> Client:
    session = client.session
    session[SESSION_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def ming():
    return customer(MING)


@pytest.fixture
def hong():
    return customer(HONG)


@pytest.fixture
def ming_client(ming):
    return reauthenticated(signed_in(MING, MING["ua"]))


def downloaded(client: Client):
    response = client.post("/user/account/export/")
    assert response.status_code == HTTPStatus.OK
    return response


def test_the_page_downloads_a_dated_json_file(ming, ming_client):
    page = ming_client.get("/user/account/export/")
    assert page.status_code == HTTPStatus.OK
    assert 'method="post"' in page.content.decode()

    response = downloaded(ming_client)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    today = timezone.localdate().isoformat()
    assert disposition == f'attachment; filename="haima-personal-data-{today}.json"'
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["format"] == "haima-personal-data/1"
    assert document["generated_at"].startswith(today[:4])


def test_the_document_holds_the_account_s_own_data(ming, hong, ming_client):
    document = json.loads(downloaded(ming_client).content)

    account = document["account"]
    assert account["id"] == ming.pk
    assert account["username"] == MING["username"]
    assert account["email"] == MING["email"]
    assert account["phone"] == MING["phone"]
    assert account["is_active"] is True
    assert "password" not in account

    kinds = [event["kind"] for event in document["events"]]
    assert {"phone_bound", "login_failed", "login_succeeded"} <= set(kinds)
    bound = next(e for e in document["events"] if e["kind"] == "phone_bound")
    assert bound["subject"] == "138****8000"  # masked, as the trail keeps it
    assert bound["ip"] == MING["ip"]
    assert bound["user_agent"] == MING["ua"]
    failed = next(e for e in document["events"] if e["kind"] == "login_failed")
    assert failed["code"] == "wrong_credentials"
    assert failed["detail"] == {"door": "password"}

    # Two sessions of the fixture plus this one: start, IP, UA, never a key.
    assert len(document["sessions"]) == 3
    assert {s["ip"] for s in document["sessions"]} == {MING["ip"]}
    for session in document["sessions"]:
        assert set(session) == {
            "started_at", "last_seen_at", "ip", "user_agent", "remembered"
        }  # fmt: skip
        assert session["started_at"]

    (email,) = document["emails"]
    assert email["kind"] == "activation"
    assert email["to"] == MING["email"]
    assert email["subject"] == MING["subject"]
    assert email["status"] == "pending"
    assert set(email) >= {"created_at", "sent_at", "last_attempt_at"}

    sms = document["sms"]
    assert sms["matched_by"] == "masked_phone"
    assert "masked number" in sms["note"]
    assert sms["phone_masked"] == "138****8000"
    assert [r["phone_masked"] for r in sms["records"]] == ["138****8000"]


def test_nobody_else_s_data_and_no_secret(ming, hong, ming_client):
    text = downloaded(ming_client).content.decode()
    for value in HONG.values():
        assert value not in text
    assert "139****2222" not in text
    assert str(hong.pk) not in re.findall(r'"id": (\d+)', text)
    # No password hash, no email body (one-time links), no session key.
    assert ming.password not in text
    assert "md5$" not in text and "argon2" not in text
    assert MING["body"] not in text and "ONE-TIME-LINK" not in text
    session_key = ming_client.cookies["sessionid"].value
    assert session_key not in text
    # Nor the provider's ids of the SMS records.
    assert "BIZ-" not in text


def test_the_page_and_the_api_need_a_fresh_reauthentication(ming):
    client = signed_in(MING, MING["ua"])
    for method in (client.get, client.post):
        response = method("/user/account/export/")
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/user/account/verify/?next=")
    answer = client.get("/api/v1/account/export")
    assert answer.status_code == HTTPStatus.FORBIDDEN
    assert answer.json()["data"]["reason"] == "reauth_required"

    session = client.session
    session[SESSION_KEY] = time.time() - 3600  # long ago
    session.save()
    assert client.get("/api/v1/account/export").status_code == HTTPStatus.FORBIDDEN


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get("/user/account/export/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/user/login/")
    answer = client.get("/api/v1/account/export")
    assert answer.status_code == HTTPStatus.UNAUTHORIZED


def test_the_api_answers_the_same_document_in_the_envelope(ming, hong, ming_client):
    answer = ming_client.get("/api/v1/account/export")
    assert answer.status_code == HTTPStatus.OK
    body = answer.json()
    assert body["code"] == HTTPStatus.OK
    assert body["message"] == "OK"
    data = body["data"]
    from_page = json.loads(downloaded(ming_client).content)
    for part in ("format", "account", "emails", "sms"):
        assert data[part] == from_page[part]
    # The page's download came second: its trail has that download too.
    *earlier, download = from_page["events"]
    assert earlier == data["events"] and download["kind"] == "data_exported"
    assert len(data["sessions"]) == len(from_page["sessions"])
    text = answer.content.decode()
    for value in HONG.values():
        assert value not in text
    assert MING["body"] not in text and ming.password not in text


def test_an_account_without_phone_has_no_sms_records(db):
    user_create("nophone", "no@example.cn")
    client = reauthenticated(signed_in({"username": "nophone", "ip": "10.0.0.1"}, ""))
    SmsSend.objects.create(
        phone_masked="138****8000",
        purpose=SmsSend.Purpose.LOGIN,
        expires_at=timezone.now(),
    )
    document = json.loads(downloaded(client).content)
    assert document["account"]["phone"] is None
    assert document["sms"]["records"] == []
    assert document["sms"]["phone_masked"] is None
