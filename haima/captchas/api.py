"""Captcha endpoints: a fresh captcha (also "refresh") and the pre-check."""

from dataclasses import asdict
from http import HTTPStatus

from ninja import Router

from haima.api.envelope import (
    ANY_CALL,
    WITH_BODY,
    Envelope,
    envelope,
    error_responses,
)
from haima.core.context import RequestContext

from .schemas import CaptchaCheckIn, CaptchaCheckOut, CaptchaOut
from .services import captcha_check, captcha_issue

router = Router(tags=["captcha"])


@router.get(
    "captcha",
    response={
        200: Envelope[CaptchaOut],
        **error_responses(ANY_CALL, HTTPStatus.TOO_MANY_REQUESTS),
    },
)
def captcha_new(request):
    """Issue a fresh captcha; ``image_url`` is relative to the site root."""
    return envelope(asdict(captcha_issue(context=RequestContext.from_request(request))))


@router.post(
    "captcha/check",
    response={200: Envelope[CaptchaCheckOut], **error_responses(WITH_BODY)},
)
def captcha_check_answer(request, payload: CaptchaCheckIn):
    """Pre-check an answer for the page's hint.

    A right answer leaves the captcha live for the one protected action that
    follows; a wrong answer spends it (400).
    """
    captcha_check(key=payload.key, answer=payload.answer)
    return envelope({"valid": True})
