"""A username or address is found in any case, from the unique constraints'
indexes (haima.accounts.models.LowerExact), never by reading the table."""

import pytest
from django.db import connection

from haima.accounts.models import User
from haima.accounts.selectors import user_by_login
from tests.factories import user_create

pytestmark = pytest.mark.django_db


def test_any_case_finds_the_user_and_wildcards_are_plain_characters():
    user = user_create(username="Xiao_Ming", email="Ming@example.cn")
    user_create(username="xiaoAming", email="other@example.cn")

    assert user_by_login("xIAO_mING") == user
    assert user_by_login("ming@EXAMPLE.cn") == user
    assert user_by_login("xiao%ming") is None
    assert list(User.objects.filter(username__iexact="XIAO_MING")) == [user]


@pytest.mark.services
@pytest.mark.parametrize("field", ["username", "email"])
def test_postgresql_answers_from_the_unique_index(field):
    query = User.objects.filter(**{f"{field}__iexact": "Someone@Example.cn"}).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_seqscan = off"
        )  # a tiny table: force the plan's choice
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert f"accounts_user_{field}_ci_unique" in plan
