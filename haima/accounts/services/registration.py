"""Sign-up: create an inactive user and queue the activation email."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from haima.core.exceptions import ValidationFailed

from ..emails import activation_email_queue
from ..models import User

USERNAME_TAKEN = _("A user with that username already exists.")
EMAIL_TAKEN = _("A user with that email already exists.")


def user_register(*, username: str, email: str, password: str) -> User:
    """Create the inactive user and queue its activation email, atomically.

    Inputs are already validated (RegistrationForm). The database's unique
    constraints decide between concurrent sign-ups of one name or email: the
    loser gets the same field error as a sequential duplicate.
    """
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, email=email, password=password, is_active=False
            )
            activation_email_queue(user=user)
    except IntegrityError as error:
        raise _taken(error) from None
    return user


def _taken(error: IntegrityError) -> ValidationFailed:
    text = str(error).lower()
    if "email" in text:
        return ValidationFailed.single(EMAIL_TAKEN, "email")
    if "username" in text:
        return ValidationFailed.single(USERNAME_TAKEN, "username")
    raise error
