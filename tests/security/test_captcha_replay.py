"""Captchas used twice, or not at all: replay, supply, and the login's captcha step."""

from http import HTTPStatus

import pytest

from tests.helpers import STRONG_PASSWORD

from .conftest import (
    OTHER_NATIONAL,
    WRONG_PASSWORD,
    assert_envelope,
    assert_refused_rate,
    sms_body,
)

UNKNOWN_KEY = "0123456789abcdef0123456789abcdef01234567"


# --- Captcha replay ----------------------------------------------------------


@pytest.mark.django_db
class TestCaptchaReplay:
    def test_a_captcha_spent_on_registration_does_not_register_again(
        self, api, registration, captchas, snapshot
    ):
        body = registration(username="xiaohong", email="hong@example.cn")
        assert_envelope(api.post("register", body), HTTPStatus.CREATED)
        assert not captchas.is_live(body["captcha_key"])
        before = snapshot()
        again = {**body, "username": "xiaohei", "email": "hei@example.cn"}
        response = api.post("register", again)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    def test_a_captcha_spent_on_a_code_sends_no_second_code(
        self, api, captchas, sms_outbox, snapshot
    ):
        body = sms_body(captchas)
        assert_envelope(api.post("sms/send", body), HTTPStatus.OK)
        before = snapshot()
        response = api.post("sms/send", {**body, "phone": OTHER_NATIONAL})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    def test_a_pre_checked_captcha_serves_one_action_only(
        self, api, captchas, registration, sms_outbox, snapshot
    ):
        key, answer = captchas.solved()
        check = {"key": key, "answer": answer}
        assert_envelope(
            api.post("captcha/check", check), HTTPStatus.OK, data={"valid": True}
        )
        assert_envelope(
            api.post("captcha/check", check), HTTPStatus.OK, data={"valid": True}
        )
        body = {**sms_body(captchas), "captcha_key": key, "captcha_answer": answer}
        assert_envelope(api.post("sms/send", body), HTTPStatus.OK)
        signup = registration(captcha_key=key, captcha_answer=answer)
        before = snapshot()
        for response in (
            api.post("sms/send", {**body, "phone": OTHER_NATIONAL}),
            api.post("register", signup),
            api.post("captcha/check", check),
        ):
            assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    def test_a_wrong_pre_check_spends_the_captcha(
        self, api, captchas, registration, snapshot
    ):
        key, answer = captchas.solved()
        response = api.post("captcha/check", {"key": key, "answer": answer + "x"})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        assert not captchas.is_live(key)
        body = registration(captcha_key=key, captcha_answer=answer)
        before = snapshot()
        response = api.post("register", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    @pytest.mark.parametrize("action", ["register", "sms/send", "captcha/check"])
    def test_one_wrong_answer_spends_it_for_good(
        self, api, captchas, registration, sms_outbox, snapshot, action
    ):
        key, answer = captchas.solved()
        bodies = {
            "register": lambda a: registration(captcha_key=key, captcha_answer=a),
            "sms/send": lambda a: {
                **sms_body(captchas),
                "captcha_key": key,
                "captcha_answer": a,
            },
            "captcha/check": lambda a: {"key": key, "answer": a},
        }
        before = snapshot()
        for attempt in ("zzzz", answer):
            response = api.post(action, bodies[action](attempt))
            assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        assert not captchas.is_live(key)
        before.assert_unchanged(captchas=False)

    @pytest.mark.parametrize(
        "key_kind", ["unknown", "expired", "upper case", "SQL", "path"]
    )
    @pytest.mark.parametrize("action", ["register", "sms/send", "captcha/check"])
    def test_a_key_that_is_not_live_is_refused(
        self, api, captchas, registration, sms_outbox, snapshot, action, key_kind
    ):
        key, answer = captchas.solved()
        if key_kind == "expired":
            captchas.expire(key)
        typed = {
            "unknown": UNKNOWN_KEY,
            "expired": key,
            "upper case": key.upper(),
            "SQL": "' OR '1'='1",
            "path": "../" + key,
        }[key_kind]
        bodies = {
            "register": registration(captcha_key=typed, captcha_answer=answer),
            "sms/send": {
                **sms_body(captchas),
                "captcha_key": typed,
                "captcha_answer": answer,
            },
            "captcha/check": {"key": typed, "answer": answer},
        }
        before = snapshot()
        response = api.post(action, bodies[action])
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged(captchas=False)

    @pytest.mark.parametrize("state", ["unknown", "expired", "spent"])
    def test_test_mode_passes_only_live_captchas(
        self, api, captchas, registration, settings, snapshot, state
    ):
        settings.HAIMA_CAPTCHA_TEST_MODE = True
        key = captchas.issue()
        if state == "unknown":
            key = UNKNOWN_KEY
        elif state == "expired":
            captchas.expire(key)
        else:
            api.post("captcha/check", {"key": key, "answer": "wrong"})
        body = registration(captcha_key=key, captcha_answer="PASSED")
        before = snapshot()
        response = api.post("register", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged(captchas=False)
        live = captchas.issue()
        body = registration(captcha_key=live, captcha_answer="PASSED")
        assert_envelope(api.post("register", body), HTTPStatus.CREATED)

    def test_passed_is_a_wrong_answer_outside_test_mode(
        self, api, captchas, registration, snapshot
    ):
        key = captchas.issue()
        body = registration(captcha_key=key, captcha_answer="PASSED")
        before = snapshot()
        response = api.post("register", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged(spent=[key])

    def test_a_spent_captchas_image_is_gone(self, client, captchas, api):
        key, answer = captchas.solved()
        assert client.get(f"/captcha/image/{key}/").status_code == HTTPStatus.OK
        api.post("captcha/check", {"key": key, "answer": answer + "x"})
        assert client.get(f"/captcha/image/{key}/").status_code == HTTPStatus.GONE


@pytest.mark.django_db
class TestCaptchaSupply:
    def test_refresh_wants_an_ajax_header(self, client, snapshot):
        before = snapshot()
        assert client.get("/captcha/refresh/").status_code == HTTPStatus.NOT_FOUND
        before.assert_unchanged()

    def test_refresh_is_get_only(self, client, snapshot):
        before = snapshot()
        response = client.post(
            "/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest"
        )
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
        before.assert_unchanged()

    def test_refresh_and_api_share_one_limit(self, api, settings, snapshot):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "captcha_ip": "3/m"}
        ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
        assert api.client.get("/captcha/refresh/", **ajax).status_code == 200
        assert_envelope(api.get("captcha"), HTTPStatus.OK)
        assert api.client.get("/captcha/refresh/", **ajax).status_code == 200
        before = snapshot()
        assert_refused_rate(api.get("captcha"))
        refused = api.client.get("/captcha/refresh/", **ajax)
        assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert int(refused["Retry-After"]) > 0
        before.assert_unchanged()


@pytest.mark.django_db
class TestCaptchaAtLogin:
    @pytest.fixture
    def captcha_due(self, api, user):
        for _ in range(3):
            response = api.post(
                "login", {"login": "xiaoming", "password": WRONG_PASSWORD}
            )
            assert_envelope(response, HTTPStatus.UNAUTHORIZED)
        return user

    @pytest.mark.parametrize("captcha", ["missing", "wrong", "spent", "unknown"])
    def test_the_right_password_without_a_live_captcha_does_not_sign_in(
        self, api, captchas, captcha_due, snapshot, captcha
    ):
        key, answer = captchas.solved()
        if captcha == "spent":
            api.post("captcha/check", {"key": key, "answer": "no"})
        extra = {
            "missing": {},
            "wrong": {"captcha_key": key, "captcha_answer": "no"},
            "spent": {"captcha_key": key, "captcha_answer": answer},
            "unknown": {"captcha_key": UNKNOWN_KEY, "captcha_answer": answer},
        }[captcha]
        before = snapshot()
        body = {"login": "xiaoming", "password": STRONG_PASSWORD, **extra}
        response = api.post("login", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, reason="captcha_required")
        assert api.signed_in_as() is None
        before.assert_unchanged(captchas=False)

    def test_one_solved_captcha_lets_one_attempt_through(
        self, api, captchas, captcha_due
    ):
        key, answer = captchas.solved()
        body = {
            "login": "xiaoming",
            "password": WRONG_PASSWORD,
            "captcha_key": key,
            "captcha_answer": answer,
        }
        assert_envelope(api.post("login", body), HTTPStatus.UNAUTHORIZED)
        replay = {**body, "password": STRONG_PASSWORD}
        response = api.post("login", replay)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, reason="captcha_required")
        assert api.signed_in_as() is None
