"""Captchas are kept out of PostgreSQL's write-ahead log (an unlogged table):
issuing one waits for no disk flush (haima/captchas/migrations)."""

import pytest
from django.db import connection

from haima.captchas.services import captcha_issue

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_the_captcha_table_is_unlogged_and_still_works(captchas):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s",
            ["captcha_captchastore"],
        )
        assert cursor.fetchone() == ("u",)
    key = captcha_issue().key
    assert captchas.is_live(key)
