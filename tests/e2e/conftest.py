"""Browser tests (Playwright on Debian's Chromium).

What a page does in the browser does not depend on the storage engine, so
most of these run only in the services pass (marked ``services``); the
embedded pass keeps the journeys — register, activate, sign in by password
and by SMS, with and without JavaScript — as proof that ``make run``'s
default works end to end. That keeps ``make test`` within its budget.
"""

import pytest


@pytest.fixture
def mail_delivery(mail_delivery, live_server, settings):
    """conftest's, with links in mail sent in-process pointing at the live server."""
    settings.SITE_URL = live_server.url
    return mail_delivery
