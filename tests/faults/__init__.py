"""Faults: real processes on loopback stopped, killed and started again.

Each test counts what went in (requests, registrations, codes) and what came
out (answers, emails, texts), and asserts that nothing was lost or doubled.
Stores a test stops are private (tests/processes.py: RedisServer,
PostgresCluster; a RabbitMQ vhost): the machine's own serve other runs.
Nothing waits for real backoff: where the product would wait (a lease, a
visibility timeout, the beat's period) the test moves that clock on the row
or runs what beat would run.

Redis stopped (test_redis_stopped)
    gunicorn on a private Redis. Stopped: the API answers CONTRACT §3's 503
    envelope with Retry-After, pages a 503 page, no trace in a body and no
    500 in the log. Started again, empty, on the same port: the same
    gunicorn worker answers again. Proves the stores are reached per
    request, not held broken.

SMTP down during registrations (test_smtp_down)
    Registrations while nothing listens on the SMTP port: each 201, each
    email pending with its error. The SMTP server comes up, the beat's
    re-send runs: every activation email arrives exactly once. Proves the
    outbox keeps what SMTP refused, and its lease keeps the task's own
    retries and the re-send from sending twice.

Celery worker killed in the middle of a task (test_worker_killed)
    An SMTP server hangs in DATA on an email; its sender is SIGKILLed. With
    Redis as broker: first the child process of a prefork worker
    (production's pool), as the OOM killer would; then the whole worker.
    With RabbitMQ (a private vhost): the whole worker. Tasks are acknowledged
    late. A prefork worker puts its dead child's task back at once
    (reject_on_worker_lost) and RabbitMQ does when the connection drops: the
    task runs again, finds the email leased by the dead sender (2 minutes)
    and leaves it. A whole worker gone on Redis leaves its task parked for
    the visibility timeout, an hour. Either way the outbox re-send (beat,
    every 5 minutes, for emails idle 2 minutes) delivers the email, once.
    Proves that no task and no email is lost, and that the outbox, not the
    broker's hour, bounds the delay: about 7 minutes at most.

Broker stopped (test_broker_stopped)
    A private Redis as CELERY_BROKER_URL only. Stopped: registrations still
    answer 201 within the request's timeout, their emails pending. Started
    again: the worker reconnects and the re-send delivers each email once.

PostgreSQL restarted (test_postgres_restarted)
    gunicorn on a private cluster, which is restarted (fast mode): the next
    requests succeed on the same gunicorn worker (CONN_HEALTH_CHECKS drops
    the dead persistent connection); while it is stopped, the 503 envelope.

SMS provider answering errors and timeouts (test_sms_provider)
    The Aliyun stand-in throttles (Throttling.User), answers 503, stalls past
    the SDK's read timeout, then says OK: the code is texted once and signs
    in; the task's retries stop before the code would expire; SmsSend and
    the audit trail say what happened; no log record, DEBUG included, holds
    the code or the phone (urllib3 logged SendSms's query string, which
    holds both, at DEBUG: config/settings keeps it at INFO).
"""
