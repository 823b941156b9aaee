from celery import shared_task
from django.utils import timezone

from . import SmsUnavailable
from .delivery import sms_deliver, sms_give_up
from .models import SmsSend

RETRY_BACKOFF = (2, 5, 15, 30, 60, 120)


@shared_task(bind=True, max_retries=len(RETRY_BACKOFF))
def deliver_sms(self, send_id: int, sealed: str) -> bool:
    """Send one code, retrying while the provider is unreachable.

    ``sealed`` is the phone and code sealed by haima.sms.delivery: this
    task's arguments are safe to log. Retries stop once the code would have
    expired before the next one: a late code is no use to anybody.
    """
    try:
        return sms_deliver(send_id=send_id, sealed=sealed)
    except SmsUnavailable as error:
        retries = self.request.retries
        countdown = RETRY_BACKOFF[min(retries, len(RETRY_BACKOFF) - 1)]
        expires_at = (
            SmsSend.objects.filter(pk=send_id)
            .values_list("expires_at", flat=True)
            .first()
        )
        left = (expires_at - timezone.now()).total_seconds() if expires_at else 0
        if retries >= self.max_retries or countdown >= left:
            sms_give_up(send_id=send_id, detail=f"{error.provider_code} {error}")
            return False
        raise self.retry(countdown=countdown, exc=error) from None
