"""Test data: accounts made the way the service makes them."""

from haima.accounts.models import User
from tests.helpers import STRONG_PASSWORD


def user_create(
    username: str = "xiaoming",
    email: str | None = "ming@example.cn",
    password: str = STRONG_PASSWORD,
    **fields,
) -> User:
    """An active customer with a password, unless ``fields`` say otherwise."""
    return User.objects.create_user(username, email, password, **fields)
