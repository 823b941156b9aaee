from django.http import Http404
from django.urls import path, re_path

from .api import api


def unknown_endpoint(request, rest: str = ""):
    # ApiEnvelopeMiddleware turns Django's 404 into the envelope.
    raise Http404(rest)


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint),
]
