"""gunicorn's settings: ``gunicorn config.wsgi -c gunicorn.conf.py``.

gunicorn reads ``./gunicorn.conf.py`` by itself when started from the
project's folder; elsewhere pass ``-c /path/to/gunicorn.conf.py``. Options on
the command line win over this file (``--workers 4``, ``--timeout 60``).

Logs: gunicorn's own lines and its access log go through Django's LOGGING
(config/settings/logs.py), so they have the format of every other line
(JSON in production) and go where it sends them (standard error, which
journald collects); ``--access-logfile`` and ``--error-logfile`` are
superseded. The access log names a request by its route and shows no query
string, referrer or raw request line: links carry tokens in their paths and
queries, and a referrer repeats them.

Metrics across workers: each worker is a process with its own counters. Set
``PROMETHEUS_MULTIPROC_DIR`` to a directory of this server's own, **empty when
gunicorn starts** (``rm -rf "$PROMETHEUS_MULTIPROC_DIR"/*`` or systemd's
``RuntimeDirectory=``): every worker then writes its metrics to files there
and ``/metrics`` adds them all up, those of exited workers included, so the
totals survive a worker's restart. Files left by an earlier run would be
added in too, and never go.
"""

import glob
import multiprocessing
import os

from gunicorn.glogging import Logger

from config.startup import exit_on_misconfiguration

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# One sync worker per core: sign-ins hash with Argon2id and are CPU-bound,
# so more workers than cores would only queue for the CPU.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
# A worker silent for this long is killed and replaced; a request needs
# well under a second, and Redis, SMTP and the broker all time out sooner.
timeout = 30
# On a restart (SIGHUP, SIGTERM), the time workers get to finish requests.
graceful_timeout = 30
# Longer than the idle timeout of the proxy in front (60 s for nginx and
# most load balancers), so that the proxy closes idle connections, not
# gunicorn under its feet. Only threaded workers (--threads) keep
# connections; sync workers close each after its response.
keepalive = 75

access_log_format = '%(h)s %(m)s %(U)s %(s)s %(B)s %(M)sms "%(a)s"'


def _django_logging() -> dict:
    from django.conf import settings

    return settings.LOGGING


logconfig_dict = exit_on_misconfiguration(_django_logging)


class RouteLogger(Logger):
    """gunicorn's logger, showing no secret a request's URL carries.

    ``%(U)s`` is the route (haima.core.logs.access_path); the atoms that
    hold the query string, the raw request line or the referrer are blanked,
    should ``access_log_format`` ever name them.
    """

    def atoms(self, resp, req, environ, request_time):
        from haima.core.logs import access_path

        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = access_path(atoms["U"] or "/")
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        atoms["q"] = atoms["f"] = atoms["{referer}i"] = "-"
        return atoms


logger_class = RouteLogger


def on_starting(server):
    if not MULTIPROC_DIR:
        return
    if not os.path.isdir(MULTIPROC_DIR):
        raise SystemExit(
            f"haima: PROMETHEUS_MULTIPROC_DIR is not a directory: {MULTIPROC_DIR}"
        )
    if glob.glob(os.path.join(MULTIPROC_DIR, "*.db")):
        server.log.warning(
            "PROMETHEUS_MULTIPROC_DIR %s holds metrics of an earlier run: "
            "/metrics adds them in; empty it before starting",
            MULTIPROC_DIR,
        )


def child_exit(server, worker):
    """Drop the exited worker's live gauges (its counters stay counted)."""
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, MULTIPROC_DIR)
