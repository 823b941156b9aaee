"""Bodies that are not the JSON object an endpoint takes: 415 or 400, never 5xx,
and the work the body would have done is not done."""

import json
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart

from haima.accounts.models import User

from .conftest import ENDPOINTS, WITH_BODY, assert_envelope, schema_error_key

pytestmark = [pytest.mark.services, pytest.mark.django_db]

MEGABYTE = 1024 * 1024


def _as_form(body: dict) -> dict:
    return {
        name: json.dumps(value) if isinstance(value, bool) else value
        for name, value in body.items()
    }


def _multipart(body: dict) -> tuple[bytes, str]:
    return encode_multipart("BoUnDaRy", _as_form(body)), MULTIPART_CONTENT


def _urlencoded(body: dict) -> tuple[str, str]:
    return urlencode(_as_form(body)), "application/x-www-form-urlencoded"


def _text(body: dict) -> tuple[str, str]:
    return json.dumps(body), "text/plain"


def _unlabelled(body: dict) -> tuple[str, str]:
    return json.dumps(body), ""


def _latin1(body: dict) -> tuple[bytes, str]:
    return json.dumps(body).encode("latin-1"), "application/json; charset=latin-1"


@pytest.mark.parametrize(
    "encode",
    [_multipart, _urlencoded, _text, _unlabelled, _latin1],
    ids=["multipart", "urlencoded", "text/plain", "no content type", "latin-1"],
)
@pytest.mark.parametrize("endpoint", WITH_BODY, ids=str)
def test_a_body_that_is_not_labelled_json_is_a_415(api, armed, endpoint, encode):
    body, before = armed(endpoint)
    response = api.send(endpoint, *encode(body))
    assert_envelope(
        response,
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        data={"reason": "unsupported_media_type"},
    )
    before.assert_unchanged()


MALFORMED = [
    pytest.param(b"{not json", id="not json"),
    pytest.param(b'{"a": "b",}', id="trailing comma"),
    pytest.param(b'{"a": "b"', id="truncated"),
    pytest.param(b"\xff\xfe{}", id="not UTF-8"),
    pytest.param(b'{"a": "\xe6\x9d"}', id="cut UTF-8 sequence"),
    pytest.param(b"[" * 100_000, id="nested 100k deep"),
    pytest.param(b"{'a': 'b'}", id="single quotes"),
]
NOT_AN_OBJECT = [
    pytest.param(b"[]", id="array"),
    pytest.param(b'"login"', id="string"),
    pytest.param(b"1", id="number"),
    pytest.param(b"null", id="null"),
    pytest.param(b"true", id="bool"),
]


@pytest.mark.parametrize("raw", MALFORMED + NOT_AN_OBJECT)
@pytest.mark.parametrize("endpoint", WITH_BODY, ids=str)
def test_malformed_json_is_a_400_of_no_field(api, armed, endpoint, raw):
    _, before = armed(endpoint)
    response = api.send(endpoint, raw, "application/json")
    assert_envelope(
        response, HTTPStatus.BAD_REQUEST, reason="malformed_json", fields=["__all__"]
    )
    before.assert_unchanged()


def _required_keys(endpoint) -> list[str]:
    keys = []
    for name in endpoint.required:
        keys += ["captcha_key", "captcha_answer"] if name == "captcha" else [name]
    return keys


@pytest.mark.parametrize("raw", [b"", b"{}"], ids=["empty", "{}"])
@pytest.mark.parametrize("endpoint", WITH_BODY, ids=str)
def test_an_empty_body_names_every_required_field(api, user, snapshot, endpoint, raw):
    if endpoint.signed_in:
        api.client.force_login(user)
    before = snapshot()
    response = api.send(endpoint, raw, "application/json")
    data = assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=endpoint.required)
    assert set(data) == {"errors"}
    before.assert_unchanged()


@pytest.mark.parametrize(
    ("endpoint", "name"),
    [
        pytest.param(endpoint, name, id=f"{endpoint.path}.{name}")
        for endpoint in WITH_BODY
        for name in _required_keys(endpoint)
    ],
)
def test_a_missing_field_is_a_400_on_that_field(api, armed, endpoint, name):
    body, before = armed(endpoint)
    del body[name]
    response = api.post(endpoint, body)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=[schema_error_key(name)])
    before.assert_unchanged()  # refused before the captcha is looked at


@pytest.mark.parametrize(
    ("endpoint", "name"),
    [
        ("login", "login"),
        ("register", "username"),
        ("register", "email"),
        ("password/reset", "email"),
        ("sms/send", "phone"),
        ("captcha/check", "answer"),
    ],
)
def test_a_one_megabyte_body_is_a_field_error(api, armed, endpoint, name):
    endpoint = ENDPOINTS[endpoint]
    body, before = armed(endpoint)
    body[name] = "a" * MEGABYTE
    response = api.post(endpoint, body)
    assert_envelope(
        response, HTTPStatus.BAD_REQUEST, fields=[endpoint.text.get(name, name)]
    )
    before.assert_unchanged(captchas=False)


def test_a_body_past_the_upload_limit_is_refused_as_an_envelope(api, armed, settings):
    body, before = armed(ENDPOINTS["login"])
    body["padding"] = "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = api.post("login", body)
    assert_envelope(response, HTTPStatus.BAD_REQUEST)
    before.assert_unchanged()
    assert api.signed_in_as() is None


def test_thousands_of_unknown_keys_change_nothing(api, armed):
    body, before = armed(ENDPOINTS["login"])
    body["password"] = "wrong-Password-1"
    body.update({f"k{number}": number for number in range(50_000)})
    response = api.post("login", body)
    assert_envelope(response, HTTPStatus.UNAUTHORIZED)
    assert api.signed_in_as() is None
    before.assert_unchanged()


def test_registration_ignores_fields_it_does_not_take(api, bodies):
    """Mass assignment: no staff, no active account, no phone from the body."""
    body = bodies(ENDPOINTS["register"])
    body.update(
        is_staff=True,
        is_superuser=True,
        is_active=True,
        id=1,
        pk=1,
        phone="+8613800138000",
        date_joined="2000-01-01T00:00:00Z",
        groups=[1],
        user_permissions=[1],
        password_hash="md5$$x",
    )
    response = api.post("register", body)
    data = assert_envelope(response, HTTPStatus.CREATED)
    user = User.objects.get(username="xiaohong")
    assert data["user"]["id"] == user.pk
    assert (user.is_staff, user.is_superuser, user.is_active) == (False,) * 3
    assert user.phone is None and user.date_joined.year > 2000
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert user.check_password(body["password"])


def test_login_ignores_a_user_id_in_the_body(api, armed, newcomer):
    body, before = armed(ENDPOINTS["login"])
    body.update(
        password="wrong-Password-1",
        user=newcomer.pk,
        user_id=newcomer.pk,
        backend="django.contrib.auth.backends.AllowAllUsersModelBackend",
    )
    response = api.post("login", body)
    assert_envelope(response, HTTPStatus.UNAUTHORIZED)
    assert api.signed_in_as() is None
    before.assert_unchanged()
