"""Time every request, from the first middleware to the response."""

import time

from .metrics import REQUEST_DURATION, request_labels


class RequestDurationMiddleware:
    """Observe each request's duration in ``haima_http_request_duration_seconds``.

    First in MIDDLEWARE, so the time includes every other middleware, and
    the answers they make themselves (whitenoise's files, 404s, redirects).
    A streamed body is timed until its response is returned, not sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_DURATION.labels(*request_labels(request, response)).observe(
            time.perf_counter() - started
        )
        return response
