"""Text messages, shaped like ``django.core.mail``: ``send_sms()`` and backends.

``settings.SMS_BACKEND`` is a dotted path (CONTRACT's short names ``console``,
``file`` and ``aliyun`` are mapped in config/settings). A backend takes one
SmsMessage and returns the provider's SmsReceipt, or raises SmsRefused (the
provider answered and said no: not worth retrying as such) or SmsUnavailable
(no usable answer: retry).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    phone: str  # E.164, +86 mainland mobile
    code: str
    purpose: str

    def __repr__(self) -> str:  # a message must not print its code in a trace
        return f"SmsMessage(phone=<masked>, code=<hidden>, purpose={self.purpose!r})"


@dataclass(frozen=True)
class SmsReceipt:
    """What the provider said about a message it accepted."""

    provider_code: str = "OK"
    biz_id: str = ""
    request_id: str = ""


class SmsError(Exception):
    """The provider did not accept the message."""

    def __init__(self, detail: str, *, provider_code: str = "", request_id: str = ""):
        super().__init__(detail)
        self.detail = detail
        self.provider_code = provider_code
        self.request_id = request_id


class SmsRefused(SmsError):
    """The provider answered and refused (Aliyun: HTTP 200, Code other than OK)."""


class SmsUnavailable(SmsError):
    """No usable answer: a network error, a timeout or a 5xx. Worth retrying."""


def get_sms_backend(path: str | None = None):
    return import_string(path or settings.SMS_BACKEND)()


def send_sms(*, phone: str, code: str, purpose: str, backend=None) -> SmsReceipt:
    """Send one verification code through ``backend`` (default SMS_BACKEND)."""
    backend = backend or get_sms_backend()
    return backend.send(SmsMessage(phone=phone, code=code, purpose=purpose))
