"""gunicorn's settings file: hooks only, the command line sets the rest.

gunicorn reads ``./gunicorn.conf.py`` by itself when started from the
project's folder (as the README's ``gunicorn config.wsgi ...`` is);
elsewhere pass ``-c /path/to/gunicorn.conf.py``.

Metrics across workers: each worker is a process with its own counters. Set
``PROMETHEUS_MULTIPROC_DIR`` to a directory of this server's own, **empty when
gunicorn starts** (``rm -rf "$PROMETHEUS_MULTIPROC_DIR"/*`` or systemd's
``RuntimeDirectory=``): every worker then writes its metrics to files there
and ``/metrics`` adds them all up, those of exited workers included, so the
totals survive a worker's restart. Files left by an earlier run would be
added in too, and never go.
"""

import glob
import os

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


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
