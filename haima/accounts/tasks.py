"""Account tasks: decide away from the request whether an address gets mail.

Whether an address belongs to an account must not show in how long the
answer takes: the request only counts the attempt and queues one of these,
for a known address and an unknown one alike. The task looks the address up
and, for an account, queues the email in the request's language.
"""

from celery import shared_task
from django.utils import translation

from .services.activation import activation_resend_decide
from .services.password import password_reset_decide


@shared_task
def resend_activation_link(email: str, language: str) -> None:
    with translation.override(language):
        activation_resend_decide(email=email)


@shared_task
def send_password_reset_link(email: str, language: str) -> None:
    with translation.override(language):
        password_reset_decide(email=email)
