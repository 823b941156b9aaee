"""Bodies are JSON objects: 415 for another media type, 400 for bad JSON."""

import json
from http import HTTPStatus

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart

from tests.api.test_envelope import assert_envelope

pytestmark = pytest.mark.django_db

WRONG_MEDIA_TYPE = {"reason": "unsupported_media_type"}


@pytest.fixture
def signed_in(api_client, user):
    """The client signed in, so endpoints behind auth reach their body."""
    api_client.force_login(user)
    return api_client


def body_operations(client) -> list[str]:
    """Every API path whose operation takes a body, from the schema itself."""
    schema = client.get("/api/v1/openapi.json").json()
    return [
        path
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if "requestBody" in operation
    ]


def send(client, path, body, content_type, **extra):
    extra.setdefault("HTTP_X_CSRFTOKEN", client.csrf_token())
    return client.generic("POST", path, body, content_type=content_type, **extra)


def test_every_body_endpoint_refuses_multipart_with_a_415(signed_in):
    paths = body_operations(signed_in)
    assert "/api/v1/login" in paths and "/api/v1/sms/send" in paths
    form = encode_multipart("BoUnDaRy", {"login": "xiaoming", "password": "x"})
    for path in paths:
        response = send(signed_in, path, form, MULTIPART_CONTENT)
        assert_envelope(
            response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, data=WRONG_MEDIA_TYPE
        )


def test_every_body_endpoint_refuses_a_json_array_with_a_400(signed_in):
    for path in body_operations(signed_in):
        response = send(signed_in, path, "[]", "application/json")
        body = assert_envelope(
            response, HTTPStatus.BAD_REQUEST, data=response.json()["data"]
        )
        assert body["data"]["reason"] == "malformed_json"
        assert list(body["data"]["errors"]) == ["__all__"]


@pytest.mark.parametrize(
    "content_type",
    [
        MULTIPART_CONTENT,
        "application/x-www-form-urlencoded",
        "text/plain",
        "text/json",
        "application/json-patch+json",
        "application/json; charset=latin-1",
        "",  # a body without a Content-Type
    ],
)
def test_a_json_body_with_another_label_is_a_415(api_client, content_type):
    body = json.dumps({"login": "xiaoming", "password": "x"})
    response = send(api_client, "/api/v1/login", body, content_type)
    assert_envelope(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, data=WRONG_MEDIA_TYPE)


def test_the_415_message_follows_the_request_language(api_client):
    messages = {
        language: send(
            api_client,
            "/api/v1/captcha/check",
            "key=a&answer=b",
            "application/x-www-form-urlencoded",
            HTTP_ACCEPT_LANGUAGE=language,
        ).json()["message"]
        for language in ("zh-CN", "en")
    }
    assert messages == {
        "zh-CN": "请使用 application/json 提交。",
        "en": "Please send the body as application/json.",
    }


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON; charset=UTF-8",
    ],
)
def test_json_with_or_without_a_charset_is_read(api_client, captchas, content_type):
    key, answer = captchas.solved()
    body = json.dumps({"key": key, "answer": answer})
    response = send(api_client, "/api/v1/captcha/check", body, content_type)
    assert_envelope(response, HTTPStatus.OK, data={"valid": True})


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"login": "x",}', b"[]", b'"x"', b"1", b"null", b"\xff\xfe{}",
     b'{"login": "\xe6\x9d"}', b"[" * 100_000],
)  # fmt: skip
def test_malformed_json_is_a_400_envelope_of_no_field(api_client, body):
    response = send(
        api_client,
        "/api/v1/login",
        body,
        "application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    data = assert_envelope(
        response, HTTPStatus.BAD_REQUEST, data=response.json()["data"]
    )["data"]
    assert data["reason"] == "malformed_json"
    assert data["errors"] in (
        {"__all__": ["The body is not valid JSON."]},
        {"__all__": ["The body must be a JSON object."]},
    )


def test_malformed_json_is_told_in_chinese(api_client):
    response = send(api_client, "/api/v1/login", "[]", "application/json")
    assert response.json()["data"]["errors"] == {
        "__all__": ["请求体必须是 JSON 对象。"]
    }


@pytest.mark.parametrize("content_type", ["application/json", ""])
def test_an_empty_body_names_the_missing_fields(api_client, content_type):
    response = send(
        api_client, "/api/v1/login", "", content_type, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert_envelope(
        response,
        HTTPStatus.BAD_REQUEST,
        data={
            "errors": {
                "login": ["This field is required."],
                "password": ["This field is required."],
            }
        },
    )


def test_an_endpoint_without_a_body_ignores_one(signed_in):
    form = encode_multipart("BoUnDaRy", {"anything": "x"})
    response = send(signed_in, "/api/v1/logout", form, MULTIPART_CONTENT)
    assert_envelope(response, HTTPStatus.OK)


def test_the_csrf_check_comes_before_the_media_type(api_client):
    form = encode_multipart("BoUnDaRy", {"csrfmiddlewaretoken": "x" * 64})
    response = api_client.generic(
        "POST", "/api/v1/login", form, content_type=MULTIPART_CONTENT
    )
    assert_envelope(response, HTTPStatus.FORBIDDEN, data={"reason": "csrf"})


def test_the_method_is_checked_before_the_media_type(api_client):
    response = send(api_client, "/api/v1/me", "x", "text/plain")
    assert_envelope(response, HTTPStatus.METHOD_NOT_ALLOWED)


def test_a_body_past_django_s_limit_is_a_400_envelope(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"login": "x" * 2000, "password": "x"})
    response = send(api_client, "/api/v1/login", body, "application/json")
    assert_envelope(response, HTTPStatus.BAD_REQUEST)
