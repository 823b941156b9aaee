"""Activation links: signed, expiring, single use; GET never spends them."""

from http import HTTPStatus

import pytest
from django.core import signing

from haima.accounts.models import User
from haima.accounts.tokens import activation_token_make
from haima.core.ratelimit import ratelimit_clear
from haima.mail.models import OutboundEmail
from tests.factories import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return user_create(is_active=False)


@pytest.fixture
def token(user):
    return activation_token_make(user)


def activate(api_client, token):
    return api_client.post_json("/api/v1/activate", {"token": token})


def assert_refused(response, reason: str) -> None:
    body = response.json()
    assert response.status_code == body["code"] == HTTPStatus.BAD_REQUEST
    assert body["data"] == {"reason": reason}


def test_activate_by_api(api_client, user, token):
    response = activate(api_client, token)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"]["user"]["is_active"] is True
    user.refresh_from_db()
    assert user.is_active
    assert "_auth_user_id" not in api_client.session


def test_a_used_link_is_invalid(api_client, token):
    activate(api_client, token)
    assert_refused(activate(api_client, token), "invalid")


def test_a_used_link_says_the_account_is_active(api_client, token):
    activate(api_client, token)
    response = activate(api_client, token)
    assert_refused(response, "invalid")  # CONTRACT §3: the reason stays
    assert response.json()["message"] == "账户已激活，请直接登录。"


def test_a_used_link_is_plain_invalid_once_staff_deactivated(api_client, user, token):
    activate(api_client, token)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = activate(api_client, token)
    assert_refused(response, "invalid")
    assert response.json()["message"] != "账户已激活，请直接登录。"


def test_an_expired_link_says_so(api_client, token, monkeypatch, settings):
    later = signing.time.time() + settings.ACTIVATION_MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert_refused(activate(api_client, token), "expired")


def test_a_link_is_valid_until_it_expires(api_client, token, monkeypatch, settings):
    later = signing.time.time() + settings.ACTIVATION_MAX_AGE - 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert activate(api_client, token).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "x" + t,
        lambda t: "",
        lambda t: "\x00" * 30,
        lambda t: "a:b:c",
        lambda t: t * 50,
    ],
)
def test_a_tampered_link_is_invalid(api_client, token, tamper):
    assert_refused(activate(api_client, tamper(token)), "invalid")


def test_a_token_for_another_salt_is_invalid(api_client, user):
    forged = signing.dumps({"u": user.pk, "f": "0" * 20})
    assert_refused(activate(api_client, forged), "invalid")


def test_a_link_dies_when_the_email_changes(api_client, user, token):
    user.email = "new@example.cn"
    user.save()
    assert_refused(activate(api_client, token), "invalid")


def test_page_get_shows_the_account_and_does_not_activate(client, user, token):
    for url in (f"/user/active/{token}", f"/user/active/{token}/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert "xiaoming" in html and "ming@example.cn" in html
        assert "激活" in html
    user.refresh_from_db()
    assert not user.is_active


def test_page_post_activates_and_sends_to_login(client, user, token):
    response = client.post(f"/user/active/{token}")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/user/login/"
    user.refresh_from_db()
    assert user.is_active


def test_page_post_fills_the_username_in_on_the_login_page(client, user, token):
    response = client.post(f"/user/active/{token}", follow=True)
    html = response.content.decode()
    assert 'name="login" value="xiaoming"' in html
    assert "账户已激活" in html
    password = html[html.index('name="password"') - 200 : html.index("</form>")]
    assert "autofocus" in password
    # Filled in once: a later visit does not keep the name.
    assert 'value="xiaoming"' not in client.get("/user/login/").content.decode()


@pytest.mark.parametrize("expired", [False, True], ids=["fresh", "expired"])
def test_page_for_a_used_link_sends_to_login(
    client, token, monkeypatch, settings, expired
):
    client.post(f"/user/active/{token}")
    client.get("/user/login/")  # the first visit used the filled-in name
    if expired:
        later = signing.time.time() + settings.ACTIVATION_MAX_AGE + 1
        monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(f"/user/active/{token}", follow=True)
    assert response.redirect_chain == [("/user/login/", HTTPStatus.FOUND)]
    html = response.content.decode()
    assert "账户已激活，请直接登录。" in html
    assert 'name="login" value="xiaoming"' in html


def test_page_says_expired_and_offers_a_resend(client, token, monkeypatch, settings):
    later = signing.time.time() + settings.ACTIVATION_MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(f"/user/active/{token}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "激活链接已过期" in html
    assert 'action="/user/activation/resend/"' in html


def test_page_says_invalid(client):
    response = client.get("/user/active/not-a-token")
    assert "激活链接无效" in response.content.decode()


def cooldown_ends(email: str) -> None:
    """The clock moves past the address's minute between two links."""
    ratelimit_clear({"activation_resend_cooldown": email.lower()})


@pytest.mark.django_db(transaction=True)  # the look-up runs after commit
@pytest.mark.usefixtures("in_process")
class TestResend:
    def test_inactive_address_gets_a_new_link(self, api_client, user):
        response = api_client.post_json(
            "/api/v1/activation/resend", {"email": "MING@example.cn"}
        )
        assert response.status_code == HTTPStatus.OK
        assert OutboundEmail.objects.get().to == "ming@example.cn"

    @pytest.mark.parametrize("email", ["nobody@example.cn", "ming@example.cn"])
    def test_same_answer_whether_or_not_the_address_is_known(
        self, api_client, user, email
    ):
        reference = api_client.post_json(
            "/api/v1/activation/resend", {"email": "someone@example.cn"}
        ).json()
        assert (
            api_client.post_json("/api/v1/activation/resend", {"email": email}).json()
            == reference
        )

    def test_active_accounts_get_nothing(self, api_client, user):
        User.objects.filter(pk=user.pk).update(is_active=True)
        api_client.post_json("/api/v1/activation/resend", {"email": user.email})
        assert not OutboundEmail.objects.exists()

    def test_limited_per_address(self, api_client, user, settings):
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "activation_resend_email": "2/h",
        }
        for _ in range(2):
            api_client.post_json("/api/v1/activation/resend", {"email": user.email})
            cooldown_ends(user.email)
        response = api_client.post_json(
            "/api/v1/activation/resend", {"email": user.email.upper()}
        )
        body = response.json()
        assert response.status_code == body["code"] == HTTPStatus.TOO_MANY_REQUESTS
        assert 0 < int(response["Retry-After"]) == body["data"]["retry_after"] <= 3600
        assert OutboundEmail.objects.count() == 2

    def test_one_link_a_minute_for_an_address(self, api_client, user):
        api_client.post_json("/api/v1/activation/resend", {"email": user.email})
        again = api_client.post_json(
            "/api/v1/activation/resend", {"email": user.email.upper()}
        )
        assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert 0 < again.json()["data"]["retry_after"] <= 60
        cooldown_ends(user.email)
        after = api_client.post_json("/api/v1/activation/resend", {"email": user.email})
        assert after.status_code == HTTPStatus.OK
        assert OutboundEmail.objects.count() == 2

    def test_limited_per_ip_for_unknown_addresses_too(self, api_client, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "activation_resend_ip": "3/h"}
        statuses = [
            api_client.post_json(
                "/api/v1/activation/resend", {"email": f"n{n}@x.cn"}
            ).status_code
            for n in range(4)
        ]
        assert statuses == [200, 200, 200, 429]

    def test_page_answers_the_same_and_is_limited(self, client, user, settings):
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "activation_resend_email": "1/h",
        }
        url = "/user/activation/resend/"
        first = client.post(url, {"email": user.email}, follow=True)
        assert "新的激活链接已经发出" in first.content.decode()
        second = client.post(url, {"email": user.email})
        assert "尝试次数过多" in second.content.decode()
        assert OutboundEmail.objects.count() == 1

    def test_malformed_email_is_a_field_error(self, api_client):
        response = api_client.post_json("/api/v1/activation/resend", {"email": "nope"})
        assert list(response.json()["data"]["errors"]) == ["email"]
