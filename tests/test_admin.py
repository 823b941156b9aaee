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
