"""django-simple-captcha's refresh URL, under the limit every captcha obeys."""

from http import HTTPStatus

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from haima.core.context import RequestContext
from haima.core.exceptions import RateLimited

from .services import captcha_issue


@require_GET
def captcha_refresh(request):
    """Answer as ``captcha.views.captcha_refresh`` does, but count the row.

    Its own view mints a row per call with no limit, so it would be a way
    around the ``captcha_ip`` limit of the API and the pages.
    """
    if request.headers.get("x-requested-with") != "XMLHttpRequest":
        raise Http404
    try:
        issued = captcha_issue(context=RequestContext.from_request(request))
    except RateLimited as refused:
        response = JsonResponse(
            {"error": str(refused.message), "retry_after": refused.retry_after},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
        response["Retry-After"] = str(refused.retry_after)
        return response
    return JsonResponse(
        {"key": issued.key, "image_url": issued.image_url, "audio_url": None}
    )
