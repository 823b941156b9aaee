"""Hostile values in every field: wrong types, 10 kB, control characters,
markup and SQL. Each is a 400 on its field (or 401 for a login that is just
wrong), changes nothing, and pages echo it escaped."""

from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.utils.html import escape

from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

from .conftest import (
    CONTROLS,
    INJECTIONS,
    PASSWORD_FIELDS,
    SQL,
    WITH_BODY,
    XSS_ATTRIBUTE,
    XSS_SCRIPT,
    all_fields,
    assert_envelope,
    refusal_of_value,
    schema_error_key,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db]

TEN_KB = 10 * 1024
WRONG_TYPES = [
    pytest.param(12345, id="number"),
    pytest.param(["x"], id="list"),
    pytest.param({"x": 1}, id="object"),
    pytest.param(None, id="null"),
    pytest.param(True, id="bool"),
]
NOT_BOOLEANS = [
    pytest.param(2, id="number"),
    pytest.param([], id="list"),
    pytest.param({}, id="object"),
    pytest.param(None, id="null"),
    pytest.param("maybe", id="string"),
]
# Looked at only once the sign-in policy asks for a captcha (test_captcha_and_codes).
OPTIONAL = {("login", "captcha_key"), ("login", "captcha_answer")}


def value_fields(*, passwords: bool = True) -> list:
    return [
        pytest.param(endpoint, name, id=f"{endpoint.path}.{name}")
        for endpoint in WITH_BODY
        for name in endpoint.text
        if (endpoint.path, name) not in OPTIONAL
        and (passwords or name not in PASSWORD_FIELDS)
    ]


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize(
    ("endpoint", "name"),
    [param for param in all_fields() if param.values[1] not in ("agree", "remember")],
)
def test_a_text_field_of_another_type_is_a_400_on_it(api, armed, endpoint, name, value):
    body, before = armed(endpoint)
    body[name] = value
    response = api.post(endpoint, body)
    data = assert_envelope(
        response, HTTPStatus.BAD_REQUEST, fields=[schema_error_key(name)]
    )
    assert set(data) == {"errors"}
    before.assert_unchanged()  # refused before any captcha or code is tried


@pytest.mark.parametrize("value", NOT_BOOLEANS)
@pytest.mark.parametrize(
    ("endpoint", "name"),
    [param for param in all_fields() if param.values[1] in ("agree", "remember")],
)
def test_a_flag_that_is_not_a_boolean_is_a_400_on_it(api, armed, endpoint, name, value):
    body, before = armed(endpoint)
    body[name] = value
    response = api.post(endpoint, body)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=[name])
    before.assert_unchanged()
    assert api.signed_in_as() is None


def _empty_cases() -> list:
    cases = []
    for param in value_fields():
        endpoint, name = param.values
        blanks = [""] if name in PASSWORD_FIELDS else ["", "   "]
        cases += [
            pytest.param(endpoint, name, blank, id=f"{param.id}-{blank!r}")
            for blank in blanks
        ]
    return cases


@pytest.mark.parametrize(("endpoint", "name", "blank"), _empty_cases())
def test_an_empty_value_is_refused_on_its_field(api, armed, endpoint, name, blank):
    body, before = armed(endpoint)
    body[name] = blank
    response = api.post(endpoint, body)
    refusal = refusal_of_value(endpoint, name)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, **refusal)
    before.assert_unchanged(captchas=False)


@pytest.mark.parametrize(("endpoint", "name"), value_fields())
def test_a_10_kb_value_is_refused_on_its_field(api, armed, endpoint, name):
    body, before = armed(endpoint)
    body[name] = "7" * TEN_KB
    response = api.post(endpoint, body)
    assert_envelope(
        response, HTTPStatus.BAD_REQUEST, **refusal_of_value(endpoint, name)
    )
    before.assert_unchanged(captchas=False)


def _control_cases() -> list:
    cases = []
    for param in value_fields():
        endpoint, name = param.values
        for control in CONTROLS:
            # Passwords may hold any printable character and controls but NUL.
            if name in PASSWORD_FIELDS and control.values[0] != "\x00":
                continue
            cases.append(
                pytest.param(
                    endpoint, name, control.values[0], id=f"{param.id}-{control.id}"
                )
            )
    return cases


@pytest.mark.parametrize(("endpoint", "name", "control"), _control_cases())
def test_a_control_character_inside_a_value_is_refused_on_its_field(
    api, armed, endpoint, name, control
):
    """Inserted in the middle of a value that is otherwise the right one."""
    body, before = armed(endpoint)
    value = body[name]
    middle = len(value) // 2
    body[name] = value[:middle] + control + value[middle:]
    response = api.post(endpoint, body)
    assert_envelope(
        response, HTTPStatus.BAD_REQUEST, **refusal_of_value(endpoint, name)
    )
    before.assert_unchanged(captchas=False)
    if endpoint.path in ("login", "sms/login"):
        assert api.signed_in_as() is None


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize(("endpoint", "name"), value_fields(passwords=False))
def test_markup_and_sql_are_refused_on_their_field(api, armed, endpoint, name, payload):
    body, before = armed(endpoint)
    body[name] = payload
    response = api.post(endpoint, body)
    if (endpoint.path, name) == ("login", "login"):
        # Any text may be somebody's login: this one is nobody's.
        assert_envelope(response, HTTPStatus.UNAUTHORIZED, data=None)
    else:
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, **refusal_of_value(endpoint, name)
        )
    assert payload not in response.content.decode()  # not reflected
    before.assert_unchanged(captchas=False)
    assert api.signed_in_as() is None or endpoint.signed_in


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize(
    "password", [STRONG_PASSWORD, SQL], ids=["right password", "sql password"]
)
def test_sql_in_the_login_never_signs_in(api, user, snapshot, payload, password):
    before = snapshot()
    for login in (payload, f"{user.username}{payload}", f"{user.username}'--"):
        response = api.post("login", {"login": login, "password": password})
        assert_envelope(response, HTTPStatus.UNAUTHORIZED, data=None)
    assert api.signed_in_as() is None
    before.assert_unchanged()


# --- Pages echo what was typed escaped, never raw ----------------------------


def _page_posts(client, captchas, payload) -> dict:
    """Per page: the response to a form with ``payload`` in a text field."""
    key, answer = captchas.solved()
    return {
        "register username": client.post(
            "/user/register/",
            {
                "username": payload,
                "email": "hong@example.cn",
                "agree": "on",
                "password": STRONG_PASSWORD,
                "password_confirm": STRONG_PASSWORD,
                "captcha_0": key,
                "captcha_1": answer,
            },
        ),
        "register email": client.post(
            "/user/register/",
            {
                "username": "xiaohong",
                "email": payload,
                "agree": "on",
                "password": STRONG_PASSWORD,
                "password_confirm": STRONG_PASSWORD,
                "captcha_0": key,
                "captcha_1": answer,
            },
        ),
        "login": client.post(
            "/user/login/", {"login": payload, "password": "wrong-Password-1"}
        ),
        "activation resend": client.post(
            "/user/activation/resend/", {"email": payload}
        ),
        "password reset": client.post("/user/password/reset/", {"email": payload}),
        "sms login": client.post(
            "/user/sms-login/", {"phone": payload, "code": "123456"}
        ),
        "admin login": client.post(
            "/admin/login/", {"username": payload, "password": "wrong-Password-1"}
        ),
    }


@pytest.mark.parametrize("payload", INJECTIONS)
def test_pages_echo_what_was_typed_escaped(client, captchas, snapshot, payload):
    before = snapshot()
    for page, response in _page_posts(client, captchas, payload).items():
        assert response.status_code == HTTPStatus.OK, page
        html = response.content.decode()
        assert payload not in html, page
        assert escape(payload) in html, page  # shown back, as text
    before.assert_unchanged(captchas=False)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_the_phone_page_echoes_what_was_typed_escaped(client, user, payload):
    client.force_login(user)
    response = client.post("/user/account/phone/", {"phone": payload, "code": "123456"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert payload not in html
    assert escape(payload) in html
    user.refresh_from_db()
    assert user.phone is None


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/user/login/",
        "/user/sms-login/",
        "/user/register/",
        "/user/password/reset/",
        "/admin/login/",
    ],
)
def test_a_query_string_is_never_echoed_raw(client, path, payload):
    response = client.get(path, {"next": payload, "q": payload})
    assert response.status_code == HTTPStatus.OK
    assert payload not in response.content.decode()


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize(
    "prefix", ["/user/active/", "/user/password/reset/"], ids=["activate", "reset"]
)
def test_a_hostile_token_in_a_link_is_never_echoed_raw(client, prefix, payload):
    path = prefix + quote(payload, safe="") + ("/" if "reset" in prefix else "")
    response = client.get(path)
    # A "/" in it makes the link no link of ours at all.
    expected = HTTPStatus.NOT_FOUND if "/" in payload else HTTPStatus.BAD_REQUEST
    assert response.status_code == expected
    assert payload not in response.content.decode()


def test_a_hostile_username_is_shown_escaped_when_signed_in(client, db):
    """Accounts made before today's rules (or by staff) may hold anything."""
    user = user_create(XSS_ATTRIBUTE, "odd@example.cn")
    client.force_login(user)
    for path in ("/", "/user/password/change/", "/user/account/phone/"):
        html = client.get(path).content.decode()
        assert XSS_ATTRIBUTE not in html, path
        assert escape(XSS_ATTRIBUTE) in html, path
    admin = user_create("boss", "boss@example.cn", is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get("/admin/accounts/user/").content.decode()
    assert XSS_ATTRIBUTE not in html and escape(XSS_ATTRIBUTE) in html
    html = client.get(f"/admin/accounts/user/?q={quote(XSS_SCRIPT)}").content.decode()
    assert XSS_SCRIPT not in html
