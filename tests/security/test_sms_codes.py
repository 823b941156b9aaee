"""SMS codes guessed and reused, in turn and in parallel against a live server."""

from http import HTTPStatus

import pytest

from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.sms.conftest import cooldown_ends

from .conftest import (
    NATIONAL,
    OTHER_NATIONAL,
    OTHER_PHONE,
    PHONE,
    assert_envelope,
    assert_refused_rate,
    sms_body,
    wrong_code,
)

UNKNOWN_KEY = "0123456789abcdef0123456789abcdef01234567"


# --- SMS codes ---------------------------------------------------------------


@pytest.mark.django_db
class TestCodes:
    def test_five_wrong_codes_spend_the_right_one(self, api, sent_code, snapshot):
        code = sent_code()
        before = snapshot()
        for n in range(1, 6):
            response = api.post(
                "sms/login", {"phone": NATIONAL, "code": wrong_code(code, n)}
            )
            assert_envelope(
                response, HTTPStatus.BAD_REQUEST, reason="invalid", fields=["code"]
            )
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="spent", fields=["code"]
        )
        assert api.signed_in_as() is None
        before.assert_unchanged()

    def test_four_wrong_codes_leave_the_right_one_working(self, api, sent_code):
        """The control for the test above: the fifth try is the one that spends."""
        code = sent_code()
        for n in range(1, 5):
            api.post("sms/login", {"phone": NATIONAL, "code": wrong_code(code, n)})
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        data = assert_envelope(response, HTTPStatus.OK)
        assert data["created"] is True

    def test_five_wrong_codes_spend_a_binding_code(
        self, api, user, sent_code, snapshot
    ):
        api.client.force_login(user)
        code = sent_code(PHONE, "bind")
        before = snapshot()
        for n in range(1, 6):
            api.post("sms/bind", {"phone": NATIONAL, "code": wrong_code(code, n)})
        response = api.post("sms/bind", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="spent", fields=["code"]
        )
        before.assert_unchanged()

    def test_a_code_signs_in_once(self, api, sent_code, snapshot):
        code = sent_code()
        assert_envelope(
            api.post("sms/login", {"phone": NATIONAL, "code": code}), HTTPStatus.OK
        )
        assert_envelope(api.post("logout"), HTTPStatus.OK)
        before = snapshot()
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="expired", fields=["code"]
        )
        assert api.signed_in_as() is None
        before.assert_unchanged()

    def test_a_new_code_replaces_the_old_one(self, api, sent_code, snapshot):
        old = sent_code()
        cooldown_ends(PHONE)
        new = sent_code()
        before = snapshot()
        if old != new:
            response = api.post("sms/login", {"phone": NATIONAL, "code": old})
            assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["code"])
            before.assert_unchanged()
        response = api.post("sms/login", {"phone": NATIONAL, "code": new})
        assert_envelope(response, HTTPStatus.OK)

    @pytest.mark.parametrize(
        ("sent_for", "used_on"),
        [("login", "sms/bind"), ("bind", "sms/login")],
    )
    def test_a_code_for_one_purpose_does_nothing_on_the_other(
        self, api, user, sent_code, snapshot, sent_for, used_on
    ):
        api.client.force_login(user)
        code = sent_code(PHONE, sent_for)
        before = snapshot()
        response = api.post(used_on, {"phone": NATIONAL, "code": code})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["code"])
        before.assert_unchanged()
        assert api.signed_in_as() == user.pk

    def test_a_code_for_one_phone_does_nothing_on_another(
        self, api, sent_code, snapshot
    ):
        code = sent_code(OTHER_PHONE)
        before = snapshot()
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="expired", fields=["code"]
        )
        assert api.signed_in_as() is None
        before.assert_unchanged()

    @pytest.mark.parametrize("code", ["000000", "", "0", "1"])
    def test_a_phone_with_no_code_matches_nothing(self, api, snapshot, db, code):
        before = snapshot()
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["code"])
        assert api.signed_in_as() is None
        before.assert_unchanged()

    def test_binding_a_phone_of_another_account_says_not_whose(
        self, api, user, sent_code, snapshot
    ):
        owner = user_create("owner", "owner@example.cn", phone=OTHER_PHONE)
        api.client.force_login(user)
        code = sent_code(OTHER_PHONE, "bind")
        before = snapshot()
        response = api.post("sms/bind", {"phone": OTHER_NATIONAL, "code": code})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["phone"])
        text = response.content.decode()
        for secret in (owner.username, owner.email, str(owner.pk), "owner"):
            assert secret not in text
        before.assert_unchanged()

    def test_sending_a_binding_code_signed_out_is_a_401(
        self, api, captchas, sms_outbox, snapshot
    ):
        body = sms_body(captchas, purpose="bind")
        before = snapshot()
        response = api.post("sms/send", body)
        assert_envelope(response, HTTPStatus.UNAUTHORIZED, data=None)
        before.assert_unchanged()  # the captcha stays for a real attempt

    @pytest.mark.parametrize(
        "phone",
        [
            "+12025550123",
            "+85291234567",
            "010-12345678",
            "138001380001",
            "+86 138 0013 800O",
        ],
    )
    def test_no_code_goes_to_a_number_that_is_no_mainland_mobile(
        self, api, captchas, sms_outbox, snapshot, phone
    ):
        body = sms_body(captchas, phone=phone)
        before = snapshot()
        response = api.post("sms/send", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["phone"])
        before.assert_unchanged()  # refused before the captcha is spent

    @pytest.mark.parametrize("purpose", ["admin", "LOGIN", "login ", "reset", ""])
    def test_an_unknown_purpose_sends_nothing(
        self, api, captchas, sms_outbox, snapshot, purpose
    ):
        body = {**sms_body(captchas), "purpose": purpose}
        before = snapshot()
        response = api.post("sms/send", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["purpose"])
        before.assert_unchanged()

    def test_a_second_code_inside_the_cooldown_is_a_429(
        self, api, captchas, sms_outbox, snapshot
    ):
        assert_envelope(api.post("sms/send", sms_body(captchas)), HTTPStatus.OK)
        before = snapshot()
        body = sms_body(captchas, phone="+86 138 0013 8000")  # the same phone
        retry_after = assert_refused_rate(api.post("sms/send", body))
        assert retry_after <= 60
        before.assert_unchanged(spent=[body["captcha_key"]])
        assert SmsSend.objects.count() == 1
