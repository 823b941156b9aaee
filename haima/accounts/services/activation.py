"""Activation by the emailed link, and asking for a new link."""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.dispatch import task_publish_on_commit
from haima.core.exceptions import ApplicationError
from haima.core.ratelimit import ratelimit_hit

from ..emails import activation_email_queue
from ..models import User
from ..tokens import TokenError, activation_token_user

MESSAGES = {
    "expired": _("The activation link has expired; ask for a new one."),
    "invalid": _("The activation link is invalid or has already been used."),
}
ALREADY_ACTIVE = _("Your account is already active. Please sign in.")
RESEND_SENT = _(
    "If that address belongs to an account waiting for activation, "
    "a new link is on its way."
)


class ActivationFailed(ApplicationError):
    def __init__(self, reason: str, message=None):
        super().__init__(message or MESSAGES[reason], reason=reason)
        self.reason = reason


class AlreadyActivated(ActivationFailed):
    """The link's account is active already: its owner should just sign in.

    Its reason stays ``invalid`` (CONTRACT §3: a spent link); pages tell it
    apart to send the owner to the sign-in page with the name filled in.
    """

    def __init__(self, user: User):
        super().__init__("invalid", ALREADY_ACTIVE)
        self.user = user


def activation_user(*, token: str) -> User:
    """Return the account a link would activate, without spending the link."""
    try:
        return activation_token_user(token)
    except TokenError as error:
        if error.reason == "activated":
            raise AlreadyActivated(error.user) from None
        raise ActivationFailed(error.reason) from None


def user_activate(*, token: str) -> User:
    """Activate the account; the link then stops working."""
    user = activation_user(token=token)
    # Conditional update: of two concurrent clicks only one activates.
    now = timezone.now()
    waiting = User.objects.filter(pk=user.pk, is_active=False, activated_at=None)
    if not waiting.update(is_active=True, activated_at=now):
        raise AlreadyActivated(user)  # by a concurrent click
    user.is_active, user.activated_at = True, now
    event_record(Kind.ACTIVATED, user=user)
    return user


def activation_resend(*, email: str, context: RequestContext) -> None:
    """Send a new link if ``email`` belongs to an inactive account.

    Says nothing either way, so it cannot tell who is registered: limited per
    address and per IP whether or not the address exists, and the look-up
    happens in a task (haima.accounts.tasks), so the answer takes as long.
    """
    from ..tasks import resend_activation_link

    ratelimit_hit("activation_resend_ip", context.ip_bucket)
    ratelimit_hit("activation_resend_cooldown", email.strip().lower())
    ratelimit_hit("activation_resend_email", email.strip().lower())
    task_publish_on_commit(resend_activation_link, email, translation.get_language())


def activation_resend_decide(*, email: str) -> None:
    """Queue the activation email if ``email`` is an inactive account's."""
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=False, activated_at=None
    ).first()
    if user is not None:
        activation_email_queue(user=user)
