"""Keep the API's promises for answers that Django or ninja make themselves."""

from http import HTTPStatus

from django.middleware.csrf import CsrfViewMiddleware

from haima.core.exceptions import Reason

from .envelope import envelope_response, is_api_request
from .unavailable import RETRY_AFTER, store_was_unreachable

# Headers of an error answer that still matter once it is an envelope.
KEPT_HEADERS = ("Allow", "Retry-After", "Vary")


class ApiEnvelopeMiddleware:
    """Turn every error answer under /api/ that is not an envelope into one.

    Covers what never reaches the API's exception handlers: ninja's 405, the
    404 of unknown paths, and Django's 500 page (which in DEBUG would show a
    traceback) for failures in views and in the middleware inside this one.
    A failure to reach a store is a 503 (haima.api.unavailable).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_request(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            if store_was_unreachable(request):
                replacement = envelope_response(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    data={"reason": Reason.UNAVAILABLE},
                )
                replacement["Retry-After"] = str(RETRY_AFTER)
            else:
                replacement = envelope_response(response.status_code)
            for header in KEPT_HEADERS:
                if header in response:
                    replacement[header] = response[header]
            # Django logs an answer once: not again for its envelope.
            if getattr(response, "_has_been_logged", False):
                replacement._has_been_logged = True
            return replacement
        return response


def _csrf_protected_view():
    """Stand-in for API views in the CSRF check: it has no csrf_exempt mark."""


class ApiCsrfViewMiddleware(CsrfViewMiddleware):
    """Django's CSRF check, applied to the API too.

    django-ninja marks its views csrf_exempt and checks CSRF only for some
    auth classes, after routing. Checking here covers every endpoint, before
    the method is looked at, as Django does for pages.
    """

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if is_api_request(request):
            callback = _csrf_protected_view
            # The check reads request.POST, which consumes a multipart body
            # as a stream; read into memory first, the body stays readable
            # for the API's parser (a 415 then, not a RawPostDataException).
            request.body  # noqa: B018
        return super().process_view(request, callback, callback_args, callback_kwargs)
