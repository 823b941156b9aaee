"""PostgreSQL restarted, and stopped, under a running gunicorn."""

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.services

LOGIN = {"login": "xiaoming", "password": "wrong-Pass-1"}
ROUNDS = 3
# Every failed login here is the same guess: no captcha, no lockout for it.
NO_SIGNIN_LIMITS = {
    f"RATE_SIGNIN_{name}": "100/1d" for name in ("LOGIN", "CAPTCHA_LOGIN", "CAPTCHA_IP")
}


class Calls:
    """A captcha (a row written) and a failed login (a user looked up)."""

    def __init__(self, server):
        self.url = server.url
        self.browser = server.session()

    def captcha(self):
        return self.browser.get(f"{self.url}/api/v1/captcha", timeout=10)

    def login(self):
        return self.browser.post(f"{self.url}/api/v1/login", json=LOGIN, timeout=10)

    def all_succeed(self) -> bool:
        return (self.captcha().status_code, self.login().status_code) == (
            HTTPStatus.OK,
            HTTPStatus.UNAUTHORIZED,
        )


def test_requests_after_a_restart_succeed_on_the_same_gunicorn(stack, postgres):
    server = stack.web(DATABASE_URL=postgres.url("haima"), **NO_SIGNIN_LIMITS)
    calls = Calls(server)
    assert calls.all_succeed()  # the worker now holds a persistent connection

    for _ in range(ROUNDS):
        postgres.restart()
        # The very first request after it: no retry, no warm-up.
        assert calls.all_succeed(), server.output()[-3000:]

    postgres.stop()
    try:
        for _ in range(ROUNDS):
            for response in (calls.captcha(), calls.login()):
                assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
                assert response.headers["Retry-After"] == "5"
                body = response.json()
                assert (body["code"], body["data"]) == (503, {"reason": "unavailable"})
                assert "Traceback" not in response.text
    finally:
        postgres.start()
    assert calls.all_succeed()

    log = server.output()
    answered = server.answered()
    assert answered[HTTPStatus.SERVICE_UNAVAILABLE] == 2 * ROUNDS, log
    assert answered[HTTPStatus.INTERNAL_SERVER_ERROR] == 0
    assert "Internal Server Error" not in log
    assert log.count("Booting worker") == 1  # the same worker throughout
