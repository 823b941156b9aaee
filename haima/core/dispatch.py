"""Publish Celery tasks after commit, never making the request fail or wait.

A task is published only once the transaction that made its data commits.
If the broker is unreachable the request still succeeds: callers keep a
durable record (the mail outbox) that a periodic task picks up later. With
no broker (the embedded default) the task runs in-process once the response
has been sent, so the user never waits for SMTP.
"""

import logging
from contextvars import ContextVar
from functools import partial

from celery import Task
from django.core.signals import request_finished, request_started
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

_after_response: ContextVar[list | None] = ContextVar("after_response", default=None)


def task_publish_on_commit(task: Task, *args) -> None:
    transaction.on_commit(partial(task_publish, task, *args))


def task_publish(task: Task, *args) -> bool:
    """Publish now; return False if the broker could not be reached.

    For callers that must tell the user at once (an SMS code), outside any
    transaction. Arguments are never logged: they may carry sealed secrets.
    """
    if task.app.conf.task_always_eager:
        # One attempt: an eager retry would run again at once, ignoring its
        # backoff. What fails stays in the caller's durable record.
        _run_after_response(partial(task.apply, args, retries=task.max_retries))
        return True
    try:
        task.apply_async(args, retry=False)
    except (OperationalError, OSError) as error:
        logger.warning("Broker unreachable, %s not published: %s", task.name, error)
        return False
    return True


def _run_after_response(callback) -> None:
    pending = _after_response.get()
    if pending is None:  # not inside a request: nobody is waiting
        _run_logged(callback)
    else:
        pending.append(callback)


def _run_logged(callback) -> None:
    # The action has committed: a failed side effect must not undo its answer.
    try:
        callback()
    except Exception:
        logger.exception("In-process task failed; its record stays for a re-send")


def _open_request(**kwargs) -> None:
    _after_response.set([])


def _finish_request(**kwargs) -> None:
    pending = _after_response.get() or []
    _after_response.set(None)
    for callback in pending:
        _run_logged(callback)


request_started.connect(_open_request, dispatch_uid="haima.dispatch.open")
request_finished.connect(_finish_request, dispatch_uid="haima.dispatch.finish")
