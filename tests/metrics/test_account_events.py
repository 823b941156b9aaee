"""haima_account_events_total counts what the audit trail records."""

from http import HTTPStatus

import pytest

from haima.audit.models import AccountEvent
from haima.audit.services import event_recorded
from haima.metrics.metrics import event_labels
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

EVENTS = "haima_account_events_total"


def log_in(api_client, password: str):
    return api_client.post_json(
        "/api/v1/login", {"login": "xiaoming", "password": password}
    )


def test_a_failed_and_a_good_password_are_counted(api_client, user, scrape):
    failed = {"kind": "login_failed", "code": "wrong_credentials"}
    succeeded = {"kind": "login_succeeded", "code": "password"}
    before = scrape()

    assert log_in(api_client, "wrong-password").status_code == HTTPStatus.UNAUTHORIZED
    middle = scrape()
    assert middle.value(EVENTS, **failed) == before.value(EVENTS, **failed) + 1
    assert middle.value(EVENTS, **succeeded) == before.value(EVENTS, **succeeded)

    assert log_in(api_client, STRONG_PASSWORD).status_code == HTTPStatus.OK
    after = scrape()
    assert after.value(EVENTS, **failed) == middle.value(EVENTS, **failed)
    assert after.value(EVENTS, **succeeded) == middle.value(EVENTS, **succeeded) + 1
    # Each counted event is also in the trail.
    assert AccountEvent.objects.filter(**failed).count() == 1
    assert AccountEvent.objects.filter(**succeeded).count() == 1


def test_labels_stay_few_whatever_is_recorded(scrape):
    sent = [
        ("made_up_kind", "wrong_credentials"),
        ("sms_failed", "isv.BUSINESS_LIMIT_CONTROL"),  # Aliyun's, kept
        ("sms_failed", "has spaces, commas and 电话"),
        ("sms_failed", "x" * 33),
        ("logout", ""),
    ]
    before = scrape()
    for kind, code in sent:
        event_recorded.send(sender=AccountEvent, kind=kind, code=code)
    after = scrape()

    def added(**labels) -> float:
        return after.value(EVENTS, **labels) - before.value(EVENTS, **labels)

    assert added(kind="other", code="wrong_credentials") == 1
    assert added(kind="sms_failed", code="isv.BUSINESS_LIMIT_CONTROL") == 1
    assert added(kind="sms_failed", code="other") == 2
    assert added(kind="logout", code="") == 1
    assert "电话" not in after.text
    assert "x" * 33 not in after.text


@pytest.mark.parametrize(
    ("kind", "code", "labels"),
    [
        ("login_failed", "signin_ip", ("login_failed", "signin_ip")),
        ("login_failed", "x" * 32, ("login_failed", "x" * 32)),
        ("login_failed", "a/b", ("login_failed", "other")),
        ("LOGIN_FAILED", "", ("other", "")),
    ],
)
def test_event_labels(kind, code, labels):
    assert event_labels(kind, code) == labels
