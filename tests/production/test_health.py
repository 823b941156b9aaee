"""/healthz and /readyz, the load balancer's probes (haima.core.health)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
from django.db import connections

from tests.helpers import closed_security_cache, free_port

pytestmark = pytest.mark.django_db
PUBLIC_IP = "203.0.113.9"  # not in METRICS_ALLOWED_IPS


class ThreadedClient:
    """The test client, calling from a thread of its own when it must.

    /readyz is an async view, which Django runs through async_to_sync; that
    refuses a thread whose event loop runs, and the browser tests leave
    Playwright's running on the main thread of the process that ran them.
    Only then does the call move to a thread (with an in-memory SQLite, the
    embedded pass's, another thread could not read the test's tables).
    """

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        return self._call(self.client.get, *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._call(self.client.post, *args, **kwargs)

    @staticmethod
    def _call(method, *args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return method(*args, **kwargs)

        def call():
            try:
                return method(*args, **kwargs)
            finally:
                connections.close_all()  # this thread's own

        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(call).result()


@pytest.fixture
def client(client):
    return ThreadedClient(client)


def test_both_answer_200_when_everything_is_up(client, settings):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == HTTPStatus.OK
    checks = {"database": "ok", "cache": "ok", "security_cache": "ok"}
    if settings.CELERY_BROKER_URL:  # embedded: no broker, nothing to check
        checks["broker"] = "ok"
    assert ready.json() == {"status": "ok", "checks": checks}
    assert "no-cache" in ready["Cache-Control"]


@pytest.mark.services
def test_readyz_names_what_is_down_and_healthz_stays_up(client, settings):
    settings.CACHES = closed_security_cache(settings.CACHES)

    ready = client.get("/readyz", REMOTE_ADDR=PUBLIC_IP)
    assert ready.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert ready["Content-Type"] == "application/json"
    assert ready.json() == {
        "status": "unavailable",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "security_cache": "unavailable",
            "broker": "ok",
        },
    }
    assert client.get("/healthz", REMOTE_ADDR=PUBLIC_IP).status_code == HTTPStatus.OK


@pytest.mark.services
def test_the_reason_goes_only_to_the_operators_addresses(client, settings):
    settings.CELERY_BROKER_URL = f"redis://:broker-pw@127.0.0.1:{free_port()}/0"
    for_operator = client.get("/readyz").json()  # from 127.0.0.1
    assert for_operator["checks"]["broker"] == "unavailable"
    assert for_operator["errors"] == {
        "broker": "Unavailable: Unable to connect to the broker."
    }
    public = client.get("/readyz", REMOTE_ADDR=PUBLIC_IP)
    assert public.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "errors" not in public.json()
    assert "broker-pw" not in public.text + str(for_operator)


def test_probes_only_read(client):
    assert client.post("/readyz").status_code == HTTPStatus.METHOD_NOT_ALLOWED
