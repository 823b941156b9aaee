"""SMS endpoint: send a code. Signing in or binding with it is in accounts."""

from http import HTTPStatus

from ninja import Router

from haima.api.envelope import WITH_BODY, Envelope, envelope, error_responses
from haima.core.context import RequestContext
from haima.core.exceptions import NotAuthenticated

from .models import SmsSend
from .schemas import SmsSendIn, SmsSendOut
from .services import sms_code_send

router = Router(tags=["sms"])


@router.post(
    "sms/send",
    response={
        200: Envelope[SmsSendOut],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED),
    },
)
def sms_send(request, payload: SmsSendIn):
    """Text a 6-digit code to a mainland mobile number, after a solved captcha.

    ``purpose`` is ``login`` or ``bind`` (signed in only). The answer is the
    same whether or not the phone has an account. 429 inside the cooldown,
    past 5 codes per phone an hour, 10 a day or 20 per IP a day; 503 past the
    site's daily budget.
    """
    if payload.purpose == SmsSend.Purpose.BIND and not request.user.is_authenticated:
        raise NotAuthenticated()
    cooldown = sms_code_send(
        phone=payload.phone,
        purpose=payload.purpose,
        context=RequestContext.from_request(request),
        captcha_key=payload.captcha_key,
        captcha_answer=payload.captcha_answer,
    )
    return envelope({"cooldown": cooldown})
