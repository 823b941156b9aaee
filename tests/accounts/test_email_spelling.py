"""One spelling per mailbox: stored, compared and looked up alike (issue 9)."""

import importlib
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.forms import modelform_factory
from django.utils import translation

from haima.accounts.checks import emails_not_in_one_spelling
from haima.accounts.models import User
from haima.core.text import normalize_email
from haima.mail.models import OutboundEmail
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

INVISIBLE = (
    "Remove the invisible or control characters (such as zero-width spaces or "
    "line breaks) from this field."
)
IDN = "ming@例子.中国"
IDN_STORED = "ming@xn--fsqu00a.xn--fiqs8s"


def register(api_client, registration, **fields):
    return api_client.post_json(
        "/api/v1/register", registration(**fields), HTTP_ACCEPT_LANGUAGE="en"
    )


def errors_of(response) -> dict:
    assert response.status_code == HTTPStatus.BAD_REQUEST
    return response.json()["data"]["errors"]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("alice@ｅｘａｍｐｌｅ.com", "alice@example.com"),
        ("ａｌｉｃｅ@Example.COM", "alice@example.com"),
        ("alice@example。com", "alice@example.com"),
        ("Alice@例子.中国", "Alice@xn--fsqu00a.xn--fiqs8s"),
        ("alice@例子.ＣＮ", "alice@xn--fsqu00a.cn"),
        ("alice@faß.de", "alice@xn--fa-hia.de"),  # IDNA 2008: not fass.de
    ],
)
def test_the_one_spelling(raw, stored):
    assert normalize_email(raw) == stored


@pytest.mark.parametrize(
    "taken_as", ["alice@example.com", "ALICE@EXAMPLE.COM", "alice@ｅｘａｍｐｌｅ.com"]
)
@pytest.mark.parametrize(
    "typed",
    ["alice@ｅｘａｍｐｌｅ.com", "alice@ＥＸＡＭＰＬＥ.com", "alice@example.com"],
)
def test_a_full_width_domain_is_the_address_already_taken(
    api_client, registration, taken_as, typed
):
    user_create("alice", taken_as)
    response = register(api_client, registration, email=typed)
    assert errors_of(response) == {"email": ["A user with that email already exists."]}


@pytest.mark.parametrize(
    "email",
    [
        "alice@exam\u200dple.com",  # zero-width joiner
        "alice@exam\u200bple.com",  # zero-width space
        "alice@exam\u200cple.com",  # zero-width non-joiner
        "alice@exam\u2060ple.com",  # word joiner
        "alice@\ufeffexample.com",  # byte order mark
        "alice@exam\u202eple.com",  # right-to-left override
        "ali\u00adce@example.com",  # soft hyphen
        '"a\x1bb"@example.com',  # ESC in a quoted local part
        '"a\x01b"@example.com',
        '"a\x7fb"@example.com',
    ],
)
def test_invisible_and_control_characters_are_a_field_error(
    api_client, registration, email
):
    user_create("alice", "alice@example.com")
    response = register(api_client, registration, email=email)
    assert errors_of(response) == {"email": [INVISIBLE]}
    assert User.objects.count() == 1


def test_an_idn_address_is_stored_with_its_ascii_domain(api_client, registration):
    response = register(api_client, registration, email=IDN)
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["data"]["user"]["email"] == IDN_STORED
    assert OutboundEmail.objects.get().to == IDN_STORED
    again = register(
        api_client, registration, username="other", email="MING@XN--FSQU00A.xn--fiqs8s"
    )
    assert list(errors_of(again)) == ["email"]


def test_the_length_limit_counts_the_stored_spelling(api_client, registration):
    domain = ".".join(["海马生鲜水果蔬菜海鲜肉类"] * 5) + ".中国"
    email = "m" * 64 + "@" + domain
    assert len(email) < 254 < len(normalize_email(email))
    assert list(errors_of(register(api_client, registration, email=email))) == ["email"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "login", [IDN, "ming@例子。中国", "MING@XN--FSQU00A.XN--FIQS8S"]
)
def test_sign_in_with_any_spelling_of_the_address(api_client, login):
    user = user_create("xiaoming", IDN)
    assert user.email == IDN_STORED
    response = api_client.post_json(
        "/api/v1/login", {"login": login, "password": STRONG_PASSWORD}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"]["user"]["id"] == user.pk


@pytest.mark.django_db(transaction=True)  # the look-up runs after commit
@pytest.mark.usefixtures("in_process")
@pytest.mark.parametrize(
    ("path", "active"),
    [("/api/v1/password/reset", True), ("/api/v1/activation/resend", False)],
)
@pytest.mark.parametrize("typed", ["ming@ｅｘａｍｐｌｅ.cn", "ming@例子.中国"])
def test_reset_and_resend_find_the_account_by_any_spelling(
    api_client, path, active, typed
):
    stored = "ming@example.cn" if "ｅ" in typed else IDN
    user_create("xiaoming", stored, is_active=active)
    response = api_client.post_json(path, {"email": typed})
    assert response.status_code == HTTPStatus.OK
    assert OutboundEmail.objects.get().to == normalize_email(stored)


@pytest.mark.parametrize(
    "path", ["/api/v1/password/reset", "/api/v1/activation/resend"]
)
def test_reset_and_resend_refuse_invisible_characters(api_client, path):
    response = api_client.post_json(
        path, {"email": "ming@exam\u200dple.cn"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert errors_of(response) == {"email": [INVISIBLE]}


class TestAdminForms:
    """The admin's user forms are ModelForms: the model cleans the address."""

    form_class = staticmethod(modelform_factory(User, fields=["username", "email"]))

    def test_an_address_is_saved_in_its_one_spelling(self):
        form = self.form_class(
            {"username": "alice", "email": "alice@ｅｘａｍｐｌｅ.com"}
        )
        assert form.is_valid(), form.errors
        assert form.save().email == "alice@example.com"

    def test_another_spelling_of_a_taken_address_is_refused(self):
        user_create("alice", "alice@example.com")
        form = self.form_class({"username": "bob", "email": "ALICE@ｅｘａｍｐｌｅ.com"})
        # The case-insensitive constraint is on an expression: Django reports
        # its violation under no single field.
        with translation.override("en"):
            assert form.non_field_errors() == ["A user with that email already exists."]

    def test_invisible_characters_are_an_email_error(self):
        form = self.form_class({"username": "bob", "email": "bob@exam\u200dple.com"})
        with translation.override("en"):
            assert form.errors == {"email": [INVISIBLE]}

    def test_create_user_stores_the_one_spelling(self):
        assert user_create("bob", "bob@例子.中国").email == "bob@xn--fsqu00a.xn--fiqs8s"


class TestAddressesStoredBefore:
    """The migration to one spelling, and the check for what it leaves."""

    migration = importlib.import_module(
        "haima.accounts.migrations.0002_email_one_spelling"
    )

    def migrate(self):
        editor = SimpleNamespace(connection=connection)  # all RunPython reads
        self.migration.emails_to_one_spelling(apps, editor)

    def stored(self, username: str, email: str) -> User:
        user = user_create(username, None)
        User.objects.filter(pk=user.pk).update(email=email)  # as before the rule
        return user

    def test_old_spellings_are_converted_and_the_rest_reported(self):
        converted = self.stored("a", "ming@例子.中国")
        kept = self.stored("b", "wang@ｅｘａｍｐｌｅ.cn")
        user_create("c", "wang@example.cn")  # the same mailbox as b's
        invisible = self.stored("d", "hong@exam\u200dple.cn")
        assert emails_not_in_one_spelling(databases=["default"])[0].msg.startswith(
            "3 account(s)"
        )
        self.migrate()
        emails = dict(User.objects.values_list("pk", "email"))
        assert emails[converted.pk] == "ming@xn--fsqu00a.xn--fiqs8s"
        assert emails[kept.pk] == "wang@ｅｘａｍｐｌｅ.cn"
        assert emails[invisible.pk] == "hong@exam\u200dple.cn"
        [warning] = emails_not_in_one_spelling(databases=["default"])
        assert warning.id == "haima.accounts.W002"
        assert warning.msg.startswith("2 account(s)")
