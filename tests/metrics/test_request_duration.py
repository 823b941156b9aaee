"""haima_http_request_duration_seconds: by URL pattern, never by path."""

import pytest

from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

COUNT = "haima_http_request_duration_seconds_count"
ACTIVATE_ROUTE = "/user/active/(?P<token>[^/]+)/?$"


def added(before, after, **labels) -> float:
    return after.value(COUNT, **labels) - before.value(COUNT, **labels)


def test_the_route_is_the_url_pattern_never_the_token(client, scrape):
    token = "MQ-c5x1q2-9f3b7e0d4a6c8b1e2f3a"
    before = scrape()
    client.get(f"/user/active/{token}/")
    client.get(f"/user/active/{token}/")
    after = scrape()
    assert added(before, after, method="GET", route=ACTIVATE_ROUTE) == 2
    assert token not in after.text


def test_a_path_that_matches_nothing_is_one_route(client, scrape):
    before = scrape()
    client.get("/no-such-page/secret-0123456789/")
    after = scrape()
    assert added(before, after, route="<unmatched>", status="404") == 1
    assert "secret-0123456789" not in after.text


def test_api_calls_are_labelled_by_endpoint_and_status(api_client, user, scrape):
    before = scrape()
    api_client.post_json("/api/v1/login", {"login": "xiaoming", "password": "nope"})
    api_client.post_json(
        "/api/v1/login", {"login": "xiaoming", "password": STRONG_PASSWORD}
    )
    after = scrape()
    login = {"method": "POST", "route": "/api/v1/login"}
    assert added(before, after, **login, status="401") == 1
    assert added(before, after, **login, status="200") == 1
    # The histogram: cumulative buckets up to +Inf, which holds every request.
    buckets = after.samples(
        "haima_http_request_duration_seconds_bucket", **login, status="200"
    )
    assert [sample.labels["le"] for sample in buckets][-1] == "+Inf"
    assert buckets[-1].value == after.value(COUNT, **login, status="200")
    assert after.value("haima_http_request_duration_seconds_sum", **login) > 0


def test_an_unknown_method_is_other(client, scrape):
    before = scrape()
    client.generic("BREW", "/")
    after = scrape()
    assert added(before, after, method="other", route="/") == 1
    assert 'method="BREW"' not in after.text


def test_a_scrape_is_timed_too(scrape):
    first = scrape()
    second = scrape()
    assert added(first, second, method="GET", route="/metrics", status="200") == 1
