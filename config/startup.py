"""Stop a misconfigured process with one line instead of a traceback."""

import sys
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


def exit_on_misconfiguration(start: Callable[[], T]) -> T:
    """Run ``start``; on ImproperlyConfigured print its message and exit 1."""
    try:
        return start()
    except ImproperlyConfigured as exc:
        sys.exit(f"haima: configuration error: {exc}")
