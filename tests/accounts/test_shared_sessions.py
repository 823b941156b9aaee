"""Sessions live in Redis: any web process recognises a sign-in."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from tests.helpers import STRONG_PASSWORD
from tests.processes import WebServer, service_environment

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_sign_in_on_one_process_is_known_to_another():
    User.objects.create_user("xiaoming", "ming@example.cn", STRONG_PASSWORD)
    env = service_environment()
    first, second = WebServer("web-a", env), WebServer("web-b", env)
    try:
        browser = first.session()
        response = browser.post(
            f"{first.url}/api/v1/login",
            json={"login": "xiaoming", "password": STRONG_PASSWORD},
        )
        assert response.status_code == HTTPStatus.OK, response.text
        # Cookies are per host, not per port: the same browser, another process.
        me = browser.get(f"{second.url}/api/v1/me")
        assert me.status_code == HTTPStatus.OK
        assert me.json()["data"]["user"]["username"] == "xiaoming"

        token = browser.get(f"{second.url}/api/v1/csrf").json()["data"]["csrf_token"]
        browser.post(f"{second.url}/api/v1/logout", headers={"X-CSRFToken": token})
        assert browser.get(f"{first.url}/api/v1/me").status_code == 401
    finally:
        first.stop()
        second.stop()
