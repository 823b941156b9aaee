"""Values from requests cannot forge log lines or repaint a terminal (issue 9).

(The formatters are haima.core's; they are tested here with the account
inputs that made them necessary.)
"""

import io
import logging
import sys

import pytest
from django.conf import settings
from django.utils.log import DEFAULT_LOGGING

from haima.core.logs import EscapingFormatter, ServerFormatter

FORGERY = "ming\x1b[31m\nWARNING 2026-01-01 admin signed in\x9b"
ESCAPED = "ming\\x1b[31m\\nWARNING 2026-01-01 admin signed in\\x9b"


def record(msg, *args, name="haima.test", **extra) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)
    made.__dict__.update(extra)
    return made


def test_an_argument_is_escaped_on_one_line():
    line = EscapingFormatter("%(levelname)s %(message)s").format(
        record("no account for %s", FORGERY)
    )
    assert line == "WARNING no account for " + ESCAPED
    assert "\n" not in line and "\x1b" not in line and "\x9b" not in line


def test_a_message_built_beforehand_is_escaped_too():
    line = EscapingFormatter("%(message)s").format(record("login " + FORGERY))
    assert line == "login " + ESCAPED


def test_a_traceback_keeps_its_lines_but_not_its_escapes():
    try:
        raise ValueError("bad \x1b[2J value")
    except ValueError:
        failed = record("failed")
        failed.exc_info = sys.exc_info()
    text = EscapingFormatter("%(message)s").format(failed)
    assert text.startswith("failed\nTraceback")
    assert "\x1b" not in text and "ValueError: bad \\x1b[2J value" in text


def test_runservers_request_lines_are_escaped():
    line = ServerFormatter("[{server_time}] {message}", style="{").format(
        record(
            '"%s" %s %s',
            "GET /\x1b]0;owned\x07 HTTP/1.1",
            "404",
            "0",
            name="django.server",
            status_code=404,
        )
    )
    assert '"GET /\\x1b]0;owned\\x07 HTTP/1.1" 404 0' in line
    assert "\x07" not in line


def _handlers():
    """The handlers of the root, of LOGGING's loggers and of Django's own."""
    names = {"", *settings.LOGGING.get("loggers", {}), *DEFAULT_LOGGING["loggers"]}
    for name in sorted(names):
        logger = logging.getLogger(name or None)
        for handler in logger.handlers:
            if not type(handler).__module__.startswith("_pytest"):  # capture
                yield logger.name, handler


def test_every_configured_handler_escapes():
    handlers = list(_handlers())
    names = {name for name, _ in handlers}
    assert {"root", "django.server"} <= names
    assert "django" not in names  # Django's default handlers are gone
    for name, handler in handlers:
        assert isinstance(handler.formatter, EscapingFormatter), (name, handler)


@pytest.fixture
def console_output():
    """What the root's configured handler prints during the test."""
    [console] = [handler for name, handler in _handlers() if name == "root"]
    stream = io.StringIO()
    previous = console.setStream(stream)
    yield stream
    console.setStream(previous)


def test_the_configured_handler_keeps_a_forgery_on_one_line(console_output):
    logging.getLogger("haima.mail.services").warning(
        "Re-send of email %s failed: %s", 7, FORGERY
    )
    [line] = console_output.getvalue().splitlines()
    assert line.endswith("haima.mail.services: Re-send of email 7 failed: " + ESCAPED)


@pytest.mark.django_db
def test_a_forged_path_stays_on_one_line(client, console_output):
    client.get("/nope%0AERROR%20forged%1b%5b31m/")
    [line] = console_output.getvalue().splitlines()
    assert "django.request: Not Found: /nope\\nERROR forged\\x1b[31m/" in line


def test_celery_workers_keep_these_handlers(monkeypatch):
    from celery.signals import setup_logging

    import config.celery  # noqa: F401 (connects the receiver)

    configured = []
    monkeypatch.setattr("logging.config.dictConfig", configured.append)
    receivers = setup_logging.send(
        sender=None, loglevel="INFO", logfile=None, format="", colorize=False
    )
    assert receivers  # any receiver stops Celery installing its own handlers
    assert configured == [settings.LOGGING]
