"""/healthz and /readyz: the probes of a load balancer or an orchestrator.

``/healthz`` (liveness) answers 200 while the process serves requests and
touches no service: a Redis outage must take traffic away from the web
processes, not get every one of them restarted. ``/readyz`` (readiness)
runs django-health-check's checks on what a request needs: the database,
both cache aliases (``security`` fails closed, so without it sign-ins
fail) and the Celery broker when there is one (embedded, tasks run
in-process and there is nothing to check). 200 when all answer; otherwise
503, so that the balancer sends requests elsewhere until they do.

Both answer JSON naming each check ``ok`` or ``unavailable``, and nothing
else: why a check failed (a host, a port, a driver's message) goes only to
METRICS_ALLOWED_IPS, as /metrics does, and to the log.
"""

import asyncio
import dataclasses
from http import HTTPStatus

from celery import current_app
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable
from kombu.exceptions import OperationalError

from haima.metrics.access import ip_allowed

from .client_ip import client_ip


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connect to the Celery broker (Redis or RabbitMQ) as publishing does.

    One attempt, no retry: the probe asks whether the broker answers now.
    """

    url: str = dataclasses.field(repr=False)  # it may hold a password

    def run(self) -> None:
        try:
            with current_app.connection_for_write(self.url) as connection:
                connection.ensure_connection(max_retries=0)
        except (OSError, OperationalError) as error:
            raise ServiceUnavailable("Unable to connect to the broker.") from error


def readiness_checks() -> dict[str, HealthCheck]:
    """What /readyz checks, by the name its answer gives each."""
    checks = {
        "database": Database(),
        "cache": Cache(alias="default"),
        "security_cache": Cache(alias="security"),
    }
    if settings.CELERY_BROKER_URL:
        checks["broker"] = Broker(url=settings.CELERY_BROKER_URL)
    return checks


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
async def readyz(request):
    checks = readiness_checks()
    results = await asyncio.gather(*(check.get_result() for check in checks.values()))
    errors = {name: r.error for name, r in zip(checks, results, strict=True) if r.error}
    body = {
        "status": "unavailable" if errors else "ok",
        "checks": {name: "unavailable" if name in errors else "ok" for name in checks},
    }
    if errors and ip_allowed(client_ip(request), settings.METRICS_ALLOWED_IPS):
        body["errors"] = {name: str(error) for name, error in errors.items()}
    status = HTTPStatus.SERVICE_UNAVAILABLE if errors else HTTPStatus.OK
    return JsonResponse(body, status=status)
