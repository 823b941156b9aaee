import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from haima.accounts.models import User
from haima.accounts.phones import mask_phone, normalize_phone

pytestmark = pytest.mark.django_db


def test_email_is_unique_regardless_of_case():
    User.objects.create_user("alice", "alice@x.cn", "pw")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("alice2", "Alice@x.cn", "pw")


def test_username_is_unique_regardless_of_case():
    User.objects.create_user("alice", None, "pw")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ALICE", None, "pw")


def test_users_without_email_or_phone_do_not_collide():
    first = User.objects.create_user("a", "", "pw")
    second = User.objects.create_user("b", None, "pw")
    assert first.email is None and second.email is None
    assert first.phone is None and second.phone is None


def test_admin_style_validation_names_the_taken_email():
    User.objects.create_user("alice", "alice@x.cn", "pw")
    duplicate = User(username="bob", email="ALICE@x.cn")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        duplicate.validate_constraints()
    assert caught.value.messages == ["A user with that email already exists."]


def test_phone_is_unique():
    User.objects.create_user("a", None, "pw", phone="+8613800138000")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("b", None, "pw", phone="+8613800138000")


@pytest.mark.parametrize(
    "raw", ["13800138000", "+86 138 0013 8000", "+8613800138000", "86-138-0013-8000"]
)
def test_mainland_mobile_forms_normalise_to_e164(raw):
    assert normalize_phone(raw) == "+8613800138000"


@pytest.mark.parametrize(
    "raw", ["", "12345", "010-12345678", "+1 415 555 0100", "1380013800x", "٣" * 11]
)
def test_other_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_phone_field_accepts_only_e164():
    user = User(username="a", phone="13800138000")
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert "phone" in caught.value.message_dict


def test_mask_phone_hides_the_middle():
    assert mask_phone("+8613800138000") == "138****8000"
