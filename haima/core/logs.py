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

LOGGING (config/settings/base.py) gives one of these to every handler,
Django's own included.
"""

import logging

from django.utils.log import ServerFormatter as DjangoServerFormatter

from .text import escape_invisible


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
