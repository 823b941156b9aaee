"""Log formatters that print what happened, never what a client typed raw.

Log messages carry values from requests: a path, an address, a host name.
Printed as they are, a newline in one starts a forged log line and an escape
sequence (``\\x1b[31m``, or the one-byte CSI ``\\x9b``) repaints the
operator's terminal. These formatters write every invisible or control
character of the rendered message as its escape (haima.core.text): the
message stays on its own line and reads as it was sent. Tracebacks keep
their line breaks but lose every other control character. A backslash is
printed as it is: ``\x1b`` typed as four characters reads like an escaped
ESC, but can neither split a line nor repaint anything.

LOGGING (config/settings/logs.py) gives one of these to every handler,
Django's and gunicorn's included: text lines, or JSON (``LOG_FORMAT``).
"""

import logging

from django.urls import Resolver404, resolve
from django.utils.log import ServerFormatter as DjangoServerFormatter
from pythonjsonlogger import json as jsonlogger

from .context import current_request_context
from .text import escape_invisible

# Every token in a link is longer (the shortest, a password reset's, has 40
# characters), every word of our URLs and static files' names shorter.
TOKEN_LENGTH = 32
REDACTED = "<redacted>"


class EscapingFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        # format() has just rendered record.message from msg % args, and
        # renders it again for the next handler: changing it here is local.
        record.message = escape_invisible(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        return escape_invisible(super().formatException(ei), keep="\n")

    def formatStack(self, stack_info: str) -> str:
        return escape_invisible(super().formatStack(stack_info), keep="\n")


class ServerFormatter(EscapingFormatter, DjangoServerFormatter):
    """runserver's request lines (``django.server``), escaped, then coloured.

    Django's formatter paints the message with escape sequences of its own;
    the client's text is escaped before, so only those reach the terminal.
    """

    def format(self, record: logging.LogRecord) -> str:
        record.msg, record.args = escape_invisible(record.getMessage()), None
        return super().format(record)

    def formatMessage(self, record: logging.LogRecord) -> str:
        return logging.Formatter.formatMessage(self, record)


class JsonFormatter(EscapingFormatter, jsonlogger.JsonFormatter):
    """One JSON object a line (``LOG_FORMAT=json``), for log collectors.

    Each record has the same facts as a text line: ``timestamp`` (UTC, ISO
    8601), ``level``, ``logger``, ``message`` (escaped as above, so the two
    formats read alike), a traceback as ``exc_info``, and, inside a request,
    the client's ``ip``. Nothing else: the extras that libraries attach to
    records are left out, among them Django's request (whose repr holds the
    path, and so a link's token) and Celery's task arguments.
    """

    FIELDS = ("timestamp", "level", "logger", "message", "ip", "exc_info", "stack_info")

    def __init__(self, **kwargs):
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
            **kwargs,
        )

    def process_log_record(self, log_data: dict) -> dict:
        context = current_request_context()
        if context is not None:
            log_data["ip"] = context.ip
        log_data["message"] = escape_invisible(log_data["message"])
        return {key: log_data[key] for key in self.FIELDS if key in log_data}


def access_path(path: str) -> str:
    """What a log shows of a request's path: its route, never a token.

    Links carry capabilities in their paths (``/user/active/<token>``, the
    password reset and email change links), so a path is shown as the route
    it matched, as /metrics counts it. A path that matched none (a 404, a
    static file, a link mangled on its way) is shown with each segment
    longer than TOKEN_LENGTH written ``<redacted>``: our words are shorter,
    and our tokens longer.
    """
    try:
        return "/" + resolve(path).route
    except Resolver404:
        return "/".join(
            REDACTED if len(segment) > TOKEN_LENGTH else segment
            for segment in path.split("/")
        )


class RouteFilter(logging.Filter):
    """Name the route, not the path, in Django's lines about a request.

    Django logs each 4xx and 5xx answer with its path ("Bad Request:
    /user/active/…", "Forbidden (CSRF token missing.): …"); for a link, the
    path holds its token. Given to every handler in LOGGING.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        path = getattr(getattr(record, "request", None), "path", None)
        if path and isinstance(record.args, tuple):
            # Django's log_response passes the path unicode-escaped.
            spellings = {path, path.encode("unicode_escape").decode("ascii")}
            record.args = tuple(
                access_path(path) if isinstance(arg, str) and arg in spellings else arg
                for arg in record.args
            )
        return True
