"""Print each message on standard output: the development phone."""

import sys
import threading

from .. import SmsMessage, SmsReceipt
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> SmsReceipt:
        with self._lock:
            self.stream.write(
                f"SMS to {message.phone} ({message.purpose}): {self.text(message)}\n"
            )
            self.stream.flush()
        return SmsReceipt(provider_code="OK")
