"""Send verification codes with Aliyun SMS (Dysmsapi 2017-05-25, SendSms).

The official SDK is imported here and nowhere else: it costs ~47 MB and half a
second in each process that imports it, and this module is imported only when
``SMS_BACKEND`` names it. The client is built on the first ``send``.

Aliyun refuses a message it understood (flow control, a bad number, no
balance) with HTTP 200 and a ``Code`` other than ``OK``: that is SmsRefused,
and so is a 4xx from the gateway (a bad signature, an unknown AccessKey). No
answer, or no usable one (a network error, a timeout, a 5xx, throttling), is
SmsUnavailable. The SDK never retries by itself here: the Celery task does.

The SDK's exception text can echo the request (the phone, the code in
TemplateParam), so it is never passed on: our errors keep only the provider's
Code, Message and RequestId, and are raised with no SDK exception chained.
"""

import json
from functools import cached_property
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.exceptions import (
    AlibabaCloudException,
    ThrottlingException,
)
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import RetryError, UnretryableException
from darabonba.policy.retry import RetryOptions
from darabonba.runtime import RuntimeOptions
from django.conf import settings

from .. import SmsError, SmsMessage, SmsReceipt, SmsRefused, SmsUnavailable
from .base import BaseSmsBackend

CONNECT_TIMEOUT_MS = 3000
READ_TIMEOUT_MS = 5000


def national_number(phone: str) -> str:
    """Aliyun's PhoneNumbers: mainland numbers without +86, others as CC+number."""
    return phone[3:] if phone.startswith("+86") else phone.lstrip("+")


def split_endpoint(endpoint: str) -> tuple[str, str]:
    """``("https", host)`` for a bare host; a URL gives its own scheme."""
    if "://" not in endpoint:
        return "https", endpoint
    url = urlsplit(endpoint)
    return url.scheme, url.netloc


class SmsBackend(BaseSmsBackend):
    def __init__(self):
        self.protocol, self.endpoint = split_endpoint(settings.ALIYUN_SMS_ENDPOINT)
        self.access_key_id = settings.ALIYUN_ACCESS_KEY_ID
        self._access_key_secret = settings.ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = settings.ALIYUN_SMS_SIGN_NAME
        self.template_code = settings.ALIYUN_SMS_TEMPLATE_CODE

    def config(self) -> Config:
        return Config(
            access_key_id=self.access_key_id,
            access_key_secret=self._access_key_secret,
            endpoint=self.endpoint,
            protocol=self.protocol,
            # tea-openapi 0.4 retries only as Config.retry_options says.
            retry_options=RetryOptions(retryable=False),
        )

    @cached_property
    def client(self) -> Client:
        return Client(self.config())

    def send(self, message: SmsMessage) -> SmsReceipt:
        request = SendSmsRequest(
            phone_numbers=national_number(message.phone),
            sign_name=self.sign_name,
            template_code=self.template_code,
            template_param=json.dumps({"code": message.code}),
        )
        runtime = RuntimeOptions(
            autoretry=False,
            connect_timeout=CONNECT_TIMEOUT_MS,
            read_timeout=READ_TIMEOUT_MS,
        )
        try:
            body = self.client.send_sms_with_options(request, runtime).body
        except (AlibabaCloudException, UnretryableException) as exc:
            error = self._error(exc)
        else:
            if body.code == "OK":
                return SmsReceipt(
                    provider_code="OK",
                    biz_id=body.biz_id or "",
                    request_id=body.request_id or "",
                )
            error = SmsRefused(
                body.message or "refused",
                provider_code=body.code or "",
                request_id=body.request_id or "",
            )
        # Raised here, outside the except clause, so that no traceback shows
        # the SDK's exception (and the request it carries) as its context.
        raise error

    def _error(self, exc: Exception) -> SmsError:
        if isinstance(exc, UnretryableException):  # no answer, or none readable
            inner = exc.inner_exception
            why = (
                "network error or timeout"
                if isinstance(inner, RetryError)
                else f"unreadable answer ({type(inner).__name__})"
            )
            return SmsUnavailable(f"Aliyun SMS at {self.endpoint}: {why}")
        # The answer as parsed: exc.code and exc.request_id read "None" when
        # it lacks them. No answer at all: the SDK refused before sending.
        answer = exc.data if isinstance(exc.data, dict) else {}
        code = str(answer.get("Code") or ("" if answer else exc.code) or "")
        retry = (
            (exc.status_code or 0) >= 500
            or isinstance(exc, ThrottlingException)
            or code.startswith("Throttling")
        )
        return (SmsUnavailable if retry else SmsRefused)(
            str(answer.get("Message") or code or "refused"),
            provider_code=code,
            request_id=str(answer.get("RequestId") or ""),
        )
