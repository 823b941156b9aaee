"""The emails accounts send, queued in the durable outbox."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil

from haima.mail.services import email_queue

from .models import User
from .tokens import activation_token_make, password_reset_token_make


def duration_text(seconds: int) -> str:
    """``3600`` -> "1 hour", in the active language."""
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=seconds), now)


def _queue_link_email(
    *, user: User, template: str, url_name: str, token: str, max_age: int
):
    path = reverse(url_name, kwargs={"token": token})
    email_queue(
        to=user.email,
        user=user,
        template=template,
        context={
            "user": user,
            "link": f"{settings.SITE_URL}{path}",
            "valid_for": duration_text(max_age),
        },
    )


def activation_email_queue(*, user: User) -> None:
    _queue_link_email(
        user=user,
        template="activation",
        url_name="accounts:activate",
        token=activation_token_make(user),
        max_age=settings.ACTIVATION_MAX_AGE,
    )


def password_reset_email_queue(*, user: User) -> None:
    _queue_link_email(
        user=user,
        template="password_reset",
        url_name="accounts:password_reset_confirm",
        token=password_reset_token_make(user),
        max_age=settings.PASSWORD_RESET_TIMEOUT,
    )
