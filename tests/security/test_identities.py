"""Names and addresses that look like somebody else's: homoglyphs, full width,
bidi overrides, invisible characters, display names, header injection."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from haima.mail.models import OutboundEmail
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

from .conftest import assert_envelope

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def admin(db):
    return user_create("admin", "alice@example.com", is_staff=True)


def register(api, registration, **fields):
    return api.post("register", registration(**fields))


# --- Usernames ---------------------------------------------------------------

LOOKALIKE_USERNAMES = [
    pytest.param("аdmin", id="Cyrillic a"),
    pytest.param("ΑDMIN", id="Greek Alpha"),
    pytest.param("admіn", id="Ukrainian i"),
    pytest.param("\u202enimda", id="RTL override"),
    pytest.param("admin\u202c", id="bidi pop"),
    pytest.param("ad\u200bmin", id="zero-width space"),
    pytest.param("ad\u200dmin", id="zero-width joiner"),
    pytest.param("\ufeffadmin", id="BOM"),
    pytest.param("admin\u2060", id="word joiner"),
    pytest.param("admin\u00ad", id="soft hyphen"),
    pytest.param("admin\u3000x", id="ideographic space"),
    pytest.param("ad min", id="space"),
    pytest.param("ming@example.cn", id="an email address"),
    pytest.param("admin@", id="at sign"),
    pytest.param("㍿" * 38, id="152 characters after NFKC"),
    pytest.param("a" * 151, id="151 characters"),
]


@pytest.mark.parametrize("username", LOOKALIKE_USERNAMES)
def test_a_username_that_could_pass_for_another_is_refused(
    api, registration, admin, snapshot, username
):
    before = snapshot()
    response = register(api, registration, username=username)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["username"])
    before.assert_unchanged(captchas=False)


TAKEN_SPELLINGS = [
    pytest.param("ａｄｍｉｎ", id="full width"),
    pytest.param("ADMIN", id="upper case"),
    pytest.param("Ａｄｍｉｎ", id="full width, mixed case"),
    pytest.param(" admin ", id="spaces around"),
]


@pytest.mark.parametrize("username", TAKEN_SPELLINGS)
def test_another_spelling_of_a_taken_username_is_taken(
    api, registration, admin, snapshot, username
):
    before = snapshot()
    response = register(api, registration, username=username)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["username"])
    before.assert_unchanged(captchas=False)


def test_a_full_width_username_is_stored_in_its_one_spelling(api, registration):
    response = register(api, registration, username="ｘｉａｏｈｏｎｇ")
    data = assert_envelope(response, HTTPStatus.CREATED)
    assert data["user"]["username"] == "xiaohong"
    assert User.objects.get().username == "xiaohong"


def test_a_username_of_150_characters_after_nfkc_is_accepted(api, registration):
    response = register(api, registration, username="㍿" * 37 + "ab")
    assert_envelope(response, HTTPStatus.CREATED)
    assert User.objects.get().username == "株式会社" * 37 + "ab"


# --- Email addresses ---------------------------------------------------------

BAD_ADDRESSES = [
    pytest.param("Ming <ming@example.cn>", id="display name"),
    pytest.param('"Ming" <ming@example.cn>', id="quoted display name"),
    pytest.param("a@b.cn\nBcc: c@d.cn", id="LF header injection"),
    pytest.param("a@b.cn\r\nBcc: c@d.cn", id="CRLF header injection"),
    pytest.param("a@b.cn%0ABcc:c@d.cn", id="encoded LF"),
    pytest.param("a@b.cn,c@d.cn", id="two addresses"),
    pytest.param("a@b.cn;c@d.cn", id="semicolon list"),
    pytest.param("ming\u200b@example.cn", id="zero-width space"),
    pytest.param("ming@exa\u200dmple.cn", id="zero-width joiner in domain"),
    pytest.param("\u202ening@example.cn", id="RTL override"),
    pytest.param("аlice@example.com", id="Cyrillic local part"),
    pytest.param('"a\\\nb"@example.cn', id="quoted local part with a newline"),
    pytest.param("alice@example.com.", id="trailing dot"),
    pytest.param("a" * 250 + "@b.cn", id="255 characters"),
]


@pytest.mark.parametrize("email", BAD_ADDRESSES)
def test_a_malformed_or_disguised_address_is_refused_at_registration(
    api, registration, admin, snapshot, email
):
    before = snapshot()
    response = register(api, registration, email=email)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["email"])
    before.assert_unchanged(captchas=False)


@pytest.mark.parametrize("path", ["password/reset", "activation/resend"])
@pytest.mark.parametrize("email", BAD_ADDRESSES[:12])
def test_a_malformed_or_disguised_address_gets_no_email(
    api, admin, snapshot, path, email
):
    User.objects.filter(pk=admin.pk).update(is_active=path == "password/reset")
    before = snapshot()
    response = api.post(path, {"email": email})
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["email"])
    before.assert_unchanged()


TAKEN_ADDRESSES = [
    pytest.param("alice@ｅｘａｍｐｌｅ.com", id="full-width domain"),
    pytest.param("ａｌｉｃｅ@example.com", id="full-width local part"),
    pytest.param("ALICE@EXAMPLE.COM", id="upper case"),
    pytest.param("alice@EXAMPLE.com", id="upper-case domain"),
    pytest.param("alice＠example.com", id="full-width at sign"),
]


@pytest.mark.parametrize("email", TAKEN_ADDRESSES)
def test_another_spelling_of_a_taken_address_is_taken(
    api, registration, admin, snapshot, email
):
    before = snapshot()
    response = register(api, registration, email=email)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["email"])
    before.assert_unchanged(captchas=False)


def test_a_full_width_domain_is_stored_as_ascii(api, registration):
    response = register(api, registration, email="alice@ｅｘａｍｐｌｅ.com")
    data = assert_envelope(response, HTTPStatus.CREATED)
    assert data["user"]["email"] == "alice@example.com"
    email = OutboundEmail.objects.get()
    assert email.to == "alice@example.com"


def test_a_lookalike_domain_is_stored_as_its_a_label(api, registration, admin):
    """``ехаmple.com`` in Cyrillic is another domain; stored in ASCII it can
    never be read as example.com by staff or a mail client."""
    response = register(api, registration, email="alice@ехаmple.com")
    data = assert_envelope(response, HTTPStatus.CREATED)
    stored = User.objects.get(username="xiaoming").email
    assert data["user"]["email"] == stored
    assert stored.isascii() and stored.startswith("alice@xn--")
    assert OutboundEmail.objects.get().to == stored


def test_a_reset_goes_to_the_stored_address_not_the_typed_one(api, user):
    response = api.post("password/reset", {"email": "MING@ｅｘａｍｐｌｅ.CN"})
    assert_envelope(response, HTTPStatus.OK, data=None)
    assert OutboundEmail.objects.get().to == user.email == "ming@example.cn"


# --- Signing in with another spelling ----------------------------------------


@pytest.mark.parametrize(
    "login",
    ["ｘｉａｏｍｉｎｇ", "XIAOMING", "MING@EXAMPLE.CN", "ming@ｅｘａｍｐｌｅ.cn"],
)
def test_one_account_by_any_of_its_spellings(api, user, login):
    response = api.post("login", {"login": login, "password": STRONG_PASSWORD})
    data = assert_envelope(response, HTTPStatus.OK)
    assert data["user"]["id"] == user.pk == api.signed_in_as()


@pytest.mark.parametrize(
    "login",
    [
        pytest.param("хiaoming", id="Cyrillic x"),
        pytest.param("xiaomіng", id="Ukr i"),
        pytest.param("ming@еxample.cn", id="Cyrillic e in the domain"),
    ],
)
def test_a_lookalike_login_is_nobody(api, user, snapshot, login):
    before = snapshot()
    response = api.post("login", {"login": login, "password": STRONG_PASSWORD})
    assert_envelope(response, HTTPStatus.UNAUTHORIZED, data=None)
    assert api.signed_in_as() is None
    before.assert_unchanged()


@pytest.mark.parametrize(
    "login",
    [
        pytest.param("xiao\u200bming", id="zero-width space"),
        pytest.param("\u202exiaoming", id="RTL override"),
        pytest.param("xiaoming\u200d", id="zero-width joiner"),
        pytest.param("xiaoming\x1b[2J", id="ESC"),
        pytest.param("xiaoming\nadmin", id="LF"),
    ],
)
def test_an_invisible_character_in_the_login_is_refused_and_not_counted(
    api, user, snapshot, login
):
    before = snapshot()
    for _ in range(4):  # more than the failures that ask for a captcha
        response = api.post("login", {"login": login, "password": STRONG_PASSWORD})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["login"])
    before.assert_unchanged()
    response = api.post("login", {"login": "xiaoming", "password": STRONG_PASSWORD})
    assert_envelope(response, HTTPStatus.OK)


@pytest.mark.parametrize(
    "username",
    [
        pytest.param("ad\u200bmin", id="zero-width space"),
        pytest.param("\u202enimda", id="RTL override"),
        pytest.param("аdmin", id="Cyrillic a"),
    ],
)
def test_the_registration_page_refuses_a_lookalike_username(
    client, captchas, snapshot, username
):
    key, answer = captchas.solved()
    before = snapshot()
    response = client.post(
        "/user/register/",
        {
            "username": username,
            "email": "hong@example.cn",
            "agree": "on",
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "captcha_0": key,
            "captcha_1": answer,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert 'class="field has-error"' in response.content.decode()
    before.assert_unchanged(captchas=False)


@pytest.mark.parametrize("login", ["xiao\u200bming", "\u202exiaoming", "хiaoming"])
def test_the_sign_in_page_does_not_take_a_lookalike_login(client, user, login):
    response = client.post(
        "/user/login/", {"login": login, "password": STRONG_PASSWORD}
    )
    assert response.status_code == HTTPStatus.OK
    assert client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED
