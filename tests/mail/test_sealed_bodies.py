"""Bodies in the outbox are sealed at rest: a one-time link is a secret."""

import pytest
from django.db import connection

from haima.accounts.emails import activation_email_queue
from haima.mail.models import OutboundEmail
from tests.factories import user_create
from tests.helpers import activation_link

pytestmark = pytest.mark.django_db


def stored(email: OutboundEmail) -> tuple[str, str]:
    """The columns as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text_body, html_body FROM mail_outboundemail WHERE id = %s",
            [email.pk],
        )
        return cursor.fetchone()


@pytest.fixture
def email():
    activation_email_queue(user=user_create(is_active=False))
    return OutboundEmail.objects.get()


def test_the_link_is_not_in_the_database_in_clear(email):
    token = activation_link(email.text_body).rstrip("/").rsplit("/", 1)[-1]
    text, html = stored(email)
    assert text.startswith("sealed:") and html.startswith("sealed:")
    assert token not in text + html
    assert "xiaoming" not in text + html


def test_code_reads_plain_text(email):
    assert "/user/active/" in OutboundEmail.objects.get(pk=email.pk).text_body


def test_a_rotated_secret_key_still_opens_queued_mail(email, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-and-long-enough-secret-key-" + "x" * 40
    assert "/user/active/" in OutboundEmail.objects.get(pk=email.pk).text_body


def test_rows_from_before_the_seal_read_as_they_are(email):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE mail_outboundemail SET text_body = %s WHERE id = %s",
            ["plain old body", email.pk],
        )
    assert OutboundEmail.objects.get(pk=email.pk).text_body == "plain old body"
