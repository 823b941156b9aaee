"""Views shared by every app: the CSRF failure answer."""

from http import HTTPStatus

from django.shortcuts import render
from django.utils.translation import gettext as _

from haima.api.envelope import envelope_response, is_api_request


def csrf_failure(request, reason: str = ""):
    """Answer a failed CSRF check: an envelope on the API, a page elsewhere."""
    if is_api_request(request):
        return envelope_response(
            HTTPStatus.FORBIDDEN,
            _("CSRF token missing or incorrect; fetch it again from /api/v1/csrf."),
            {"reason": "csrf"},
        )
    return render(request, "403_csrf.html", status=HTTPStatus.FORBIDDEN)
