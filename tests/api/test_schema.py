"""The OpenAPI schema tells the truth: required fields, statuses, reasons."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest

from haima.accounts.services.activation import MESSAGES as ACTIVATION_REASONS
from haima.core.exceptions import Reason
from haima.sms.codes import MESSAGES as SMS_CODE_REASONS
from tests.api.test_envelope import assert_envelope

pytestmark = pytest.mark.django_db

CODE_DIR = Path(__file__).resolve().parents[2] / "haima"
# CONTRACT §3: each body's required fields, and its optional ones.
BODIES = {
    "captcha/check": ({"key", "answer"}, set()),
    "register": (
        {"username", "email", "password", "password_confirm", "agree",
         "captcha_key", "captcha_answer"},
        set(),
    ),
    "activate": ({"token"}, set()),
    "activation/resend": ({"email"}, set()),
    "login": ({"login", "password"}, {"remember", "captcha_key", "captcha_answer"}),
    "sms/send": ({"phone", "purpose", "captcha_key", "captcha_answer"}, set()),
    "sms/login": ({"phone", "code"}, {"remember"}),
    "sms/bind": ({"phone", "code"}, set()),
    "password/reset": ({"email"}, set()),
    "password/reset/confirm": ({"token", "password"}, set()),
    "password/change": ({"old_password", "password"}, set()),
    "account/reauth": (set(), {"password", "code"}),
    "account/username": ({"username"}, set()),
    "account/email": ({"email"}, set()),
    "account/email/confirm": ({"token"}, set()),
    "account/email/not-me": ({"token"}, set()),
    "account/sessions/end": ({"digest"}, set()),
    "account/cancel": ({"confirm"}, set()),
    "account/cancel/undo": ({"token"}, {"remember"}),
}  # fmt: skip
SUCCESS = {"200", "201"}


@pytest.fixture
def schema(api_client) -> dict:
    return api_client.get("/api/v1/openapi.json").json()


def operations(schema):
    for path, by_method in schema["paths"].items():
        for method, operation in by_method.items():
            yield path.removeprefix("/api/v1/"), method, operation


def resolve(schema, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def body_schema(schema, operation) -> dict:
    content = operation["requestBody"]["content"]
    assert list(content) == ["application/json"]
    return resolve(schema, content["application/json"]["schema"])


def test_the_contract_s_fields_are_required_and_only_those(schema):
    bodies = {
        path: body_schema(schema, operation)
        for path, _, operation in operations(schema)
        if "requestBody" in operation
    }
    assert set(bodies) == set(BODIES)
    for path, (required, optional) in BODIES.items():
        body = bodies[path]
        assert (set(body.get("required", [])), path) == (required, path)
        assert (set(body["properties"]) - required, path) == (optional, path)


def test_sms_purpose_is_an_enum(schema):
    (operation,) = schema["paths"]["/api/v1/sms/send"].values()
    purpose = body_schema(schema, operation)["properties"]["purpose"]
    assert purpose["enum"] == ["login", "bind"]


def test_every_operation_declares_every_status_it_can_answer(schema):
    for path, method, operation in operations(schema):
        expected = {"405", "503"}  # another method; a store away
        if method == "post":
            expected |= {"403"}  # the CSRF check
        if "requestBody" in operation:
            expected |= {"400", "415", "429"}
        if operation.get("security"):
            expected |= {"401"}
        declared = set(operation["responses"])
        assert expected <= declared, (path, sorted(expected - declared))
        assert len(declared & SUCCESS) == 1, path
        for status in declared - SUCCESS:
            content = operation["responses"][status]["content"]
            reference = content["application/json"]["schema"]["$ref"]
            assert reference.endswith("/ErrorEnvelope"), (path, status)


def test_429_and_503_declare_retry_after(schema):
    for path, _, operation in operations(schema):
        for status in {"429", "503"} & set(operation["responses"]):
            headers = operation["responses"][status]["headers"]
            assert headers["Retry-After"]["required"] is True, (path, status)


@pytest.mark.parametrize(
    ("path", "status"),
    [("login", "401"), ("login", "403"), ("sms/send", "401"), ("captcha", "429")],
)
def test_statuses_of_particular_operations(schema, path, status):
    (operation,) = schema["paths"][f"/api/v1/{path}"].values()
    assert status in operation["responses"]


def test_reason_is_an_enum_of_the_stable_codes(schema):
    error_data = schema["components"]["schemas"]["ErrorData"]
    (reference, null) = error_data["properties"]["reason"]["anyOf"]
    assert null == {"type": "null"}
    assert resolve(schema, reference)["enum"] == sorted(reason for reason in Reason)


def test_every_reason_in_the_code_is_in_the_enum():
    literal = re.compile(
        r"""reason=["'](\w+)["']|["']reason["']\]?\s*[:=]\s*["'](\w+)["']"""
    )
    found = set(ACTIVATION_REASONS) | set(SMS_CODE_REASONS)
    for source in CODE_DIR.rglob("*.py"):
        for match in literal.finditer(source.read_text()):
            found.add(match[1] or match[2])
    assert {"captcha_required", "csrf", "locked", "sms_unavailable"} <= found
    assert found <= set(Reason), sorted(found - set(Reason))


@pytest.mark.parametrize(
    ("path", "body", "missing"),
    [
        ("sms/login", {"phone": "13800138000"}, {"code"}),
        ("password/reset", {}, {"email"}),
        ("login", {"password": "x"}, {"login"}),
        ("sms/send", {"phone": "13800138000", "purpose": "login"}, {"captcha"}),
        ("captcha/check", {"key": "k"}, {"answer"}),
    ],
)
@pytest.mark.parametrize(
    ("language", "required"),
    [("zh-CN", "此项为必填项。"), ("en", "This field is required.")],
)
def test_a_missing_field_is_named_in_the_request_language(
    api_client, path, body, missing, language, required
):
    response = api_client.post_json(
        f"/api/v1/{path}", body, HTTP_ACCEPT_LANGUAGE=language
    )
    body = assert_envelope(
        response, HTTPStatus.BAD_REQUEST, data=response.json()["data"]
    )
    assert body["data"] == {"errors": {field: [required] for field in missing}}


def test_a_purpose_not_offered_is_a_field_error(api_client, captchas):
    key, answer = captchas.solved()
    body = {
        "phone": "13800138000",
        "purpose": "register",
        "captcha_key": key,
        "captcha_answer": answer,
    }
    response = api_client.post_json("/api/v1/sms/send", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["data"] == {
        "errors": {
            "purpose": [
                "Select a valid choice. "
                "That choice is not one of the available choices."
            ]
        }
    }


@pytest.mark.parametrize(("enabled", "status"), [(True, 200), (False, 404)])
def test_the_browsable_docs_only_while_api_docs_is_on(
    client, settings, enabled, status
):
    settings.API_DOCS = enabled
    docs = client.get("/api/v1/docs")
    assert docs.status_code == status
    if not enabled:
        assert docs.json()["code"] == 404
    assert client.get("/api/v1/openapi.json").status_code == 200
