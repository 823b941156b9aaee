"""LOG_FORMAT=json: one JSON object a line, escaped, and no path's token."""

import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.logs import logging_config
from haima.core.context import RequestContextMiddleware
from haima.core.logs import JsonFormatter, RouteFilter, access_path

pytestmark = pytest.mark.django_db  # the embedded caches are a table

FORGERY = "ming\x1b[31m\nWARNING forged\x9b"
ACTIVATION_TOKEN = "eyJ1IjoxLCJmIjoiYWJjIn0:1vOdx2:Qm9ndXMtc2lnbmF0dXJlLWZvci10ZXN0cw"
RESET_TOKEN = "MQ.cz8k1a-0123456789abcdef0123456789abcdef"


def record(msg, *args, **extra) -> logging.LogRecord:
    made = logging.LogRecord(
        "haima.test", logging.WARNING, __file__, 1, msg, args, None
    )
    made.__dict__.update(extra)
    return made


def test_a_record_is_one_json_object_with_the_same_escaped_message():
    line = JsonFormatter().format(record("no account for %s", FORGERY))
    assert "\n" not in line and "\x1b" not in line and "\x9b" not in line
    document = json.loads(line)
    assert set(document) == {"timestamp", "level", "logger", "message"}
    assert (document["level"], document["logger"]) == ("WARNING", "haima.test")
    assert document["message"] == "no account for ming\\x1b[31m\\nWARNING forged\\x9b"
    assert document["timestamp"].endswith("+00:00")


def test_inside_a_request_the_clients_address_is_given(rf):
    def view(request):
        return JsonFormatter().format(record("signed in"))

    line = RequestContextMiddleware(view)(rf.get("/", REMOTE_ADDR="203.0.113.9"))
    assert json.loads(line)["ip"] == "203.0.113.9"


def test_extras_that_libraries_attach_are_left_out():
    line = JsonFormatter().format(
        record("Bad Request: %s", "/x", request=f"<WSGIRequest /{RESET_TOKEN}>")
    )
    assert RESET_TOKEN not in line
    assert "request" not in json.loads(line)


def test_a_traceback_is_one_escaped_field():
    try:
        raise ValueError("bad \x1b[2J value")
    except ValueError as error:
        failed = record("failed", exc_info=(ValueError, error, error.__traceback__))
    document = json.loads(JsonFormatter().format(failed))
    assert "ValueError: bad \\x1b[2J value" in document["exc_info"]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/user/active/{ACTIVATION_TOKEN}", "/user/active/(?P<token>[^/]+)/?$"),
        (f"/user/password/reset/{RESET_TOKEN}/", "/user/password/reset/<str:token>/"),
        ("/api/v1/login", "/api/v1/login"),
        # No route: a link mangled on its way, a static file, a probe.
        (f"/user/password/reset/{RESET_TOKEN}/)", "/user/password/reset/<redacted>/)"),
        ("/static/haima/app.0c1d2e3f4a5b.js", "/static/haima/app.0c1d2e3f4a5b.js"),
        ("/wp-login.php", "/wp-login.php"),
    ],
)
def test_a_path_is_shown_as_its_route(path, shown):
    assert access_path(path) == shown


def test_djangos_lines_about_a_request_name_its_route(rf):
    request = rf.get(f"/user/active/{ACTIVATION_TOKEN}")
    bad = record("Bad Request: %s", request.path, request=request)
    assert RouteFilter().filter(bad)
    assert bad.getMessage() == "Bad Request: /user/active/(?P<token>[^/]+)/?$"


def test_the_console_formats_as_log_format_says():
    def formatter(log_format):
        config = logging_config(log_format=log_format, level="INFO")
        return config["handlers"]["console"]["formatter"]

    assert (formatter("json"), formatter("text")) == ("json", "plain")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config(log_format="yaml", level="INFO")
