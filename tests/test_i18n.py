"""Every message a user can see is in the language of the page or request.

Each account form is sent empty, with bad formats and with weak passwords,
through its page and through the API, in Chinese and in English. Every error
shown (field, form, envelope) must then be in that language: in Chinese it
holds a CJK character and no run of English words (a stray "SMS" or "Email"
is fine); in English it holds no CJK character.
"""

import html
import re

import pytest
from django.test import Client

from haima.accounts.tokens import password_reset_token_make
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[\s,.;:'-]+[A-Za-z]{2,}")
ERROR_ELEMENT = re.compile(
    r'<(p|li|div|span)\b[^>]*class="[^"]*\b(field-error|form-error|message)\b'
    r'[^"]*"[^>]*>(.*?)</\1>',
    re.S,
)
TAG = re.compile(r"<[^>]+>")
LANGUAGES = {"zh-hans": "zh-CN,zh;q=0.9", "en": "en"}

LONG = "a" * 129
_addresses = iter(range(1, 60000))


def fresh_address() -> str:
    """A client address of its own, so no rate limit answers for the rules."""
    n = next(_addresses)
    return f"10.9.{n // 250}.{n % 250 + 1}"


BAD_PASSWORDS = {
    "short": "Ab1!x",
    "common": "password",
    "numeric": "73018264",
    "similar": "xiaoming1",
    "long": LONG,
}


def language_problem(message: str, language: str) -> str | None:
    if language == "en":
        return "CJK in English" if CJK.search(message) else None
    if not CJK.search(message):
        return "no Chinese"
    if ENGLISH_WORDS.search(message):
        return "English words"
    return None


def page_messages(response) -> list[str]:
    text = response.content.decode()
    found = []
    for match in ERROR_ELEMENT.finditer(text):
        message = html.unescape(TAG.sub("", match[3])).strip()
        if message:
            found.append(message)
    return found


def api_messages(response) -> list[str]:
    body = response.json()
    found = [body["message"]]

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk((body.get("data") or {}).get("errors"))
    return found


class Collector:
    def __init__(self, language: str):
        self.language = language
        self.problems: list[str] = []
        self.seen = 0

    def check(self, where: str, messages: list[str]) -> None:
        self.seen += len(messages)
        for message in messages:
            problem = language_problem(message, self.language)
            if problem:
                self.problems.append(f"{where}: {problem}: {message!r}")


def page(collector, client, path, data, *, expect_errors=True):
    response = client.post(
        path,
        data,
        HTTP_ACCEPT_LANGUAGE=LANGUAGES[collector.language],
        REMOTE_ADDR=fresh_address(),
    )
    found = page_messages(response)
    if expect_errors:
        assert found, f"no error shown on {path} for {data}"
    collector.check(f"page {path} {sorted(data)}", found)


def api(collector, client, path, body):
    response = client.post_json(
        f"/api/v1/{path}",
        body,
        HTTP_ACCEPT_LANGUAGE=LANGUAGES[collector.language],
        REMOTE_ADDR=fresh_address(),
    )
    assert response.status_code >= 400, (path, body, response.content)
    collector.check(f"api {path} {sorted(body)}", api_messages(response))


@pytest.fixture
def users(db):
    return {
        "active": user_create(),
        "inactive": user_create("xiaohong", "hong@example.cn", is_active=False),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_account_error_is_in_the_page_language(
    language, users, captchas, api_client
):
    got = Collector(language)
    web = Client()

    # Registration: empty, bad formats, each weak password, mismatch, taken.
    def registration(**overrides):
        key, answer = captchas.solved()
        return {
            "username": "xiaoqiang",
            "email": "qiang@example.cn",
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "agree": "on",
            "captcha_0": key,
            "captcha_1": answer,
            **overrides,
        }

    register = "/user/register/"
    page(got, web, register, {})
    page(got, web, register, registration(username="a b!", email="not-an-email"))
    page(got, web, register, registration(captcha_1="wrong", agree=""))
    page(got, web, register, registration(password_confirm="other-Mango-42"))
    page(
        got,
        web,
        register,
        registration(username="xiaoming", email=users["active"].email),
    )
    for password in BAD_PASSWORDS.values():
        page(
            got,
            web,
            register,
            registration(
                username="xiaoming", password=password, password_confirm=password
            ),
        )

    # Sign-in by password.
    login = "/user/login/"
    page(got, web, login, {})
    page(got, web, login, {"login": "xiaoming", "password": "wrong-Pear-99"})
    page(got, web, login, {"login": "nobody", "password": "wrong-Pear-99"})
    page(got, web, login, {"login": "xiaohong", "password": STRONG_PASSWORD})

    # Emails asked for: activation resend, password reset.
    for path in ("/user/activation/resend/", "/user/password/reset/"):
        page(got, web, path, {})
        page(got, web, path, {"email": "not-an-email"})
    got.check(
        "page activate",
        page_messages(
            web.get("/user/active/garbage/", HTTP_ACCEPT_LANGUAGE=LANGUAGES[language])
        ),
    )

    # Password reset: a bad link, then a good one with bad passwords.
    got.check(
        "page reset link",
        page_messages(
            web.get(
                "/user/password/reset/garbage/",
                HTTP_ACCEPT_LANGUAGE=LANGUAGES[language],
            )
        ),
    )
    reset = f"/user/password/reset/{password_reset_token_make(users['active'])}/"
    page(got, web, reset, {})
    page(got, web, reset, {"password": STRONG_PASSWORD, "password_confirm": "x"})
    for password in BAD_PASSWORDS.values():
        page(got, web, reset, {"password": password, "password_confirm": password})

    # SMS sign-in: empty, a bad phone, no code, a wrong code, a bad captcha.
    sms = "/user/sms-login/"
    page(got, web, sms, {"action": "login"})
    page(got, web, sms, {"action": "login", "phone": "12345"})
    page(got, web, sms, {"action": "login", "phone": "13800138000"})
    page(got, web, sms, {"action": "login", "phone": "13800138000", "code": "123456"})
    page(
        got,
        web,
        sms,
        {
            "action": "send",
            "phone": "13800138000",
            "captcha_0": captchas.issue(),
            "captcha_1": "wrong",
        },
    )

    # Signed in: change the password, bind a phone.
    signed_in = Client()
    signed_in.force_login(users["active"])
    change = "/user/password/change/"
    page(got, signed_in, change, {})
    page(
        got,
        signed_in,
        change,
        {
            "old_password": "wrong-Pear-99",
            "password": STRONG_PASSWORD + "x",
            "password_confirm": STRONG_PASSWORD + "x",
        },
    )
    page(
        got,
        signed_in,
        change,
        {
            "old_password": STRONG_PASSWORD,
            "password": STRONG_PASSWORD + "x",
            "password_confirm": "x",
        },
    )
    for password in BAD_PASSWORDS.values():
        page(
            got,
            signed_in,
            change,
            {
                "old_password": STRONG_PASSWORD,
                "password": password,
                "password_confirm": password,
            },
        )
    bind = "/user/account/phone/"
    page(got, signed_in, bind, {"action": "bind"})
    page(got, signed_in, bind, {"action": "bind", "phone": "12345"})
    page(
        got,
        signed_in,
        bind,
        {"action": "bind", "phone": "13800138000", "code": "123456"},
    )

    # The API, anonymous.
    def api_registration(**overrides):
        key, answer = captchas.solved()
        return {
            "username": "xiaoqiang",
            "email": "qiang@example.cn",
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "agree": True,
            "captcha_key": key,
            "captcha_answer": answer,
            **overrides,
        }

    api(got, api_client, "register", {})
    api(
        got,
        api_client,
        "register",
        api_registration(username="", email="", password="", password_confirm=""),
    )
    api(
        got,
        api_client,
        "register",
        api_registration(username="a b!", email="not-an-email"),
    )
    api(
        got,
        api_client,
        "register",
        api_registration(captcha_answer="wrong", agree=False),
    )
    api(
        got, api_client, "register", api_registration(password_confirm="other-Mango-42")
    )
    api(
        got,
        api_client,
        "register",
        api_registration(username="xiaoming", email=users["active"].email),
    )
    api(got, api_client, "register", api_registration(agree="maybe"))
    for password in BAD_PASSWORDS.values():
        api(
            got,
            api_client,
            "register",
            api_registration(
                username="xiaoming", password=password, password_confirm=password
            ),
        )
    api(got, api_client, "login", {})
    api(got, api_client, "login", {"login": "", "password": ""})
    api(got, api_client, "login", {"login": "xiaoming", "password": "wrong-Pear-99"})
    api(got, api_client, "login", {"login": "xiaohong", "password": STRONG_PASSWORD})
    for path in ("activation/resend", "password/reset"):
        api(got, api_client, path, {})
        api(got, api_client, path, {"email": "not-an-email"})
    api(got, api_client, "activate", {})
    api(got, api_client, "activate", {"token": "garbage"})
    api(got, api_client, "password/reset/confirm", {})
    api(
        got,
        api_client,
        "password/reset/confirm",
        {"token": "garbage", "password": STRONG_PASSWORD},
    )
    for password in BAD_PASSWORDS.values():
        token = password_reset_token_make(users["active"])
        api(
            got,
            api_client,
            "password/reset/confirm",
            {"token": token, "password": password},
        )
    api(got, api_client, "sms/login", {})
    api(got, api_client, "sms/login", {"phone": "12345", "code": "123456"})
    api(got, api_client, "sms/login", {"phone": "13800138000", "code": "12"})
    api(got, api_client, "sms/login", {"phone": "13800138000", "code": "123456"})
    api(got, api_client, "sms/send", {})
    api(
        got,
        api_client,
        "sms/send",
        {
            "phone": "12345",
            "purpose": "login",
            "captcha_key": captchas.issue(),
            "captcha_answer": "wrong",
        },
    )
    api(
        got,
        api_client,
        "sms/send",
        {
            "phone": "13800138000",
            "purpose": "register",
            "captcha_key": captchas.issue(),
            "captcha_answer": "wrong",
        },
    )
    api(got, api_client, "password/change", {"old_password": "x", "password": "y"})

    # The API, signed in.
    api_client.force_login(users["active"])
    api(got, api_client, "password/change", {})
    api(
        got,
        api_client,
        "password/change",
        {"old_password": "wrong-Pear-99", "password": STRONG_PASSWORD + "x"},
    )
    for password in BAD_PASSWORDS.values():
        api(
            got,
            api_client,
            "password/change",
            {"old_password": STRONG_PASSWORD, "password": password},
        )
    api(got, api_client, "sms/bind", {})
    api(got, api_client, "sms/bind", {"phone": "12345", "code": "123456"})
    api(got, api_client, "sms/bind", {"phone": "13800138000", "code": "123456"})

    assert got.seen > 100
    assert not got.problems, "\n".join(got.problems)
