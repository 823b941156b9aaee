"""The user pages of the admin: search, sessions and recent events."""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from haima.audit.models import AccountEvent
from haima.audit.services import Kind, event_record
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

from .conftest import api_sign_in

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"


def found(client, term: str) -> set[str]:
    response = client.get(USERS, {"q": term})
    assert response.status_code == HTTPStatus.OK
    return {user.username for user in response.context["cl"].result_list}


@pytest.fixture
def customers(db):
    user_create(phone="+8613800138000")
    user_create("xiaohong", "hong@example.cn", phone="+8613911112222")
    user_create("dawei", "wei@shop.example", phone=None)


@pytest.mark.parametrize(
    "term",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
     "+8613800138000", "0013 8000", "xiaoming", "MING@example.cn"],
)  # fmt: skip
def test_users_are_found_by_username_email_or_phone_as_typed(
    staff_client, customers, term
):
    assert found(staff_client, term) == {"xiaoming"}


def test_a_search_by_phone_still_honours_the_filters(staff_client, customers):
    response = staff_client.get(USERS, {"q": "138-0013-8000", "is_active__exact": 0})
    assert list(response.context["cl"].result_list) == []


def change_page(client, user) -> str:
    response = client.get(f"{USERS}{user.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_the_change_page_lists_live_sessions_without_their_keys(staff_client, user):
    assert "No active session." in change_page(staff_client, user)
    customer = Client()
    api_sign_in(customer, ip="198.51.100.7")

    html = change_page(staff_client, user)
    assert "198.51.100.7" in html and "phone-browser/198.51.100.7" in html
    assert customer.cookies["sessionid"].value not in html
    assert "No active session." not in html


def test_the_change_page_shows_the_last_twenty_events_newest_first(staff_client, user):
    for number in range(25):
        event_record(Kind.LOGIN_FAILED, user=user, code=f"try-{number:02}")
    html = change_page(staff_client, user)
    shown = re.findall(r"try-(\d\d)", html)
    assert shown == [f"{number:02}" for number in range(24, 4, -1)]


def test_all_events_of_the_user_are_one_click_away(staff_client, user):
    other = user_create("xiaohong", "hong@example.cn")
    event_record(Kind.LOGIN_FAILED, user=user, code="mine")
    event_record(Kind.LOGIN_FAILED, user=other, code="theirs")
    link = re.search(
        r'href="([^"]+user__id__exact=\d+)"', change_page(staff_client, user)
    )
    response = staff_client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == HTTPStatus.OK
    assert [e.code for e in response.context["cl"].result_list] == ["mine"]


def test_events_show_only_to_staff_allowed_to_read_the_trail(user):
    staff = user_create("clerk", None, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_user"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    event_record(Kind.LOGIN_FAILED, user=user, code="hidden-code")
    html = change_page(client, user)
    assert "Active sessions" in html
    assert "hidden-code" not in html
    assert AccountEvent.objects.filter(code="hidden-code").exists()


def test_what_the_client_sent_is_shown_as_text(staff_client, user):
    Client().post(
        "/api/v1/login",
        {"login": "xiaoming", "password": STRONG_PASSWORD},
        content_type="application/json",
        HTTP_USER_AGENT="<script>alert(1)</script>",
    )
    html = change_page(staff_client, user)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
