import pytest


@pytest.fixture
def mail_delivery(mail_delivery, live_server, settings):
    """conftest's, with links in mail sent in-process pointing at the live server."""
    settings.SITE_URL = live_server.url
    return mail_delivery
