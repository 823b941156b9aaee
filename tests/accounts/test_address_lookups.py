"""Whether an address has an account never shows in the request's work."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haima.accounts.models import User

pytestmark = pytest.mark.django_db
# Values, numbers and savepoint names differ between any two requests.
MASK = re.compile(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b")


def request_work(api_client, path, email, ip, capture) -> tuple[list[str], int]:
    """The SQL the request ran (values masked) and the tasks it queued.

    Each from its own address, so that no counter is older for one of them.
    """
    with capture() as callbacks, CaptureQueriesContext(connection) as queries:
        response = api_client.post_json(path, {"email": email}, REMOTE_ADDR=ip)
    assert response.status_code == HTTPStatus.OK
    statements = [MASK.sub("?", q["sql"]) for q in queries]
    return statements, len(callbacks)


@pytest.mark.parametrize(
    ("path", "active"),
    [("/api/v1/password/reset", True), ("/api/v1/activation/resend", False)],
)
def test_known_and_unknown_addresses_cost_the_request_the_same(
    api_client, user, path, active, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=user.pk).update(is_active=active)
    capture = django_capture_on_commit_callbacks
    known = request_work(api_client, path, "ming@example.cn", "10.9.0.1", capture)
    unknown = request_work(api_client, path, "nobody@example.cn", "10.9.0.2", capture)
    assert known == unknown
    assert known[1] == 1  # one task queued for each, deciding later
    assert not any("accounts_user" in sql for sql in known[0])
