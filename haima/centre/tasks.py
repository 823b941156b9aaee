"""Periodic work of the 账户中心."""

from celery import shared_task

from .services.cancel import accounts_erase_due


@shared_task
def accounts_erase() -> int:
    """Beat, daily: erase the accounts whose 注销 cooling-off has ended."""
    return accounts_erase_due()
