"""The user a session names (UsernameOrEmailBackend.get_user), made from a
cursor row: the same instance the ORM makes, on either engine."""

import pytest
from django.utils import timezone

from haima.accounts.backends import UsernameOrEmailBackend
from haima.accounts.models import User
from tests.factories import user_create

pytestmark = pytest.mark.django_db


def fields(user: User) -> list[tuple[type, object]]:
    values = [getattr(user, field.attname) for field in User._meta.concrete_fields]
    return [(type(value), value) for value in values]


def test_field_for_field_and_type_for_type_the_orms_user():
    user = user_create(phone="+8613800138000", is_staff=True)
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now(), activated_at=timezone.now()
    )

    from_session = UsernameOrEmailBackend().get_user(user.pk)

    assert fields(from_session) == fields(User.objects.get(pk=user.pk))
    assert from_session._state.adding is False
    assert from_session._state.db == "default"


def test_an_unknown_or_inactive_user_is_nobody():
    user = user_create(is_active=False)
    backend = UsernameOrEmailBackend()
    assert backend.get_user(user.pk) is None
    assert backend.get_user(user.pk + 1000) is None
