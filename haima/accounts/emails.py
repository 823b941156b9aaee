"""The emails accounts send, queued in the durable outbox."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil

from haima.mail.services import email_queue

from .models import User
from .tokens import activation_token_make


def _duration(seconds: int) -> str:
    """``3600`` -> "1 hour", in the active language."""
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=seconds), now)


def activation_email_queue(*, user: User) -> None:
    token = activation_token_make(user)
    path = reverse("accounts:activate", kwargs={"token": token})
    email_queue(
        to=user.email,
        template="activation",
        context={
            "user": user,
            "link": f"{settings.SITE_URL}{path}",
            "valid_for": _duration(settings.ACTIVATION_MAX_AGE),
        },
    )
