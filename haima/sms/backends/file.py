"""Append each message to a JSON-lines outbox (CONTRACT §1, ``SMS_FILE_PATH``).

One object a line: ``{"phone", "code", "purpose", "sent_at"}``, read by the
browser tests and by a developer who wants the code without a phone. Each
line is one ``write`` on a file opened for appending, so lines from several
processes never interleave.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .. import SmsMessage, SmsReceipt
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, path: str | None = None):
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, message: SmsMessage) -> SmsReceipt:
        line = json.dumps(
            {
                "phone": message.phone,
                "code": message.code,
                "purpose": message.purpose,
                "sent_at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        return SmsReceipt(provider_code="OK")
