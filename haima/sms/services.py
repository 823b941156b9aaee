"""Send a verification code by SMS: the one way the site texts anybody."""

from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haima.accounts.phones import mask_phone, normalize_phone
from haima.audit.services import Kind, event_record
from haima.captchas.services import captcha_consume
from haima.core.context import RequestContext
from haima.core.dispatch import task_publish
from haima.core.exceptions import ApplicationError, ValidationFailed
from haima.core.ratelimit import rate_for, ratelimit_release

from .codes import sms_code_discard, sms_code_issue
from .delivery import seal
from .firewall import sms_send_reserve
from .models import SmsSend
from .tasks import deliver_sms

UNKNOWN_PURPOSE = _("Choose what the code is for: login or bind.")


class SmsQueueUnavailable(ApplicationError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    default_message = _("Text messages are unavailable for now; please try later.")

    def __init__(self):
        super().__init__(reason="sms_unavailable", retry_after=30)
        self.headers = {"Retry-After": "30"}


def sms_phone(raw: str) -> str:
    """``raw`` in E.164 if it is a mainland mobile number; else a 400 on phone."""
    try:
        return normalize_phone(raw)
    except ValidationError as error:
        raise ValidationFailed({"phone": list(error.messages)}) from None


def sms_code_send(
    *,
    phone: str,
    purpose: str,
    context: RequestContext,
    captcha_key: str,
    captcha_answer: str,
) -> int:
    """Text a new code to ``phone``; return the seconds before another may go.

    The answer is the same whether or not the phone has an account. Order:
    the input, then the captcha (spent, right or wrong), then the cost
    firewall, so limits are never probed without solving a captcha.
    """
    phone = sms_phone(phone)
    if purpose not in SmsSend.Purpose.values:
        raise ValidationFailed({"purpose": [str(UNKNOWN_PURPOSE)]})
    captcha_consume(key=captcha_key, answer=captcha_answer)
    reservations = sms_send_reserve(phone=phone, context=context)
    code = sms_code_issue(phone=phone, purpose=purpose)
    send = SmsSend.objects.create(
        phone_masked=mask_phone(phone),
        purpose=purpose,
        expires_at=timezone.now() + timedelta(seconds=settings.SMS_CODE_TTL),
    )
    if not task_publish(deliver_sms, send.pk, seal(phone=phone, code=code)):
        sms_code_discard(phone=phone, purpose=purpose)
        ratelimit_release(reservations)
        send.status = SmsSend.Status.FAILED
        send.provider_message = "broker unreachable"
        send.save(update_fields=["status", "provider_message"])
        event_record(
            Kind.SMS_FAILED, typed=phone, code="broker_unreachable", context=context
        )
        raise SmsQueueUnavailable()
    event_record(
        Kind.SMS_REQUESTED, typed=phone, code=purpose, context=context, send=send.pk
    )
    return rate_for("sms_phone_cooldown").period  # SMS_RESEND_COOLDOWN
