"""Small helpers shared by tests and fixtures."""

import re
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting {timeout}s for {what}")
        time.sleep(0.05)


STRONG_PASSWORD = "fresh-Mango-42"


def activation_link(text: str) -> str:
    """The activation link in an email's text."""
    return re.search(r"https?://\S+/user/active/\S+", text).group(0)


def post_in_parallel(server_url: str, path: str, bodies: list[dict]) -> list:
    """POST each body to ``/api/v1/<path>`` from its own session, all at once.

    Each session fetches its CSRF token first; a barrier then releases the
    posts together, so they race as parallel guesses would.
    """
    import requests

    barrier = threading.Barrier(len(bodies))

    def post(body):
        session = requests.Session()
        token = session.get(f"{server_url}/api/v1/csrf").json()["data"]
        barrier.wait(timeout=10)
        return session.post(
            f"{server_url}/api/v1/{path}",
            json=body,
            headers={"X-CSRFToken": token["csrf_token"], "Referer": server_url},
            timeout=30,
        )

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


def closed_security_cache(caches: dict, *, password: str = "") -> dict:
    """``caches`` (settings.CACHES) with the security alias on a closed port."""
    auth = f":{password}@" if password else ""
    return {
        **caches,
        "security": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://{auth}127.0.0.1:{free_port()}/0",
            "KEY_PREFIX": "haima-sec",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }


def password_reset_link(text: str) -> str:
    """The password reset link in an email's text."""
    return re.search(r"https?://\S+/user/password/reset/\S+", text).group(0)


def texted_code(path, phone: str, purpose: str, timeout: float = 10) -> str:
    """The latest code the file SMS backend (JSON lines at ``path``) texted
    to ``phone`` for ``purpose``, once there."""
    import json
    from pathlib import Path

    def sent() -> list[dict]:
        lines = Path(path).read_text().splitlines() if Path(path).exists() else []
        return [
            message for message in map(json.loads, lines)
            if message["phone"].endswith(phone) and message["purpose"] == purpose
        ]  # fmt: skip

    wait_for(lambda: bool(sent()), timeout, f"an SMS code to {phone}")
    return sent()[-1]["code"]
