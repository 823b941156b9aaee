"""The 账户中心's overview and profile: masked facts, the sections' links, and
the username change (sign-up rules, any case taken, once in 30 days)."""

from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from haima.accounts.models import User
from haima.audit.models import AccountEvent
from haima.centre.services.profile import USERNAME_CHANGE_DAYS
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD
from tests.sms.conftest import envelope_data

pytestmark = pytest.mark.django_db

OVERVIEW = "/user/account/"
USERNAME_PAGE = "/user/account/username/"
ACCOUNT_API = reverse("api:account")  # /api/v1/account/
USERNAME_API = "/api/v1/account/username"
PHONE = "+8613800138000"
TAKEN = "A user with that username already exists."


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def username_errors(response) -> list[str]:
    return envelope_data(response, HTTPStatus.BAD_REQUEST)["errors"]["username"]


def same_time(iso: str, when) -> bool:
    """An API time (ISO 8601, to the millisecond) is ``when``."""
    parsed = datetime.fromisoformat(iso)
    return abs(parsed - when) < timedelta(milliseconds=1)


def changed_days_ago(user: User, days: float) -> None:
    """Move the clock: the last change was ``days`` ago."""
    user.username_changed_at = timezone.now() - timedelta(days=days)
    user.save(update_fields=["username_changed_at"])


# --- The overview ---


def test_the_overview_shows_the_profile_masked(client):
    user = user_create(phone=PHONE)
    client.force_login(user)
    user.refresh_from_db()
    page = client.get(OVERVIEW)
    assert page.status_code == HTTPStatus.OK
    assert page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert "<h1>Account centre</h1>" in html
    assert "xiaoming" in html
    assert "m***@example.cn" in html and "ming@example.cn" not in html
    assert "138****8000" in html and "13800138000" not in html
    local = timezone.localtime(user.date_joined)
    assert local.strftime("%Y-%m-%d") in html
    assert timezone.localtime(user.last_login).strftime("%Y-%m-%d %H:%M") in html
    for link in (
        'href="/user/account/email/"',
        'href="/user/account/phone/"',
        'href="/user/account/sessions/"',
        'href="/user/password/change/"',
        'href="/user/account/export/"',
        'href="/user/account/cancel/"',
        'href="/user/account/username/"',
    ):
        assert link in html, link
    assert 'href="/user/account/" aria-current="page"' in html


def test_the_overview_says_what_is_missing(client):
    user = User.objects.create_user("13800138000", None, None, phone=PHONE)
    client.force_login(user)
    html = client.get(OVERVIEW).content.decode()
    assert "Not set" in html and "Not bound" not in html


def test_the_header_links_to_the_account_centre_when_signed_in(client):
    assert 'href="/user/account/"' not in client.get("/").content.decode()
    client.force_login(user_create())
    assert 'href="/user/account/"' in client.get("/").content.decode()


def test_signed_out_the_centre_asks_to_sign_in(client):
    for path in (OVERVIEW, USERNAME_PAGE):
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == f"/user/login/?next={path}"


def test_the_api_gives_the_profile(api_client):
    user = user_create(phone=PHONE)
    api_client.force_login(user)
    user.refresh_from_db()
    data = envelope_data(api_client.get(ACCOUNT_API), HTTPStatus.OK)
    assert data == {
        "profile": {
            "username": "xiaoming",
            "email": "m***@example.cn",
            "phone": "138****8000",
            "date_joined": data["profile"]["date_joined"],
            "last_login": data["profile"]["last_login"],
            "has_password": True,
            "username_next_change_at": None,
        },
        "reauth_until": None,
    }
    assert same_time(data["profile"]["date_joined"], user.date_joined)
    assert same_time(data["profile"]["last_login"], user.last_login)


# --- The username: the page ---


def test_the_page_changes_the_username_once_in_30_days(client):
    user = user_create()
    client.force_login(user)
    page = client.get(USERNAME_PAGE)
    assert "You can change it once in 30 days." in page.content.decode()

    response = client.post(USERNAME_PAGE, {"username": "xiaohong"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == OVERVIEW
    overview = client.get(OVERVIEW).content.decode()
    assert "Your username is now xiaohong." in overview
    user.refresh_from_db()
    assert user.username == "xiaohong"
    assert user.username_changed_at is not None

    # Inside the 30 days the page says from when, and offers no form.
    page = client.get(USERNAME_PAGE).content.decode()
    next_at = timezone.localtime(
        user.username_changed_at + timedelta(days=USERNAME_CHANGE_DAYS)
    )
    assert f"possible from {next_at:%Y-%m-%d %H:%M}" in page
    assert 'name="username"' not in page
    refused = client.post(USERNAME_PAGE, {"username": "xiaogang"})
    assert refused.status_code == HTTPStatus.OK
    assert "possible from" in refused.content.decode()
    assert User.objects.get(pk=user.pk).username == "xiaohong"


def test_the_page_shows_the_rules(client):
    client.force_login(user_create())
    page = client.post(USERNAME_PAGE, {"username": "ming@example.cn"})
    assert page.status_code == HTTPStatus.OK
    assert "A username cannot contain @" in page.content.decode()


# --- The username: the rules, through the API ---


def test_the_api_changes_the_username(api_client):
    user = user_create()
    api_client.force_login(user)
    response = api_client.post_json(USERNAME_API, {"username": "  ｘｉａｏｈｏｎｇ "})
    data = envelope_data(response, HTTPStatus.OK)
    assert response.json()["message"] == "Your username is now xiaohong."
    profile = data["profile"]
    assert profile["username"] == "xiaohong"  # NFKC, trimmed
    user.refresh_from_db()
    assert user.username == "xiaohong"
    assert same_time(
        profile["username_next_change_at"],
        user.username_changed_at + timedelta(days=USERNAME_CHANGE_DAYS),
    )
    event = AccountEvent.objects.get(kind="username_changed", user=user)
    assert event.subject == "x***g"  # the old name, masked

    # The new name signs in; the old one no longer does.
    api_client.post_json("/api/v1/logout")
    wrong = api_client.post_json(
        "/api/v1/login", {"login": "xiaoming", "password": STRONG_PASSWORD}
    )
    assert wrong.status_code == HTTPStatus.UNAUTHORIZED
    right = api_client.post_json(
        "/api/v1/login", {"login": "XiaoHong", "password": STRONG_PASSWORD}
    )
    assert right.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "Please enter a username."),
        ("ming@example.cn", "A username cannot contain @"),
        ("аdmin", "Use only letters, digits, Chinese characters"),  # Cyrillic а
        ("bad name", "Use only letters, digits, Chinese characters"),
        ("x" * 151, "Ensure this value has at most 150 characters"),
        ("ming\u200b", "invisible"),
        ("xiaoming", "That is your username already."),
    ],
)
def test_the_sign_up_rules_apply(api_client, username, message):
    user = user_create()
    api_client.force_login(user)
    [error] = username_errors(
        api_client.post_json(USERNAME_API, {"username": username})
    )
    assert message.lower() in error.lower()
    user.refresh_from_db()
    assert user.username == "xiaoming" and user.username_changed_at is None


def test_a_taken_name_is_taken_in_any_case(api_client):
    user_create("XiaoHong", "hong@example.cn")
    api_client.force_login(user_create())
    assert username_errors(
        api_client.post_json(USERNAME_API, {"username": "xiaohong"})
    ) == [TAKEN]


def test_changing_only_the_case_of_ones_own_name_is_allowed(api_client):
    api_client.force_login(user_create())
    data = envelope_data(
        api_client.post_json(USERNAME_API, {"username": "XiaoMing"}), HTTPStatus.OK
    )
    assert data["profile"]["username"] == "XiaoMing"


def test_once_in_30_days(api_client):
    user = user_create()
    api_client.force_login(user)
    changed_days_ago(user, USERNAME_CHANGE_DAYS - 1)
    [error] = username_errors(
        api_client.post_json(USERNAME_API, {"username": "xiaohong"})
    )
    next_at = timezone.localtime(
        user.username_changed_at + timedelta(days=USERNAME_CHANGE_DAYS)
    )
    assert error == (
        "You can change your username once in 30 days; the next change is "
        f"possible from {next_at:%Y-%m-%d %H:%M}."
    )
    profile = envelope_data(api_client.get(ACCOUNT_API), HTTPStatus.OK)["profile"]
    assert profile["username_next_change_at"] is not None

    changed_days_ago(user, USERNAME_CHANGE_DAYS + 0.01)
    profile = envelope_data(api_client.get(ACCOUNT_API), HTTPStatus.OK)["profile"]
    assert profile["username_next_change_at"] is None
    envelope_data(
        api_client.post_json(USERNAME_API, {"username": "xiaohong"}), HTTPStatus.OK
    )


def test_the_username_api_needs_a_session(api_client):
    response = api_client.post_json(USERNAME_API, {"username": "xiaohong"})
    envelope_data(response, HTTPStatus.UNAUTHORIZED)
