"""A database or Redis that cannot be reached: a 503 that passes by itself."""

import logging
import os
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from captcha.models import CaptchaStore
from django.db import connection
from django.test import Client, override_settings

from tests.api.switch import TcpSwitch
from tests.api.test_envelope import assert_envelope
from tests.helpers import closed_security_cache
from tests.processes import WebServer, service_environment

UNAVAILABLE = {"reason": "unavailable"}
PASSWORD_IN_URL = "s3cret-Redis-pass"
LOGIN = {"login": "xiaoming", "password": "wrong-Pass-1"}


def assert_unavailable(response) -> None:
    body = assert_envelope(response, HTTPStatus.SERVICE_UNAVAILABLE, data=UNAVAILABLE)
    assert body["message"] == "服务暂时不可用，请稍后重试。"
    assert response["Retry-After"] == "5"


def logged_errors(caplog) -> list[str]:
    formatter = logging.Formatter()
    return [
        formatter.format(record)
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]


def sms_body(captchas) -> dict:
    key, answer = captchas.solved()
    return {
        "phone": "13800138000",
        "purpose": "login",
        "captcha_key": key,
        "captcha_answer": answer,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.filterwarnings("ignore:Cycle in the exception chain")
def test_redis_down_is_a_503_envelope_until_it_is_back(
    api_client, captchas, settings, caplog, debug
):
    settings.DEBUG = debug
    calls = {
        "captcha": lambda: api_client.get("/api/v1/captcha"),
        "login": lambda: api_client.post_json("/api/v1/login", LOGIN),
        "sms/send": lambda: api_client.post_json(
            "/api/v1/sms/send", sms_body(captchas)
        ),
    }
    with override_settings(
        CACHES=closed_security_cache(settings.CACHES, password=PASSWORD_IN_URL)
    ):
        for name, call in calls.items():
            caplog.clear()
            response = call()
            assert_unavailable(response)
            errors = logged_errors(caplog)
            assert len(errors) == 1, (name, errors)
            assert "Connection refused" in errors[0]
            assert PASSWORD_IN_URL not in errors[0]
            assert PASSWORD_IN_URL not in response.content.decode()

    # The same process, the store back: no restart, nothing to reset.
    assert calls["captcha"]().status_code == HTTPStatus.OK
    assert calls["login"]().status_code == HTTPStatus.UNAUTHORIZED
    assert calls["sms/send"]().status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_redis_down_is_a_plain_503_page(settings):
    browser = Client(raise_request_exception=False)
    with override_settings(
        CACHES=closed_security_cache(settings.CACHES, password=PASSWORD_IN_URL)
    ):
        response = browser.post("/user/login/", LOGIN, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "服务暂时不可用" in html and "Traceback" not in html
    assert browser.post("/user/login/", LOGIN).status_code == HTTPStatus.OK


@pytest.fixture
def stores():
    """Switchable forwarders to this run's PostgreSQL and Redis."""
    db = connection.settings_dict
    redis = urlsplit(os.environ["REDIS_URL"])
    switches = {
        "postgres": TcpSwitch((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))),
        "redis": TcpSwitch((redis.hostname, redis.port or 6379)),
    }
    for switch in switches.values():
        switch.on()
    yield switches
    for switch in switches.values():
        switch.off()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", ["redis", "postgres"])
def test_a_live_server_answers_503_while_a_store_is_away_and_recovers(stores, store):
    db = connection.settings_dict
    redis_db = urlsplit(os.environ["REDIS_URL"]).path
    env = service_environment(
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{stores['postgres'].port}"
        f"/{db['NAME']}",
        REDIS_URL=f"redis://127.0.0.1:{stores['redis'].port}{redis_db}",
        CELERY_QUEUE=f"haima-outage-{store}",
    )
    server = WebServer(f"web-{store}-away", env)
    try:
        live = LiveCalls(server)
        assert live.login().status_code == HTTPStatus.UNAUTHORIZED
        for phone in ("13800138000", "13800138001"):  # pools die, and come back
            sms_body = live.sms_body(phone)  # a captcha issued while all is up
            stores[store].off()
            for response in (live.captcha(), live.login(), live.sms_send(sms_body)):
                assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, (
                    response.url,
                    response.text,
                )
                body = response.json()
                assert (body["code"], body["data"]) == (503, UNAVAILABLE)
                assert response.headers["Retry-After"] == "5"
            stores[store].on()
            assert live.captcha().status_code == HTTPStatus.OK
            assert live.login().status_code == HTTPStatus.UNAUTHORIZED
            response = live.sms_send(live.sms_body(phone))
            assert response.status_code == HTTPStatus.OK, response.text
    finally:
        server.stop()
    log = server.output()
    assert log.count("Service Unavailable: /api/v1/") == 6, log
    assert "Internal Server Error" not in log


class LiveCalls:
    """The calls that need the stores, made to a live server."""

    def __init__(self, server: WebServer):
        self.url = server.url
        self.browser = server.session()

    def captcha(self):
        return self.browser.get(f"{self.url}/api/v1/captcha")

    def login(self):
        return self.browser.post(f"{self.url}/api/v1/login", json=LOGIN)

    def sms_send(self, body: dict):
        return self.browser.post(f"{self.url}/api/v1/sms/send", json=body)

    def sms_body(self, phone: str) -> dict:
        """A send-code body with a captcha the live server issued, solved."""
        key = self.captcha().json()["data"]["key"]
        answer = CaptchaStore.objects.get(hashkey=key).response
        return {
            "phone": phone,
            "purpose": "login",
            "captcha_key": key,
            "captcha_answer": answer,
        }
