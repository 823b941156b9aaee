"""Writing the audit trail: one call for every service, which never fails them.

``event_record`` is called by the services (pages, API, admin and tasks all
go through them), after what it records has happened. A failure to write
is logged and swallowed: losing an event must not lose a sign-in. Each
event also sends ``event_recorded``, which the metrics count.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from haima.core.context import RequestContext, current_request_context
from haima.core.transactions import record_transaction

from .masking import mask_typed
from .models import AccountEvent

logger = logging.getLogger(__name__)
Kind = AccountEvent.Kind

# Sent with ``kind`` and ``code`` for each event, written or not.
event_recorded = Signal()


def event_record(
    kind: str,
    *,
    user=None,
    typed: str = "",
    code: str = "",
    context: RequestContext | None = None,
    **detail,
) -> None:
    """Append one event. ``typed``: the login, phone or address as typed
    (stored masked); ``code``: a stable code (why it failed, which mail);
    ``context``: the client, by default the current request's; ``detail``:
    small facts that are never secrets."""
    context = context or current_request_context()
    try:
        # A savepoint: a failed write leaves a caller's transaction usable.
        # On its own, a record: committed without waiting for the disk.
        with record_transaction():
            AccountEvent.objects.create(
                kind=kind,
                user=user if user is not None and user.pk else None,
                subject=mask_typed(typed)[:64],
                code=code[:64],
                ip=(context.ip or None) if context else None,
                user_agent=context.user_agent if context else "",
                detail=detail,
            )
    except Exception:  # a lost event must not fail the request
        logger.exception("Audit event %s was not written", kind)
    event_recorded.send(sender=AccountEvent, kind=kind, code=code)


def events_purge(*, now=None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AccountEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
