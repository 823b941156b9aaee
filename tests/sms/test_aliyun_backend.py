"""The aliyun SMS backend, through the real SDK, against a local Dysmsapi."""

import hashlib
import os
import re
import subprocess
import sys
import time
import traceback

import pytest

from haima.sms import SmsMessage, SmsRefused, SmsUnavailable
from haima.sms.backends.aliyun import SmsBackend, national_number, split_endpoint
from tests.helpers import free_port

from .conftest import ACCESS_KEY_ID, ACCESS_KEY_SECRET, SIGN_NAME, TEMPLATE_CODE
from .dysmsapi_server import Answer, acs3_signature

PHONE = "+8613800138000"
NATIONAL = "13800138000"
CODE = "123456"
MESSAGE = SmsMessage(phone=PHONE, code=CODE, purpose="register")
BUSINESS_ERRORS = [
    ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"),
    ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
    ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"),
]


@pytest.fixture
def _empty_caches():
    """Overrides tests/conftest.py's: these tests use no cache, and no database.

    An embedded run keeps its caches in the test database, which pytest-django
    sets up only for tests that ask for one: clearing them here would fail.
    """


def send():
    return SmsBackend().send(MESSAGE)


def test_ok_returns_the_receipt_and_sends_what_aliyun_expects(dysmsapi):
    receipt = send()

    [call] = dysmsapi.requests
    assert receipt.provider_code == "OK"
    assert receipt.biz_id == call.answer.body["BizId"]
    assert receipt.request_id == call.request_id
    assert call.params["PhoneNumbers"] == NATIONAL
    assert call.params["SignName"] == SIGN_NAME
    assert call.params["TemplateCode"] == TEMPLATE_CODE
    assert call.template_param == {"code": CODE}
    # The stub accepted the signature it recomputed with the secret.
    assert call.headers["x-acs-action"] == "SendSms"
    assert call.headers["x-acs-version"] == "2017-05-25"
    assert re.fullmatch(
        rf"ACS3-HMAC-SHA256 Credential={ACCESS_KEY_ID},"
        r"SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}",
        call.headers["authorization"],
    )


def test_a_wrong_secret_is_refused_by_the_signature_check(dysmsapi, settings):
    settings.ALIYUN_ACCESS_KEY_SECRET = "not-" + ACCESS_KEY_SECRET

    with pytest.raises(SmsRefused) as raised:
        send()

    assert raised.value.provider_code == "SignatureDoesNotMatch"
    assert raised.value.request_id
    assert dysmsapi.rejected == [(400, "SignatureDoesNotMatch")]
    assert dysmsapi.requests == []


def test_an_unknown_access_key_id_is_refused(dysmsapi, settings):
    settings.ALIYUN_ACCESS_KEY_ID = "LTAI-someone-else"

    with pytest.raises(SmsRefused) as raised:
        send()

    assert raised.value.provider_code == "InvalidAccessKeyId.NotFound"
    assert dysmsapi.requests == []


@pytest.mark.parametrize(("code", "text"), BUSINESS_ERRORS)
def test_a_business_error_with_http_200_is_a_refusal(dysmsapi, code, text):
    dysmsapi.answer_next(Answer.refusal(code, text))

    with pytest.raises(SmsRefused) as raised:
        send()

    [call] = dysmsapi.requests
    assert raised.value.provider_code == code
    assert raised.value.request_id == call.request_id
    assert raised.value.detail == text


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_is_unavailable_and_not_retried_by_the_sdk(dysmsapi, status):
    dysmsapi.answer_next(Answer.failure(status))

    with pytest.raises(SmsUnavailable) as raised:
        send()

    [call] = dysmsapi.requests
    assert raised.value.provider_code == "ServiceUnavailable"
    assert raised.value.request_id == call.request_id


def test_no_server_is_unavailable_at_once(dysmsapi, settings):
    settings.ALIYUN_SMS_ENDPOINT = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()

    with pytest.raises(SmsUnavailable) as raised:
        send()

    assert time.monotonic() - started < 2
    assert "network error or timeout" in raised.value.detail


def wrong_secret(server, settings):
    settings.ALIYUN_ACCESS_KEY_SECRET = "not-" + ACCESS_KEY_SECRET


def business_error(server, settings):
    server.answer_next(Answer.refusal(*BUSINESS_ERRORS[1]))


def server_error(server, settings):
    server.answer_next(Answer.failure(503))


def nothing_listens(server, settings):
    settings.ALIYUN_SMS_ENDPOINT = f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize(
    "arrange", [wrong_secret, business_error, server_error, nothing_listens]
)
def test_errors_never_show_the_code_the_secret_or_the_phone(
    dysmsapi, settings, arrange
):
    arrange(dysmsapi, settings)

    with pytest.raises((SmsRefused, SmsUnavailable)) as raised:
        send()

    error = raised.value
    assert error.__cause__ is None
    assert error.__context__ is None
    shown = "\n".join(
        [str(error), repr(error), error.detail, *traceback.format_exception(error)]
    )
    for secret in (CODE, ACCESS_KEY_SECRET, NATIONAL):
        assert secret not in shown


@pytest.mark.parametrize(
    ("endpoint", "protocol", "host"),
    [
        ("dysmsapi.aliyuncs.com", "https", "dysmsapi.aliyuncs.com"),
        ("https://dysmsapi.aliyuncs.com", "https", "dysmsapi.aliyuncs.com"),
        ("http://127.0.0.1:9999", "http", "127.0.0.1:9999"),
    ],
)
def test_the_endpoint_setting(settings, endpoint, protocol, host):
    settings.ALIYUN_SMS_ENDPOINT = endpoint
    assert split_endpoint(endpoint) == (protocol, host)

    backend = SmsBackend()

    config = backend.config()
    assert (config.protocol, config.endpoint) == (protocol, host)
    assert (backend.client._protocol, backend.client._endpoint) == (protocol, host)


def test_phone_numbers_are_national_for_the_mainland():
    assert national_number("+8613800138000") == "13800138000"
    assert national_number("+85261234567") == "85261234567"


def test_the_stub_signs_like_aliyuns_documented_example():
    """The worked example of Aliyun's "V3 request structure and signature" doc.

    https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
    """
    headers = {
        "host": ["ecs.cn-shanghai.aliyuncs.com"],
        "x-acs-action": ["RunInstances"],
        "x-acs-content-sha256": [hashlib.sha256(b"").hexdigest()],
        "x-acs-date": ["2023-10-26T09:01:01Z"],
        "x-acs-signature-nonce": ["d410180a5abf7fe235dd9b74aca91fc0"],
        "x-acs-version": ["2014-05-26"],
    }
    query = [
        ("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"),
        ("RegionId", "cn-shanghai"),
    ]

    signature = acs3_signature(
        "YourAccessKeySecret",
        "POST",
        "/",
        query,
        headers,
        hashlib.sha256(b"").hexdigest(),
    )

    assert signature == (
        "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"
    )


def test_only_the_aliyun_backend_imports_the_sdk():
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "import haima.sms, haima.sms.backends.base\n"
        "print('alibabacloud_dysmsapi20170525' in sys.modules)\n"
        "import haima.sms.backends.aliyun\n"
        "print('alibabacloud_dysmsapi20170525' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.split() == ["False", "True"]
