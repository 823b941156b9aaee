"""Development: ``make run`` and ``make worker`` (which set DEBUG=true)."""

from .base import *  # noqa: F403
