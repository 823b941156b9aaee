"""Records (a sign-in, an event on its own) commit without waiting for the
disk; an account's own writes, and records made inside them, wait as ever
(haima.core.transactions)."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haima.audit.models import AccountEvent
from haima.audit.services import Kind, event_record
from tests.helpers import STRONG_PASSWORD

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ASYNCHRONOUS = "SET LOCAL synchronous_commit TO OFF"


def transaction_of(queries, statement: str) -> list[str]:
    """The statements of the transaction that ran ``statement`` (a prefix)."""
    sqls = [query["sql"] for query in queries]
    at = next(i for i, sql in enumerate(sqls) if sql.startswith(statement))
    begin = max(i for i, sql in enumerate(sqls[:at]) if sql == "BEGIN")
    end = next(i for i, sql in enumerate(sqls[at:], at) if sql == "COMMIT")
    return sqls[begin : end + 1]


def test_a_sign_in_commits_its_records_asynchronously(api_client, user):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.post_json(
            "/api/v1/login", {"login": user.username, "password": STRONG_PASSWORD}
        )
    assert response.status_code == HTTPStatus.OK
    sign_in = transaction_of(queries, 'UPDATE "accounts_user" SET "last_login"')
    assert ASYNCHRONOUS in sign_in
    assert any(sql.startswith('INSERT INTO "audit_accountevent"') for sql in sign_in)


def test_an_event_on_its_own_commits_asynchronously(user):
    with CaptureQueriesContext(connection) as queries:
        event_record(Kind.LOGOUT, user=user)
    assert ASYNCHRONOUS in transaction_of(queries, 'INSERT INTO "audit_accountevent"')
    assert AccountEvent.objects.filter(kind=Kind.LOGOUT, user=user).exists()


def test_an_account_and_the_records_inside_its_transaction_wait(
    api_client, registration
):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.post_json("/api/v1/register", registration())
    assert response.status_code == HTTPStatus.CREATED
    account = transaction_of(queries, 'INSERT INTO "accounts_user"')
    assert any(sql.startswith('INSERT INTO "audit_accountevent"') for sql in account)
    assert ASYNCHRONOUS not in account
