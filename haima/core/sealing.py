"""Encryption at rest for what must be kept but never read in clear.

Secrets that have to wait somewhere — an SMS code in a task's arguments, an
email whose body holds a one-time link in the outbox — are sealed with
Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from SECRET_KEY for
each purpose. SECRET_KEY_FALLBACKS still open what older keys sealed, so a
key rotation does not strand a queued email.
"""

import base64

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac


def fernet(purpose: str) -> MultiFernet:
    """Seal with the current key; open with it or any fallback."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(
                        purpose, "fernet", secret=secret, algorithm="sha256"
                    ).digest()
                )
            )
            for secret in secrets
        ]
    )


class SealedTextField(models.TextField):
    """A TextField stored sealed; Python code reads and writes plain text.

    A value without the prefix (a row written before the field was sealed)
    is read as it is, so the change needs no downtime.
    """

    PREFIX = "sealed:"
    PURPOSE = "haima.core.sealed-field"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return self.PREFIX + fernet(self.PURPOSE).encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):
        if not value or not value.startswith(self.PREFIX):
            return value
        token = value.removeprefix(self.PREFIX).encode()
        return fernet(self.PURPOSE).decrypt(token).decode()
