"""Keep messages in ``haima.sms.backends.locmem.outbox``, for unit tests."""

from .. import SmsMessage, SmsReceipt
from .base import BaseSmsBackend

outbox: list[SmsMessage] = []


class SmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> SmsReceipt:
        outbox.append(message)
        return SmsReceipt(provider_code="OK")
