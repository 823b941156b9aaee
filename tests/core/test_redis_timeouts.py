"""A Redis that accepts connections and never answers fails fast, not forever."""

import socket
import threading

import pytest
import redis
from django.conf import settings
from django_redis.cache import RedisCache

pytestmark = pytest.mark.services


@pytest.fixture
def black_hole():
    """A TCP server that accepts every connection and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()
    for connection in held:
        connection.close()


@pytest.mark.parametrize("alias", ["security", "default"])
def test_both_cache_aliases_give_up_on_a_silent_redis(black_hole, alias):
    params = {**settings.CACHES[alias], "LOCATION": black_hole}
    cache = RedisCache(black_hole, params)
    outcome = []

    def read():
        try:
            outcome.append(cache.get("anything"))
        except redis.RedisError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=15)  # without socket timeouts it would wait forever
    assert not reader.is_alive()
    if alias == "security":  # fails closed
        assert isinstance(outcome[0], redis.TimeoutError)
    else:  # ordinary caching degrades to a miss
        assert outcome == [None]
    pool_kwargs = cache.client.get_client().connection_pool.connection_kwargs
    assert pool_kwargs["socket_timeout"] == pool_kwargs["socket_connect_timeout"]
    assert pool_kwargs["retry"].get_retries() == 1
