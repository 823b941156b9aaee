"""Password reset by emailed link, and password change when signed in.

Both end the user's other sessions: Django ties each session to a hash of
the password, so a session made before the change is refused from then on.
The session that made the change stays signed in.
"""

from django.contrib.auth import password_validation, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from haima.audit.services import Kind, event_record
from haima.centre.notices import security_notice_queue
from haima.core.context import RequestContext
from haima.core.dispatch import task_publish_on_commit
from haima.core.exceptions import ApplicationError, ValidationFailed
from haima.core.ratelimit import ratelimit_hit

from ..emails import password_reset_email_queue
from ..models import User
from ..signin_policy import (
    PASSWORD_CONFIRM,
    account_subject,
    signin_attempt,
    signin_counters_clear,
)
from ..tokens import TokenError, password_reset_token_user

RESET_SENT = _(
    "If that address belongs to an account, a link to choose a new password "
    "is on its way."
)
RESET_LINK_INVALID = _("The password reset link is invalid, used or expired.")
WRONG_OLD_PASSWORD = _("Your old password was entered incorrectly.")


class ResetLinkInvalid(ApplicationError):
    def __init__(self):
        super().__init__(RESET_LINK_INVALID, reason="invalid")


def _validated(password: str, user: User) -> str:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed({"password": list(error.messages)}) from None
    return password


def password_reset_request(*, email: str, context: RequestContext) -> None:
    """Email a reset link if ``email`` is an active account's; say nothing.

    The look-up happens in a task (haima.accounts.tasks), for a known and an
    unknown address alike, so the answer takes as long for both.
    """
    from ..tasks import send_password_reset_link

    ratelimit_hit("password_reset_ip", context.ip_bucket)
    ratelimit_hit("password_reset_email", email.strip().lower())
    task_publish_on_commit(send_password_reset_link, email, translation.get_language())
    event_record(Kind.PASSWORD_RESET_REQUESTED, typed=email, context=context)


def password_reset_decide(*, email: str) -> None:
    """Queue the reset email if ``email`` is an active account's."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is not None:
        password_reset_email_queue(user=user)


def password_reset_user(*, token: str) -> User:
    """The account a reset link is for, without spending the link."""
    try:
        return password_reset_token_user(token)
    except TokenError:
        raise ResetLinkInvalid() from None


def password_reset_confirm(
    *, token: str, password: str, context: RequestContext | None = None
) -> User:
    """Set the new password; the link dies, a password lockout lifts, and so
    does an owner's lock ("this was not me", haima.centre.services.email).

    Whoever completes a reset controls the mailbox: the account's failed
    sign-ins (and, with ``context``, this IP's failures in a row) are cleared.
    """
    with transaction.atomic():
        user = password_reset_user(token=token)
        user.set_password(_validated(password, user))
        user.locked_at = None
        user.save(update_fields=["password", "locked_at"])
    signin_counters_clear(user=user, context=context)
    event_record(Kind.PASSWORD_RESET_DONE, user=user, context=context)
    security_notice_queue(user=user, kind="password_changed", context=context)
    return user


def password_change(
    *, request: HttpRequest, user: User, old_password: str, password: str
) -> None:
    """Change the password of a session holder who knows the old one.

    The old password is a secret checked at the sign-in policy, counted per
    account: a stolen session cannot guess it without limit.
    """
    with signin_attempt(
        door=PASSWORD_CONFIRM,
        subject=account_subject(user),
        context=RequestContext.from_request(request),
    ) as attempt:
        if not user.check_password(old_password):
            attempt.failed(code="wrong_old_password", user=user)
            raise ValidationFailed.single(WRONG_OLD_PASSWORD, "old_password")
        attempt.succeeded(user=user)
    user.set_password(_validated(password, user))
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    event_record(Kind.PASSWORD_CHANGED, user=user)
    security_notice_queue(user=user, kind="password_changed")
