from celery import shared_task

from .services import events_purge


@shared_task
def audit_purge() -> int:
    """Beat, daily: the trail keeps AUDIT_RETENTION_DAYS of events."""
    return events_purge()
