"""Scrape /metrics as Prometheus would, and read samples out of it."""

from http import HTTPStatus

import pytest

from tests.metrics.scraping import Scrape


@pytest.fixture
def scrape(client):
    """Take a scrape from loopback, which METRICS_ALLOWED_IPS lets in."""

    def take() -> Scrape:
        response = client.get("/metrics")
        assert response.status_code == HTTPStatus.OK
        return Scrape(response.content.decode())

    return take
