"""A kept PostgreSQL connection is checked by its socket, not by a query
(haima.core.postgresql): free while healthy, and a connection the server
ended is replaced before a request uses it (that request, on gunicorn
across a real restart: tests/faults)."""

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kept_connection():
    connection.ensure_connection()
    yield connection.connection
    connection.close()


def test_a_healthy_connection_passes_without_a_query(kept_connection, monkeypatch):
    def no_queries(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(kept_connection, "cursor", no_queries)
    monkeypatch.setattr(kept_connection, "execute", no_queries)
    assert connection.is_usable()


def test_a_connection_the_server_ended_fails_the_check(kept_connection):
    pid = kept_connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"],
        autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits
    assert not connection.is_usable()
