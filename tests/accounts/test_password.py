"""Password reset by emailed link and password change; both end other sessions."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client

from haima.accounts.models import User
from haima.accounts.tokens import password_reset_token_make
from haima.mail.models import OutboundEmail
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Kiwi-77"


def signed_in(password=STRONG_PASSWORD) -> Client:
    client = Client()
    response = client.post(
        "/api/v1/login",
        {"login": "xiaoming", "password": password},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/api/v1/me").status_code == HTTPStatus.OK


def reset_link(email: OutboundEmail) -> str:
    return next(w for w in email.text_body.split() if "/user/password/reset/" in w)


@pytest.mark.django_db(transaction=True)  # the look-up runs after commit
@pytest.mark.usefixtures("in_process")
class TestReset:
    def test_request_queues_a_link_for_an_active_account(self, api_client, user):
        response = api_client.post_json(
            "/api/v1/password/reset", {"email": "MING@example.cn"}
        )
        assert response.status_code == HTTPStatus.OK
        email = OutboundEmail.objects.get()
        assert email.to == "ming@example.cn"
        assert "/user/password/reset/" in reset_link(email)

    @pytest.mark.parametrize("active", [True, False])
    def test_same_answer_for_unknown_and_inactive(self, api_client, user, active):
        User.objects.filter(pk=user.pk).update(is_active=active)
        known = api_client.post_json("/api/v1/password/reset", {"email": user.email})
        unknown = api_client.post_json("/api/v1/password/reset", {"email": "no@x.cn"})
        assert known.json() == unknown.json()
        assert OutboundEmail.objects.count() == (1 if active else 0)

    def test_limited_per_address(self, api_client, user, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_email": "1/h"}
        api_client.post_json("/api/v1/password/reset", {"email": user.email})
        again = api_client.post_json("/api/v1/password/reset", {"email": user.email})
        assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS

    def test_confirm_sets_the_password_and_ends_other_sessions(self, api_client, user):
        elsewhere = signed_in()
        user.refresh_from_db()  # signing in changed last_login, part of the token
        token = password_reset_token_make(user)
        response = api_client.post_json(
            "/api/v1/password/reset/confirm", {"token": token, "password": NEW_PASSWORD}
        )
        assert response.status_code == HTTPStatus.OK
        assert not is_signed_in(elsewhere)
        assert is_signed_in(signed_in(NEW_PASSWORD))

    def test_a_used_link_is_invalid(self, api_client, user):
        token = password_reset_token_make(user)
        body = {"token": token, "password": NEW_PASSWORD}
        api_client.post_json("/api/v1/password/reset/confirm", body)
        again = api_client.post_json("/api/v1/password/reset/confirm", body)
        assert again.status_code == HTTPStatus.BAD_REQUEST
        assert again.json()["data"] == {"reason": "invalid"}

    def test_an_expired_link_is_invalid(self, api_client, user, settings, monkeypatch):
        token = password_reset_token_make(user)
        later = default_token_generator._now() + timedelta(
            seconds=settings.PASSWORD_RESET_TIMEOUT + 1
        )
        monkeypatch.setattr(default_token_generator, "_now", lambda: later)
        response = api_client.post_json(
            "/api/v1/password/reset/confirm", {"token": token, "password": NEW_PASSWORD}
        )
        assert response.json()["data"] == {"reason": "invalid"}

    @pytest.mark.parametrize(
        "token", ["", "x", "MQ.x-y", "!!.abc", "\x00.\x00", "9" * 500 + ".a"]
    )
    def test_garbage_tokens_are_invalid(self, api_client, user, token):
        response = api_client.post_json(
            "/api/v1/password/reset/confirm", {"token": token, "password": NEW_PASSWORD}
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST

    def test_a_weak_new_password_is_refused(self, api_client, user):
        token = password_reset_token_make(user)
        response = api_client.post_json(
            "/api/v1/password/reset/confirm", {"token": token, "password": "12345678"}
        )
        assert list(response.json()["data"]["errors"]) == ["password"]
        assert signed_in()  # unchanged

    def test_the_pages(self, client, user):
        form = client.get("/user/password/reset/").content.decode()
        assert "忘记密码？" in form and "发送链接" in form
        client.post("/user/password/reset/", {"email": user.email})
        link = reset_link(OutboundEmail.objects.get())
        path = link.split("127.0.0.1:8000", 1)[1]
        assert "xiaoming" in client.get(path).content.decode()
        response = client.post(
            path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
        )
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == "/user/login/"
        assert "重设密码链接无效" in client.get(path).content.decode()


class TestChange:
    def test_change_keeps_this_session_and_ends_the_others(self, user):
        here, elsewhere = signed_in(), signed_in()
        token = here.get("/api/v1/csrf").json()["data"]["csrf_token"]
        response = here.post(
            "/api/v1/password/change",
            {"old_password": STRONG_PASSWORD, "password": NEW_PASSWORD},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        assert response.status_code == HTTPStatus.OK
        assert is_signed_in(here)
        assert not is_signed_in(elsewhere)

    def test_wrong_old_password(self, user):
        client = signed_in()
        response = client.post(
            "/api/v1/password/change",
            {"old_password": "nope", "password": NEW_PASSWORD},
            content_type="application/json",
        )
        assert list(response.json()["data"]["errors"]) == ["old_password"]

    def test_needs_sign_in(self, api_client):
        response = api_client.post_json(
            "/api/v1/password/change", {"old_password": "a", "password": "b"}
        )
        assert response.status_code == HTTPStatus.UNAUTHORIZED

    def test_the_page(self, client, user):
        assert client.get("/user/password/change/")["Location"].startswith(
            "/user/login/?next=/user/password/change/"
        )
        client.force_login(user)
        response = client.post(
            "/user/password/change/",
            {
                "old_password": STRONG_PASSWORD,
                "password": "short",
                "password_confirm": "short",
            },
        )
        assert "密码" in response.content.decode()
        response = client.post(
            "/user/password/change/",
            {
                "old_password": STRONG_PASSWORD,
                "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD,
            },
        )
        assert response.status_code == HTTPStatus.FOUND
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
