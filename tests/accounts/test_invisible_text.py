"""No invisible or control characters in any text field but passwords (issue 9)."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from haima.core.text import has_invisible_characters
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

INVISIBLE = (
    "Remove the invisible or control characters (such as zero-width spaces or "
    "line breaks) from this field."
)
# ESC (a terminal's colour), newline, a C1 control (CSI), zero-width space,
# zero-width joiner, right-to-left override, line separator, lone surrogate.
SAMPLES = ["\x1b[31m", "\n", "\x9b", "\u200b", "\u200d", "\u202e", "\u2028", "\ud800"]


def post(api_client, path: str, body: dict):
    return api_client.post_json(path, body, HTTP_ACCEPT_LANGUAGE="en")


def field_errors(response) -> dict:
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    return response.json()["data"]["errors"]


@pytest.mark.parametrize("char", SAMPLES)
def test_the_rule(char):
    assert has_invisible_characters(f"ming{char}")
    assert not has_invisible_characters("小明 ming\u3000(full-width space) ✓")


@pytest.mark.parametrize("char", SAMPLES)
def test_registration_refuses_them_in_the_username(api_client, registration, char):
    response = post(api_client, "/api/v1/register", registration(username=f"m{char}"))
    assert field_errors(response) == {"username": [INVISIBLE]}
    assert not User.objects.exists()


def test_a_captcha_answer_with_them_is_refused_unspent(
    api_client, registration, captchas
):
    body = registration()
    response = post(
        api_client,
        "/api/v1/register",
        {**body, "captcha_answer": body["captcha_answer"] + "\x1b"},
    )
    assert field_errors(response) == {"captcha": [INVISIBLE]}
    assert captchas.is_live(body["captcha_key"])


@pytest.mark.parametrize("char", SAMPLES)
def test_login_refuses_them_before_any_check(api_client, user, char):
    for _ in range(4):  # a failure would ask for a captcha after three
        response = post(
            api_client,
            "/api/v1/login",
            {"login": f"xiaoming{char}", "password": STRONG_PASSWORD},
        )
        assert field_errors(response) == {"login": [INVISIBLE]}
    right = post(
        api_client, "/api/v1/login", {"login": "xiaoming", "password": STRONG_PASSWORD}
    )
    assert right.status_code == HTTPStatus.OK


@pytest.mark.parametrize("phone", ["\u200b13800138000", "\x1b13800138000"])
def test_sms_refuses_them_in_the_phone(api_client, captchas, phone):
    key, answer = captchas.solved()
    response = post(
        api_client,
        "/api/v1/sms/send",
        {"phone": phone, "purpose": "login", "captcha_key": key,
         "captcha_answer": answer},
    )  # fmt: skip
    assert field_errors(response) == {"phone": [INVISIBLE]}
    assert captchas.is_live(key)


def test_the_sms_login_page_refuses_them_in_the_code(client):
    response = client.post(
        "/user/sms-login/",
        {"phone": "13800138000", "code": "12\x1b345"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == HTTPStatus.OK
    assert INVISIBLE in response.content.decode()


def test_the_admin_login_refuses_them_in_the_username(client):
    user_create("boss", "boss@example.cn", is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss\u200b", "password": STRONG_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == HTTPStatus.OK
    assert INVISIBLE in response.content.decode()


@pytest.mark.parametrize(
    "password",
    [
        "Family-👨\u200d👩\u200d👧-2024",  # an emoji sequence joins with ZWJ (Cf)
        "tab\tand-Space 42x",
        "Esc\x1b-Kiwi-77x",
    ],
)
def test_passwords_may_hold_them(api_client, registration, password):
    body = registration(password=password, password_confirm=password)
    assert post(api_client, "/api/v1/register", body).status_code == HTTPStatus.CREATED
    assert User.objects.get().check_password(password)


def test_passwords_refuse_nul(api_client, registration):
    password = "Null\x00-Kiwi-77"
    body = registration(password=password, password_confirm=password)
    assert "password" in field_errors(post(api_client, "/api/v1/register", body))
