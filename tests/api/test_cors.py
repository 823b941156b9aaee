"""Only listed origins are allowed, with credentials; never every origin."""

import pytest

pytestmark = pytest.mark.django_db

ALLOWED = "https://shop.haima.example"


@pytest.fixture(autouse=True)
def allowed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def test_listed_origin_gets_credentials(client):
    response = client.get("/api/v1/csrf", HTTP_ORIGIN=ALLOWED)
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_preflight_from_listed_origin(client):
    response = client.options(
        "/api/v1/me",
        HTTP_ORIGIN=ALLOWED,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-csrftoken",
    )
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "null", "https://shop.haima.example.evil.example"],
)
def test_other_origins_get_no_cors_headers(client, origin):
    response = client.get("/api/v1/csrf", HTTP_ORIGIN=origin)
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(
        "/api/v1/me", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_pages_get_no_cors_headers(client):
    response = client.get("/", HTTP_ORIGIN=ALLOWED)
    assert "Access-Control-Allow-Origin" not in response
