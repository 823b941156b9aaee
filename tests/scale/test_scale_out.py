"""Two web servers and two workers on one PostgreSQL and Redis lose nothing.

A few dozen customers sign up, activate, sign in by password and by SMS,
each step on the other instance from the last (tests/scale/driver.py; the
benchmark bench/scale_out.py drives a thousand the same way).
"""

import pytest

from tests.processes import service_environment

from .driver import ScaleOut

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ACCOUNTS = 30


def test_every_account_mail_text_session_and_count_survives_two_instances(tmp_path):
    with ScaleOut(env=service_environment(), folder=tmp_path) as stack:
        result = stack.run(accounts=ACCOUNTS, threads=8)

    assert result.failures == []
    assert result.observed() == result.expected(), result.report()
