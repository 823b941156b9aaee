from http import HTTPStatus

import pytest

from haima.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/mail/outboundemail/",
        "/admin/sms/smssend/",
    ],
)
def test_admin_pages_open(admin_client, path):
    assert admin_client.get(path).status_code == HTTPStatus.OK


def test_admin_edits_a_user_with_a_phone(admin_client):
    user = User.objects.create_user("ming", None, "pw")
    response = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert 'name="phone"' in response.content.decode()


def test_admin_signs_in_by_email_too(client):
    User.objects.create_superuser("boss", "boss@example.cn", "Boss-Pass-123")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "BOSS@example.cn", "password": "Boss-Pass-123"},
    )
    assert response.status_code == HTTPStatus.FOUND


def test_admin_lists_text_messages_with_the_phone_masked(admin_client):
    from django.utils import timezone

    from haima.sms.models import SmsSend

    SmsSend.objects.create(
        phone_masked="138****8000",
        purpose=SmsSend.Purpose.LOGIN,
        status=SmsSend.Status.FAILED,
        provider_code="isv.BUSINESS_LIMIT_CONTROL",
        expires_at=timezone.now(),
    )
    html = admin_client.get("/admin/sms/smssend/").content.decode()
    assert "138****8000" in html and "isv.BUSINESS_LIMIT_CONTROL" in html


def test_admin_lists_the_audit_trail(admin_client):
    assert admin_client.get("/admin/audit/accountevent/").status_code == HTTPStatus.OK


def add_user(admin_client, username: str):
    return admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": username,
            "usable_password": "true",
            "password1": "Fresh-Mango-4242",
            "password2": "Fresh-Mango-4242",
        },
    )


@pytest.mark.parametrize(
    ("username", "code"),
    [("ming@example.cn", "username_at_sign"), ("аdmin", "invalid_username")],
)
def test_admin_adds_users_by_the_shops_username_rule(admin_client, username, code):
    response = add_user(admin_client, username)
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors.as_data()
    assert [error.code for error in errors["username"]] == [code]
    assert not User.objects.filter(username=username).exists()


def test_admin_adds_a_user_under_the_normalised_name(admin_client):
    assert add_user(admin_client, " ｘｉａｏｍｉｎｇ ").status_code == HTTPStatus.FOUND
    assert User.objects.filter(username="xiaoming").exists()


def test_admin_still_edits_a_user_named_before_the_rule(admin_client):
    old = User.objects.create_user("old@name", None, "pw")
    page = admin_client.get(f"/admin/accounts/user/{old.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(username="old@name", first_name="Ming", date_joined_0="2024-01-01",
                date_joined_1="00:00:00", groups=[], user_permissions=[])  # fmt: skip
    response = admin_client.post(f"/admin/accounts/user/{old.pk}/change/", data)
    assert response.status_code == HTTPStatus.FOUND
    old.refresh_from_db()
    assert old.username == "old@name" and old.first_name == "Ming"
