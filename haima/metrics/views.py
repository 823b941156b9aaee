"""GET /metrics: the Prometheus text format, for the allowed addresses only."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from haima.core.client_ip import client_ip

from .access import ip_allowed


# Exempt: the address is checked first, so that a refused client gets the
# 404 of an unknown path for any method, not a CSRF 403 that shows the URL
# exists. The view changes nothing.
@csrf_exempt
@never_cache
def metrics(request):
    if not ip_allowed(client_ip(request), settings.METRICS_ALLOWED_IPS):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(
        generate_latest(_registry()), content_type=CONTENT_TYPE_PLAIN_0_0_4
    )


def _registry():
    """This process's registry, or, when gunicorn's workers each keep their
    metrics in PROMETHEUS_MULTIPROC_DIR, one that adds up all their files
    (those of exited workers too: their counts stay in the totals)."""
    path = settings.PROMETHEUS_MULTIPROC_DIR
    if not path:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=path)
    return registry
