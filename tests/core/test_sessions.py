"""A session that ends with the browser also ends on the server when idle."""

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def server_side_age(client) -> int:
    """Seconds the server keeps this client's session, as its store saves it."""
    store = import_string(django_settings.SESSION_ENGINE).SessionStore
    session: SessionBase = store(client.cookies["sessionid"].value)
    return session.get_expiry_age()


def sign_in(client, remember: bool):
    response = client.post(
        "/api/v1/login",
        {"login": "xiaoming", "password": STRONG_PASSWORD, "remember": remember},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_without_remember_me_the_server_keeps_it_for_the_idle_timeout(
    client, user, settings
):
    settings.SESSION_IDLE_TIMEOUT = 2 * 3600
    sign_in(client, remember=False)
    assert server_side_age(client) == 2 * 3600


def test_with_remember_me_it_lasts_two_weeks(client, user):
    sign_in(client, remember=True)
    assert server_side_age(client) == 14 * 24 * 3600


@pytest.mark.services
def test_the_idle_timeout_is_the_ttl_in_redis_and_use_renews_it(client, user, settings):
    from django.core.cache import caches

    settings.SESSION_IDLE_TIMEOUT = 3600
    sign_in(client, remember=False)
    cache = caches[settings.SESSION_CACHE_ALIAS]
    key = "django.contrib.sessions.cache" + client.cookies["sessionid"].value
    assert 3590 < cache.ttl(key) <= 3600
    session = client.session
    session["_idle_seen"] = int(time.time()) - 3500  # last renewed long ago
    session.save()
    cache.expire(key, 100)  # the clock moves on: 100 s of life left
    assert client.get("/api/v1/me").status_code == 200
    assert cache.ttl(key) > 3500  # this request renewed it
    cache.expire(key, 100)
    assert client.get("/api/v1/me").status_code == 200
    assert cache.ttl(key) <= 100  # renewed a moment ago: no write this time
