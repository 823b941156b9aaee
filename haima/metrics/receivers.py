"""Count the audit trail's events (haima.audit.services.event_recorded)."""

from .metrics import ACCOUNT_EVENTS, event_labels


def account_event_count(sender, *, kind: str, code: str = "", **kwargs) -> None:
    ACCOUNT_EVENTS.labels(*event_labels(kind, code)).inc()
