"""Redis stopped under a running gunicorn, then started again on its port."""

from http import HTTPStatus

import pytest
import requests

from tests.processes import RedisServer

from .conftest import wait_until

pytestmark = pytest.mark.services

UNAVAILABLE = {"reason": "unavailable"}
LOGIN = {"login": "xiaoming", "password": "wrong-Pass-1"}
ROUNDS = 3  # requests of each kind while Redis is away


@pytest.fixture
def redis():
    server = RedisServer("faults-redis")
    yield server
    server.stop()


def login_page(server, browser, csrf: str):
    form = {**LOGIN, "csrfmiddlewaretoken": csrf}
    return browser.post(
        f"{server.url}/user/login/",
        data=form,
        headers={"Accept-Language": "zh-CN", "Referer": server.url},
        timeout=10,
    )


def test_the_api_and_pages_answer_503_and_recover_when_redis_returns(redis, stack):
    server = stack.web(REDIS_URL=redis.url)
    api = server.session()
    browser = requests.Session()
    browser.get(f"{server.url}/user/login/", timeout=10)
    csrf = browser.cookies["csrftoken"]
    calls = {
        "captcha": lambda: api.get(f"{server.url}/api/v1/captcha", timeout=10),
        "login": lambda: api.post(f"{server.url}/api/v1/login", json=LOGIN, timeout=10),
    }
    assert calls["captcha"]().status_code == HTTPStatus.OK

    redis.stop()
    refused = []
    for _ in range(ROUNDS):
        for call in calls.values():
            response = call()
            body = response.json()
            assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, body
            assert body == {
                "code": 503,
                "message": "服务暂时不可用，请稍后重试。",
                "data": UNAVAILABLE,
            }
            assert response.headers["Retry-After"] == "5"
            refused.append(response)
        page = login_page(server, browser, csrf)
        assert page.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert page.headers["Retry-After"] == "5"
        assert page.headers["Content-Type"].startswith("text/html")
        assert "服务暂时不可用" in page.text and "Traceback" not in page.text
        refused.append(page)

    redis.start()  # empty, on the same port; gunicorn is not restarted
    wait_until(
        lambda: calls["captcha"]().status_code == HTTPStatus.OK,
        "the API to answer again",
        process=server,
    )
    assert calls["login"]().status_code == HTTPStatus.UNAUTHORIZED
    assert login_page(server, browser, csrf).status_code == HTTPStatus.OK

    assert len(refused) == 3 * ROUNDS
    log = server.output()
    assert log.count("Service Unavailable: /") == 3 * ROUNDS, log
    answered = server.answered()
    assert answered[HTTPStatus.SERVICE_UNAVAILABLE] == 3 * ROUNDS, log
    assert answered[HTTPStatus.INTERNAL_SERVER_ERROR] == 0
    assert "Internal Server Error" not in log
    assert log.count("Booting worker") == 1  # the same worker throughout
