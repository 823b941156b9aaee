"""注销: a typed confirmation, every session ended at once, undo during the
cooling-off from either sign-in door, then erasure that leaves no trace of
the person in any table and frees the address and the number."""

import json
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.utils import timezone

from haima.accounts.models import User
from haima.audit.models import AccountEvent
from haima.audit.services import Kind, event_record
from haima.centre.reauth import SESSION_KEY
from haima.centre.services.cancel import accounts_erase_due
from haima.centre.tasks import accounts_erase
from haima.core.context import RequestContext
from haima.core.sessions.listing import user_sessions
from haima.mail.models import OutboundEmail
from haima.sms.codes import sms_code_issue
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"
NATIONAL = "13800138000"
EMAIL = "ming@example.cn"
IP = "203.0.113.7"
UA = "MingBrowser/1.0"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def ming():
    return user_create("xiaoming", EMAIL, phone=PHONE, first_name="Ming")


def password_login(login="xiaoming", password=STRONG_PASSWORD, client=None):
    client = client or Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    response = client.post(
        "/api/v1/login",
        {"login": login, "password": password},
        content_type="application/json",
    )
    return client, response


def signed_in(**kwargs) -> Client:
    client, response = password_login(**kwargs)
    assert response.status_code == HTTPStatus.OK, response.content
    return client


def reauthenticated(client: Client) -> Client:
    session = client.session
    session[SESSION_KEY] = time.time()
    session.save()
    return client


def sms_login(phone=NATIONAL):
    code = sms_code_issue(phone=PHONE, purpose=SmsSend.Purpose.LOGIN)
    client = Client()
    response = client.post(
        "/api/v1/sms/login",
        {"phone": phone, "code": code},
        content_type="application/json",
    )
    return client, response


def cancel_by_api(client: Client, confirm="DELETE"):
    return client.post(
        "/api/v1/account/cancel",
        {"confirm": confirm},
        content_type="application/json",
    )


def cancelled(user: User) -> User:
    client = reauthenticated(signed_in())
    assert cancel_by_api(client).status_code == HTTPStatus.OK
    user.refresh_from_db()
    return user


def me(client: Client) -> int:
    return client.get("/api/v1/me").status_code


# --- Cancelling ---------------------------------------------------------------


def test_the_page_asks_for_the_word_and_cancels_with_it(ming):
    client = reauthenticated(signed_in())
    page = client.get("/user/account/cancel/")
    assert page.status_code == HTTPStatus.OK
    assert '<strong class="cancel-word">DELETE</strong>' in page.content.decode()

    for wrong in ("", "delete it", "cancel"):
        refused = client.post("/user/account/cancel/", {"confirm": wrong})
        assert refused.status_code == HTTPStatus.OK
        assert 'class="field-error"' in refused.content.decode()
    ming.refresh_from_db()
    assert ming.is_active and ming.deletion_requested_at is None

    done = client.post("/user/account/cancel/", {"confirm": "DELETE"}, follow=True)
    assert done.redirect_chain == [("/user/account/cancel/done/", HTTPStatus.FOUND)]
    assert "Your account is cancelled" in done.content.decode()
    ming.refresh_from_db()
    assert not ming.is_active
    assert timezone.now() - ming.deletion_requested_at < timedelta(minutes=1)
    assert me(client) == HTTPStatus.UNAUTHORIZED


def test_the_chinese_page_asks_for_注销_and_either_word_is_accepted(ming):
    client = reauthenticated(signed_in())
    page = client.get("/user/account/cancel/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<strong class="cancel-word">注销</strong>' in page.content.decode()
    assert cancel_by_api(client, confirm=" 注销 ").status_code == HTTPStatus.OK


def test_the_api_refuses_another_word(ming):
    client = reauthenticated(signed_in())
    for wrong in ("", "yes", "DELET"):
        response = cancel_by_api(client, confirm=wrong)
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert list(response.json()["data"]["errors"]) == ["confirm"]
    ming.refresh_from_db()
    assert ming.is_active
    assert me(client) == HTTPStatus.OK


def test_cancelling_needs_a_fresh_reauthentication(ming):
    client = signed_in()
    response = cancel_by_api(client)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["data"]["reason"] == "reauth_required"
    page = client.post("/user/account/cancel/", {"confirm": "DELETE"})
    assert page["Location"].startswith("/user/account/verify/")
    ming.refresh_from_db()
    assert ming.is_active


def test_cancelling_ends_every_session_at_once(ming):
    other = signed_in(client=Client(REMOTE_ADDR="198.51.100.1"))
    assert me(other) == HTTPStatus.OK
    client = reauthenticated(signed_in())
    response = cancel_by_api(client)
    assert response.status_code == HTTPStatus.OK
    assert me(other) == HTTPStatus.UNAUTHORIZED
    assert me(client) == HTTPStatus.UNAUTHORIZED
    assert user_sessions(user=ming) == []
    event = AccountEvent.objects.filter(
        user=ming, kind=Kind.CANCELLATION_REQUESTED
    ).get()
    assert event.detail == {"sessions": 2}


# --- Undo during the cooling-off ----------------------------------------------


def test_the_right_password_offers_the_undo_and_the_undo_signs_in(ming):
    cancelled(ming)
    _, wrong = password_login(password="not-" + STRONG_PASSWORD)
    assert wrong.status_code == HTTPStatus.UNAUTHORIZED  # no undo for a guess

    client, refused = password_login()
    assert refused.status_code == HTTPStatus.FORBIDDEN
    data = refused.json()["data"]
    assert data["reason"] == "cancellation_pending"
    assert data["undo_token"]
    assert data["erase_after"]
    assert me(client) == HTTPStatus.UNAUTHORIZED

    undone = client.post(
        "/api/v1/account/cancel/undo",
        {"token": data["undo_token"]},
        content_type="application/json",
    )
    assert undone.status_code == HTTPStatus.OK
    assert undone.json()["data"]["user"]["is_active"] is True
    assert me(client) == HTTPStatus.OK
    ming.refresh_from_db()
    assert ming.is_active and ming.deletion_requested_at is None

    again = Client().post(
        "/api/v1/account/cancel/undo",
        {"token": data["undo_token"]},
        content_type="application/json",
    )
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert again.json()["data"]["reason"] == "invalid"


def test_a_verified_sms_code_offers_the_undo_too(ming):
    cancelled(ming)
    client, refused = sms_login()
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert refused.json()["data"]["reason"] == "cancellation_pending"
    assert User.objects.filter(phone=PHONE).count() == 1  # no new account
    undone = client.post(
        "/api/v1/account/cancel/undo",
        {"token": refused.json()["data"]["undo_token"]},
        content_type="application/json",
    )
    assert undone.status_code == HTTPStatus.OK
    assert me(client) == HTTPStatus.OK


def test_the_sign_in_page_shows_a_button_to_undo(ming):
    cancelled(ming)
    client = Client()
    page = client.post(
        "/user/login/", {"login": "xiaoming", "password": STRONG_PASSWORD}
    )
    html = page.content.decode()
    assert "You cancelled this account" in html
    assert 'class="button secondary undo-cancel"' in html
    link = html.split('undo-cancel" href="')[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("/user/account/cancel/undo/?token=")

    offer = client.get(link)
    assert offer.status_code == HTTPStatus.OK
    assert "xiaoming" in offer.content.decode()
    ming.refresh_from_db()
    assert not ming.is_active  # a GET changes nothing

    token = link.split("token=")[1]
    from urllib.parse import unquote

    done = client.post("/user/account/cancel/undo/", {"token": unquote(token)})
    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == "/user/account/"
    assert me(client) == HTTPStatus.OK


def test_a_forged_undo_token_is_refused(ming):
    cancelled(ming)
    for token in ("", "garbage", "eyJ1IjoxfQ:forged:sig"):
        response = Client().post(
            "/api/v1/account/cancel/undo",
            {"token": token},
            content_type="application/json",
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["data"]["reason"] == "invalid"
    page = Client().get("/user/account/cancel/undo/?token=garbage")
    assert page.status_code == HTTPStatus.BAD_REQUEST


def test_after_the_cooling_off_no_undo_is_offered(ming, settings):
    cancelled(ming)
    User.objects.filter(pk=ming.pk).update(
        deletion_requested_at=timezone.now()
        - timedelta(days=settings.ACCOUNT_DELETION_DAYS, seconds=1)
    )
    _, refused = password_login()
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert refused.json()["data"]["reason"] == "inactive"


# --- Erasure --------------------------------------------------------------------


def text_columns(model) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def tables_holding(*needles: str) -> list[str]:
    """Every model's every text, char and JSON column that holds a needle."""
    found = []
    for model in apps.get_models():
        columns = text_columns(model)
        if not columns:
            continue
        for row in model._base_manager.values_list(*columns):
            for column, value in zip(columns, row, strict=True):
                text = json.dumps(value, ensure_ascii=False, default=str)
                for needle in needles:
                    if needle.lower() in text.lower():
                        found.append(f"{model._meta.db_table}.{column}: {needle}")
    return found


@pytest.fixture
def ming_with_history(ming):
    """Events, mail, an admin's log entry and SMS records about xiaoming."""
    context = RequestContext(ip=IP, user_agent=UA)
    event_record(Kind.PHONE_BOUND, user=ming, typed=PHONE, context=context)
    event_record(
        Kind.ADMIN_ACTION, user=ming, code="resend", context=context,
        note=f"{ming.username} {EMAIL} {PHONE}",
    )  # fmt: skip
    OutboundEmail.objects.create(
        kind="activation", user=ming, to=EMAIL, subject="Hello xiaoming",
        text_body=f"Hi xiaoming, {EMAIL}", html_body="",
    )  # fmt: skip
    staff = user_create("boss", "boss@example.org", is_staff=True)
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(ming.pk),
        object_repr=ming.username,
        action_flag=CHANGE,
        change_message="[]",
    )
    SmsSend.objects.create(
        phone_masked="138****8000",
        purpose=SmsSend.Purpose.LOGIN,
        expires_at=timezone.now(),
    )
    return ming


def test_the_task_erases_after_the_cooling_off_and_leaves_no_trace(
    ming_with_history, settings
):
    ming = cancelled(ming_with_history)
    needles = ("xiaoming", EMAIL, PHONE, NATIONAL)
    assert tables_holding(*needles)  # the scan finds them while they are there
    assert accounts_erase_due() == 0  # still cooling off
    events_before = AccountEvent.objects.filter(user=ming).count()

    User.objects.filter(pk=ming.pk).update(
        deletion_requested_at=timezone.now()
        - timedelta(days=settings.ACCOUNT_DELETION_DAYS, minutes=1)
    )
    assert accounts_erase.apply().get() == 1
    assert accounts_erase_due() == 0  # once

    assert tables_holding(*needles) == []
    ming.refresh_from_db()
    assert ming.username.startswith("已注销用户")
    assert (ming.email, ming.phone, ming.first_name) == (None, None, "")
    assert not ming.has_usable_password()
    assert not ming.is_active and ming.erased_at is not None
    assert ming.date_joined is not None
    assert not OutboundEmail.objects.filter(user=ming).exists()
    events = AccountEvent.objects.filter(user=ming)
    assert events.count() == events_before + 1  # the bare counts stay, and the erasure
    assert set(events.values_list("subject", "user_agent")) == {("", "")}
    assert set(events.values_list("ip", flat=True)) == {None}
    assert all(detail == {} for detail in events.values_list("detail", flat=True))
    assert {"phone_bound", "admin_action", "cancellation_requested"} <= set(
        events.values_list("kind", flat=True)
    )
    # Masked SMS records stay: no link to anyone, the mask is 10,000 numbers'.
    assert SmsSend.objects.filter(phone_masked="138****8000").exists()


def test_after_erasure_sign_in_is_refused_and_the_address_and_number_are_free(
    ming, settings, registration, api_client
):
    cancelled(ming)
    accounts_erase_due(
        now=timezone.now() + timedelta(days=settings.ACCOUNT_DELETION_DAYS + 1)
    )
    for login in ("xiaoming", EMAIL):
        _, refused = password_login(login=login)
        assert refused.status_code == HTTPStatus.UNAUTHORIZED

    registered = api_client.post_json(
        "/api/v1/register", registration(username="newming", email=EMAIL)
    )
    assert registered.status_code == HTTPStatus.CREATED, registered.content
    _, by_sms = sms_login()
    assert by_sms.status_code == HTTPStatus.OK
    assert by_sms.json()["data"]["created"] is True  # a new account, not the old
    assert User.objects.get(phone=PHONE).pk != ming.pk
    assert User.objects.get(email=EMAIL).username == "newming"
