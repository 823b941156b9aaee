"""Captcha challenges drawn from ``secrets``, not the predictable ``random``.

django-simple-captcha calls ``CAPTCHA_CHALLENGE_FUNCT`` for a pair
``(text drawn in the image, expected answer)``.
"""

import secrets

from django.conf import settings

# Nothing people confuse with another character once drawn distorted:
# no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V. Look-alikes make them fail honestly.
LETTERS = "ACDEFHJKMNPRTWXY3479"


def letters() -> tuple[str, str]:
    text = "".join(secrets.choice(LETTERS) for _ in range(settings.CAPTCHA_LENGTH))
    return text, text.lower()


def arithmetic() -> tuple[str, str]:
    """A sum or difference of one-digit numbers, never negative."""
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2):
        return f"{first}+{second}=", str(first + second)
    first, second = max(first, second), min(first, second)
    return f"{first}-{second}=", str(first - second)


CHALLENGES = {"letters": letters, "math": arithmetic}
