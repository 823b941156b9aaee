"""Re-authentication ("sudo mode"): the password or a texted code confirms
who is at the screen for REAUTH_MAX_AGE, counted by the sign-in policy; the
centre's guarded pages go through /user/account/verify/ and come back, its
guarded API calls answer 403 ``reauth_required``."""

import time
from datetime import datetime
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from haima.accounts.models import User
from haima.audit.models import AccountEvent
from haima.centre.reauth import SESSION_KEY
from haima.sms.backends import locmem
from haima.sms.codes import sms_code_issue
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD
from tests.sms.conftest import envelope_data

pytestmark = pytest.mark.django_db

VERIFY = "/user/account/verify/"
GUARDED = "/user/account/export/"  # a page behind reauth_required
REAUTH_API = "/api/v1/account/reauth"
ACCOUNT_API = reverse("api:account")  # /api/v1/account/
PHONE = "+8613800138000"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def confirmed_at(client: Client) -> float | None:
    return client.session.get(SESSION_KEY)


def clock_moves(client: Client, seconds: float) -> None:
    """Move this session's confirmation ``seconds`` into the past."""
    session = client.session
    session[SESSION_KEY] -= seconds
    session.save()


def api_signed_in(api_client, user: User):
    api_client.force_login(user)
    return api_client


# --- The page: password ---


def test_the_password_confirms_for_reauth_max_age_then_expires(client, settings):
    user = user_create()
    client.force_login(user)
    page = client.get(VERIFY, {"next": GUARDED})
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert 'name="password"' in html
    assert "data-sms-form" not in html  # no phone bound: no code option
    assert page["Cache-Control"].startswith("max-age=0")

    before = time.time()
    response = client.post(
        VERIFY, {"action": "password", "password": STRONG_PASSWORD, "next": GUARDED}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == GUARDED
    assert confirmed_at(client) >= before
    assert client.get(GUARDED).status_code == HTTPStatus.OK
    again = client.get(VERIFY, {"next": GUARDED}).content.decode()
    assert f'You confirmed it lately: <a href="{GUARDED}">go on</a>.' in again

    clock_moves(client, settings.REAUTH_MAX_AGE - 5)  # still inside
    assert client.get(GUARDED).status_code == HTTPStatus.OK
    clock_moves(client, 10)  # past REAUTH_MAX_AGE
    response = client.get(GUARDED)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{VERIFY}?next={quote(GUARDED, safe='')}"


def test_a_guarded_page_goes_to_verify_and_comes_back(client):
    client.force_login(user_create())
    response = client.get(GUARDED)
    assert response.status_code == HTTPStatus.FOUND
    verify = response["Location"]
    assert verify.startswith(VERIFY)

    page = client.get(verify)
    assert f'name="next" value="{GUARDED}"' in page.content.decode()
    back = client.post(
        VERIFY, {"action": "password", "password": STRONG_PASSWORD, "next": GUARDED}
    )
    assert back["Location"] == GUARDED
    assert client.get(back["Location"]).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/user/account/",
        "//evil.example/user/account/",
        "/\\evil.example/user/account/",
        "/admin/",
        "/user/account/../../admin/",
        "/user/accounts/",
        "",
    ],
)
def test_next_goes_only_inside_the_account_centre(client, target):
    client.force_login(user_create())
    response = client.post(
        VERIFY, {"action": "password", "password": STRONG_PASSWORD, "next": target}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/user/account/"


def test_a_wrong_password_stays_on_the_page_with_the_error(client):
    user = user_create()
    client.force_login(user)
    page = client.post(
        VERIFY, {"action": "password", "password": "not-it-123", "next": GUARDED}
    )
    assert page.status_code == HTTPStatus.OK
    assert "The password is wrong." in page.content.decode()
    assert confirmed_at(client) is None
    event = AccountEvent.objects.get(kind="login_failed", user=user)
    assert event.code == "reauth_wrong_password"
    assert event.detail["door"] == "password_confirm"


def test_signed_out_the_page_asks_to_sign_in(client):
    response = client.get(VERIFY)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/user/login/?next=")


# --- The page: a texted code ---


@pytest.fixture
def sms_outbox(settings, in_process):
    settings.SMS_BACKEND = "haima.sms.backends.locmem.SmsBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


def test_a_code_texted_to_the_bound_phone_confirms(client, captchas, sms_outbox):
    user = user_create(phone=PHONE)
    client.force_login(user)
    page = client.get(VERIFY, {"next": GUARDED}).content.decode()
    assert "With a code texted to 138****8000" in page
    assert "data-sms-form" in page and 'data-purpose="login"' in page

    # Without JavaScript, 获取验证码 posts the form; the number is the account's,
    # whatever the form says.
    key, answer = captchas.solved()
    sent = client.post(
        VERIFY,
        {
            "action": "send",
            "phone": "+8613900139000",
            "captcha_0": key,
            "captcha_1": answer,
            "next": GUARDED,
        },
    )
    assert sent.status_code == HTTPStatus.OK
    assert "A code is on its way to 138****8000" in sent.content.decode()
    [message] = sms_outbox
    assert message.phone == PHONE and message.purpose == "login"

    wrong = client.post(VERIFY, {"action": "verify", "code": "000000", "next": GUARDED})
    assert wrong.status_code == HTTPStatus.OK
    assert confirmed_at(client) is None
    response = client.post(
        VERIFY, {"action": "verify", "code": message.code, "next": GUARDED}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == GUARDED
    assert confirmed_at(client) is not None


def test_a_phone_only_account_is_offered_the_code_alone(client):
    user = User.objects.create_user("13800138000", None, None, phone=PHONE)
    client.force_login(user)
    page = client.get(VERIFY).content.decode()
    assert 'name="password"' not in page
    assert "138****8000" in page
    empty = client.post(VERIFY, {"action": "verify", "code": ""})
    assert "Enter the code we texted you." in empty.content.decode()


# --- The API ---


def test_the_api_confirms_with_the_password(api_client, settings):
    api_signed_in(api_client, user_create())
    assert envelope_data(api_client.get(ACCOUNT_API), 200)["reauth_until"] is None

    before = time.time()
    data = envelope_data(
        api_client.post_json(REAUTH_API, {"password": STRONG_PASSWORD}), 200
    )
    until = datetime.fromisoformat(data["reauth_until"]).timestamp()
    assert before + settings.REAUTH_MAX_AGE <= until <= time.time() + 600
    account = envelope_data(api_client.get(ACCOUNT_API), 200)
    assert account["reauth_until"] == data["reauth_until"]

    clock_moves(api_client, settings.REAUTH_MAX_AGE + 1)
    assert envelope_data(api_client.get(ACCOUNT_API), 200)["reauth_until"] is None


def test_the_api_confirms_with_a_texted_code(api_client):
    api_signed_in(api_client, user_create(phone=PHONE))
    code = sms_code_issue(phone=PHONE, purpose=SmsSend.Purpose.LOGIN)
    wrong = envelope_data(api_client.post_json(REAUTH_API, {"code": "000000"}), 400)
    assert wrong["reason"] == "invalid" and list(wrong["errors"]) == ["code"]
    data = envelope_data(api_client.post_json(REAUTH_API, {"code": code}), 200)
    assert data["reauth_until"]
    # Single use: the same code again is refused.
    again = envelope_data(api_client.post_json(REAUTH_API, {"code": code}), 400)
    assert list(again["errors"]) == ["code"]


def test_a_code_without_a_bound_phone_is_refused(api_client):
    api_signed_in(api_client, user_create())
    data = envelope_data(api_client.post_json(REAUTH_API, {"code": "123456"}), 400)
    assert data["errors"] == {"code": ["No phone is bound to this account."]}


@pytest.mark.parametrize(
    "body",
    [{}, {"password": STRONG_PASSWORD, "code": "123456"}],
    ids=["neither", "both"],
)
def test_the_api_wants_one_way_exactly(api_client, body):
    api_signed_in(api_client, user_create())
    data = envelope_data(api_client.post_json(REAUTH_API, body), 400)
    assert list(data["errors"]) == ["__all__"]


def test_wrong_passwords_count_and_lock_the_confirmation(api_client, settings):
    user = user_create()
    api_signed_in(api_client, user)
    limit = int(settings.RATE_LIMITS["signin_account"].split("/")[0])
    for _ in range(limit):
        data = envelope_data(
            api_client.post_json(REAUTH_API, {"password": "not-it-123"}), 400
        )
        assert data["errors"] == {"password": ["The password is wrong."]}
    locked = api_client.post_json(REAUTH_API, {"password": STRONG_PASSWORD})
    data = envelope_data(locked, 429)
    assert data["reason"] == "locked"
    assert int(locked["Retry-After"]) == data["retry_after"] > 0
    assert confirmed_at(api_client) is None
    failures = AccountEvent.objects.filter(
        kind="login_failed", user=user, code="reauth_wrong_password"
    )
    assert failures.count() == limit
    assert AccountEvent.objects.filter(kind="locked_out").exists()


def test_the_api_answers_401_signed_out(api_client):
    assert envelope_data(api_client.get(ACCOUNT_API), 401) is None
    response = api_client.post_json(REAUTH_API, {"password": STRONG_PASSWORD})
    envelope_data(response, 401)


def test_guarded_calls_answer_403_until_confirmed(api_client):
    api_signed_in(api_client, user_create())
    refused = api_client.post_json("/api/v1/account/sessions/end-others")
    assert envelope_data(refused, 403)["reason"] == "reauth_required"
    envelope_data(api_client.post_json(REAUTH_API, {"password": STRONG_PASSWORD}), 200)
    allowed = api_client.post_json("/api/v1/account/sessions/end-others")
    assert envelope_data(allowed, 200) == {"ended": 0}
