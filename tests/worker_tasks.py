"""Tasks that exist only for the tests, loaded by the worker with --include."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task
def send_probe_mail(recipient: str, subject: str) -> None:
    send_mail(subject, "sent by the Celery worker", None, [recipient])
