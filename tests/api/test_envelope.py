"""Every API answer is the envelope {code, message, data}; code is the status."""

import json
from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def assert_envelope(response, status: int, *, data=None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "data"}
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert body["data"] == data
    return body


def test_unknown_api_path_is_a_404_envelope(api_client):
    assert_envelope(api_client.get("/api/v1/nope"), HTTPStatus.NOT_FOUND)
    assert_envelope(api_client.get("/api/v1/nope/deeper/"), HTTPStatus.NOT_FOUND)


def test_wrong_method_is_a_405_envelope_that_keeps_allow(api_client):
    response = api_client.post_json("/api/v1/me")
    assert_envelope(response, HTTPStatus.METHOD_NOT_ALLOWED)
    assert response["Allow"] == "GET"


def test_me_signed_out_is_a_401_envelope(api_client):
    assert_envelope(api_client.get("/api/v1/me"), HTTPStatus.UNAUTHORIZED)


def test_message_follows_the_request_language(api_client):
    chinese = api_client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="zh-CN")
    english = api_client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.json()["message"] == "请先登录。"
    assert english.json()["message"] == "Please sign in first."


def test_csrf_endpoint_gives_a_token_and_its_cookie(api_client):
    response = api_client.get("/api/v1/csrf")
    body = assert_envelope(response, HTTPStatus.OK, data=response.json()["data"])
    assert len(body["data"]["csrf_token"]) >= 32
    assert "csrftoken" in response.cookies


def test_missing_csrf_token_is_a_403_envelope_before_the_method(api_client):
    response = api_client.post("/api/v1/me", {}, content_type="application/json")
    assert_envelope(response, HTTPStatus.FORBIDDEN, data={"reason": "csrf"})


def test_wrong_csrf_token_is_refused(api_client):
    api_client.csrf_token()
    response = api_client.post_json("/api/v1/probe/echo", HTTP_X_CSRFTOKEN="x" * 64)
    assert_envelope(response, HTTPStatus.FORBIDDEN, data={"reason": "csrf"})


@pytest.mark.urls("tests.api.probe")
class TestErrorsFromEndpoints:
    def test_validation_errors_are_keyed_by_field(self, api_client):
        response = api_client.post_json(
            "/api/v1/probe/echo", {"count": "many"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        body = assert_envelope(
            response, HTTPStatus.BAD_REQUEST, data=response.json()["data"]
        )
        assert body["data"] == {
            "errors": {
                "name": ["This field is required."],
                "count": ["Enter a valid value."],
            }
        }

    def test_malformed_json_is_a_400_envelope(self, api_client):
        response = api_client.post(
            "/api/v1/probe/echo",
            "{not json",
            content_type="application/json",
            HTTP_X_CSRFTOKEN=api_client.csrf_token(),
        )
        body = assert_envelope(
            response, HTTPStatus.BAD_REQUEST, data=response.json()["data"]
        )
        assert list(body["data"]["errors"]) == ["__all__"]

    def test_valid_input_passes(self, api_client):
        response = api_client.post_json("/api/v1/probe/echo", {"name": "a", "count": 2})
        assert response.json() == {"name": "a", "count": 2}

    @pytest.mark.parametrize("debug", [False, True])
    def test_crash_is_a_500_envelope_logged_without_traceback(
        self, api_client, settings, caplog, debug
    ):
        settings.DEBUG = debug
        response = api_client.get("/api/v1/probe/boom")
        assert_envelope(response, HTTPStatus.INTERNAL_SERVER_ERROR)
        assert "Traceback" not in response.content.decode()
        assert "exploded" not in response.content.decode()
        logged = [r for r in caplog.records if r.name == "django.request"]
        assert logged and logged[0].exc_info[1].args == ("the probe exploded",)


def test_openapi_schema_is_valid_openapi_3(api_client):
    from openapi_spec_validator import validate

    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == HTTPStatus.OK
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me" in schema["paths"]


def test_docs_page_is_served_without_a_cdn(api_client, settings):
    settings.API_DOCS = True
    response = api_client.get("/api/v1/docs")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "cdn.jsdelivr" not in html
    assert "/static/ninja/" in html


def test_chinese_is_sent_as_utf8_not_escapes(api_client):
    for path in ("/api/v1/csrf", "/api/v1/me"):  # an endpoint, and an error
        response = api_client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN")
        assert b"\\u" not in response.content
        assert response.json()["message"].encode() in response.content
