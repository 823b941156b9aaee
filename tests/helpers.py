"""Small helpers shared by tests and fixtures."""

import re
import socket
import time
from collections.abc import Callable


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
