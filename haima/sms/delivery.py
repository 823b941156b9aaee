"""Hand a code to the SMS provider in a Celery task, and record the answer.

The task must carry the phone and the code, yet neither may reach a log,
the broker's storage or an error report in clear: they travel *sealed*
(Fernet: AES-CBC and HMAC, keyed from SECRET_KEY), and the seal carries its
time, so a retry after the code's expiry opens nothing and stops. The row
(SmsSend) keeps the masked phone and the provider's answer.
"""

import json
import logging

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.utils import timezone

from haima.audit.services import Kind, event_record
from haima.core.sealing import fernet

from . import SmsRefused, SmsUnavailable, send_sms
from .firewall import sms_provider_block
from .models import SmsSend

logger = logging.getLogger(__name__)

LIMIT_CONTROL = "isv.BUSINESS_LIMIT_CONTROL"


def _fernet() -> MultiFernet:
    return fernet("haima.sms.seal")


def seal(*, phone: str, code: str) -> str:
    return _fernet().encrypt(json.dumps([phone, code]).encode()).decode()


def unseal(sealed: str) -> tuple[str, str] | None:
    """The phone and code, or None once the code has expired."""
    try:
        plain = _fernet().decrypt(sealed.encode(), ttl=settings.SMS_CODE_TTL)
    except InvalidToken:
        return None
    phone, code = json.loads(plain)
    return phone, code


def sms_deliver(*, send_id: int, sealed: str) -> bool:
    """Send one queued code; True when the provider took it.

    Returns False for what must not be retried (expired, refused, already
    handled); raises SmsUnavailable for what the task retries.
    """
    send = SmsSend.objects.filter(pk=send_id, status=SmsSend.Status.QUEUED).first()
    if send is None:  # handled already (a redelivered task)
        return False
    opened = unseal(sealed)
    if opened is None:
        _finish(send, SmsSend.Status.FAILED, provider_code="expired")
        return False
    phone, code = opened
    send.attempts += 1
    try:
        receipt = send_sms(phone=phone, code=code, purpose=send.purpose)
    except SmsRefused as refused:
        _finish(
            send,
            SmsSend.Status.FAILED,
            provider_code=refused.provider_code,
            provider_message=refused.detail[:255],
            request_id=refused.request_id,
        )
        logger.error(
            "SMS %s to %s refused by the provider: %s %s (RequestId %s)",
            send.pk,
            send.phone_masked,
            refused.provider_code,
            refused.detail,
            refused.request_id,
        )
        if refused.provider_code == LIMIT_CONTROL:
            sms_provider_block(phone=phone, provider_message=refused.detail)
        return False
    except SmsUnavailable as error:
        send.provider_code = error.provider_code
        send.provider_message = error.detail[:255]
        send.save(update_fields=["attempts", "provider_code", "provider_message"])
        raise
    _finish(
        send,
        SmsSend.Status.SENT,
        provider_code=receipt.provider_code,
        biz_id=receipt.biz_id,
        request_id=receipt.request_id,
        sent_at=timezone.now(),
    )
    return True


def sms_give_up(*, send_id: int, detail: str) -> None:
    """Record that retries ended before the code could be sent."""
    send = SmsSend.objects.filter(pk=send_id, status=SmsSend.Status.QUEUED).first()
    if send is not None:
        _finish(send, SmsSend.Status.FAILED, provider_message=detail[:255])
        logger.error("SMS %s to %s not sent: %s", send.pk, send.phone_masked, detail)


def _finish(send: SmsSend, status: str, **fields) -> None:
    send.status = status
    for name, value in fields.items():
        setattr(send, name, value)
    send.save()
    event_record(
        Kind.SMS_SENT if status == SmsSend.Status.SENT else Kind.SMS_FAILED,
        typed=send.phone_masked,
        code=send.provider_code or "",
        purpose=send.purpose,
        send=send.pk,
    )
