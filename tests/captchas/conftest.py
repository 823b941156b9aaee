import pytest
from captcha.models import CaptchaStore

from haima.captchas.services import captcha_issue


class Captchas:
    """Issue captchas and read their answers, as only the server can."""

    def issue(self) -> str:
        return captcha_issue().key

    def answer(self, key: str) -> str:
        return CaptchaStore.objects.get(hashkey=key).response

    def is_live(self, key: str) -> bool:
        return CaptchaStore.objects.filter(hashkey=key).exists()

    def expire(self, key: str) -> None:
        from datetime import timedelta

        from django.utils import timezone

        CaptchaStore.objects.filter(hashkey=key).update(
            expiration=timezone.now() - timedelta(seconds=1)
        )


@pytest.fixture
def captchas(db):
    return Captchas()
