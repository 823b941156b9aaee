"""Staff in the admin, and customers signed in elsewhere."""

from http import HTTPStatus

import pytest
from django.test import Client

from haima.accounts.models import User
from tests.helpers import STRONG_PASSWORD

STAFF_PASSWORD = "Boss-Pass-123"


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("boss", "boss@example.cn", STAFF_PASSWORD)


@pytest.fixture
def staff_client(staff):
    """The admin in English, as a superuser signed in on this client."""
    client = Client(
        REMOTE_ADDR="10.0.0.9",
        HTTP_USER_AGENT="staff-browser",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    client.force_login(staff)
    return client


def admin_action(client, changelist: str, action: str, *objects):
    """Run ``action`` on ``objects`` from the changelist, as the form posts it;
    return the page it leads to."""
    response = client.post(
        changelist,
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    return response


def api_sign_in(
    client, login="xiaoming", password=STRONG_PASSWORD, ip="127.0.0.1", **body
):
    return client.post(
        "/api/v1/login",
        {"login": login, "password": password, **body},
        content_type="application/json",
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=f"phone-browser/{ip}",
    )


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
