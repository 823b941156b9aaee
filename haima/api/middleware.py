"""Keep the API's promises for answers that Django or ninja make themselves."""

from django.middleware.csrf import CsrfViewMiddleware

from .envelope import envelope_response, is_api_request

# Headers of an error answer that still matter once it is an envelope.
KEPT_HEADERS = ("Allow", "Retry-After", "Vary")


class ApiEnvelopeMiddleware:
    """Turn every error answer under /api/ that is not an envelope into one.

    Covers what never reaches the API's exception handlers: ninja's 405, the
    404 of unknown paths, and Django's 500 page (which in DEBUG would show a
    traceback) for failures in views and in the middleware inside this one.
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
            replacement = envelope_response(response.status_code)
            for header in KEPT_HEADERS:
                if header in response:
                    replacement[header] = response[header]
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
        return super().process_view(request, callback, callback_args, callback_kwargs)
