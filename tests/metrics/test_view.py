"""GET /metrics: valid Prometheus text, for the allowed addresses only."""

import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ImproperlyConfigured
from prometheus_client.parser import text_string_to_metric_families

from haima.metrics.access import ip_allowed, metrics_settings_check
from tests.test_startup import STRONG_KEY, assert_refused_naming, manage_check

pytestmark = pytest.mark.django_db

OUTSIDER = "203.0.113.9"


def not_found_like_any_unknown_path(client, response, **meta) -> None:
    unknown = client.generic(response.request["REQUEST_METHOD"], "/metricz", **meta)
    assert response.status_code == unknown.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == unknown["Content-Type"]
    # The same page, but for the path it names and a fresh CSRF token.
    page = unknown.content.decode().replace("/metricz", "/metrics")
    assert without_csrf_tokens(response.content.decode()) == without_csrf_tokens(page)


def without_csrf_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)


def test_loopback_gets_both_families_in_prometheus_text(client):
    response = client.get("/metrics")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    families = {
        family.name: family.type
        for family in text_string_to_metric_families(response.content.decode())
    }
    assert families["haima_account_events"] == "counter"
    assert families["haima_http_request_duration_seconds"] == "histogram"


def test_ipv6_loopback_is_let_in_too(client):
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == HTTPStatus.OK


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD"])
def test_any_other_address_gets_the_404_of_an_unknown_path(client, method):
    response = client.generic(method, "/metrics", REMOTE_ADDR=OUTSIDER)
    not_found_like_any_unknown_path(client, response, REMOTE_ADDR=OUTSIDER)


def test_networks_can_be_allowed(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "2001:db8::/32"]
    for ip in ("10.1.2.3", "2001:db8::7", "::ffff:10.9.9.9"):
        assert client.get("/metrics", REMOTE_ADDR=ip).status_code == HTTPStatus.OK
    for ip in ("127.0.0.1", "11.0.0.1", "2001:db9::1"):
        response = client.get("/metrics", REMOTE_ADDR=ip)
        assert response.status_code == HTTPStatus.NOT_FOUND, ip


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(client, settings):
    # No proxy is trusted: the header is the client's own claim.
    response = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR="127.0.0.1"
    )
    assert response.status_code == HTTPStatus.NOT_FOUND

    # Behind one proxy on loopback, the client is the address it forwarded.
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDER
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    response = client.get(
        "/metrics",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{OUTSIDER}, 127.0.0.1",  # the client's claim first
    )
    assert response.status_code == HTTPStatus.OK


def test_other_methods_are_refused_to_the_allowed(client):
    response = client.post("/metrics")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"


def test_what_is_no_address_is_refused():
    assert not ip_allowed("", ["0.0.0.0/0"])
    assert not ip_allowed("unknown", ["0.0.0.0/0"])
    assert ip_allowed("fe80::1%eth0", ["fe80::/10"])


@pytest.mark.parametrize("entry", ["10.0.0.300", "localhost", "10.0.0.1/8"])
def test_a_bad_allow_list_is_refused(settings, entry):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", entry]
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_IPS"):
        metrics_settings_check(settings)


def test_a_missing_multiprocess_directory_is_refused(settings, tmp_path):
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path / "absent")
    with pytest.raises(ImproperlyConfigured, match="PROMETHEUS_MULTIPROC_DIR"):
        metrics_settings_check(settings)


def test_a_bad_allow_list_stops_start_up(tmp_path):
    result = manage_check(
        tmp_path, SECRET_KEY=STRONG_KEY, METRICS_ALLOWED_IPS="127.0.0.1,10.0.0.300"
    )
    assert_refused_naming(result, "METRICS_ALLOWED_IPS")
