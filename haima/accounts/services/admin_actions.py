"""What staff do to an account, from the admin or anywhere else.

Each action records itself in the audit trail (``admin_action``, its code,
the staff member's id, where they acted from), so whichever door calls it,
the admin today, an API or a command tomorrow, is audited alike. They skip
the customers' rate limits: staff are signed in through the sign-in policy
and act on accounts they choose, one at a time or a few selected at once.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce, Now
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.dispatch import task_publish_on_commit
from haima.core.exceptions import ApplicationError
from haima.core.sessions.listing import user_sessions_delete
from haima.mail.models import OutboundEmail
from haima.mail.tasks import deliver_email

from ..emails import activation_email_queue
from ..models import User
from ..signin_policy import signin_counters_clear

NOT_WAITING = _(
    "This account is not waiting for activation: it is active, was "
    "deactivated by staff, or has no email address."
)
SELF_DEACTIVATION = _("You cannot deactivate your own account.")


class NotWaitingForActivation(ApplicationError):
    status = 409
    default_message = NOT_WAITING


class SelfDeactivation(ApplicationError):
    status = 409
    default_message = SELF_DEACTIVATION


def _audit(
    code: str, *, user: User | None, staff: User, context: RequestContext, **detail
) -> None:
    event_record(
        Kind.ADMIN_ACTION,
        user=user,
        code=code,
        staff=staff.pk,
        context=context,
        **detail,
    )


def activation_resend_by_staff(
    *, user: User, staff: User, context: RequestContext
) -> None:
    """Queue a new activation link to an account that waits for one.

    Raises NotWaitingForActivation for an active account, one staff have
    deactivated (``activated_at`` is set: no link turns it back on) or one
    without an address. The mail is written in the shop's language, not the
    staff member's: the customer reads it.
    """
    if user.is_active or user.activated_at is not None or not user.email:
        raise NotWaitingForActivation()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        activation_email_queue(user=user)  # sent after commit, by a task
        _audit("activation_resend", user=user, staff=staff, context=context)


def user_sessions_end(*, user: User, staff: User, context: RequestContext) -> int:
    """Sign ``user`` out everywhere, on every web process; return how many
    sessions were live."""
    ended = user_sessions_delete(user=user)
    _audit("sessions_end", user=user, staff=staff, context=context, sessions=ended)
    return ended


def user_deactivate(*, user: User, staff: User, context: RequestContext) -> int:
    """Deactivate ``user`` and end their sessions; return how many were live.

    The account can no longer sign in by any door, and no activation link
    turns it back on (its fingerprint changes, haima.accounts.tokens): an
    account still waiting for activation stops waiting, ``activated_at``
    marking when it did. Staff cannot deactivate themselves: the last
    administrator would lock everybody out. Idempotent.
    """
    if user.pk == staff.pk:
        raise SelfDeactivation()
    User.objects.filter(pk=user.pk).update(
        is_active=False, activated_at=Coalesce("activated_at", Now())
    )
    user.refresh_from_db(fields=["is_active", "activated_at"])
    ended = user_sessions_delete(user=user)
    _audit("deactivate", user=user, staff=staff, context=context, sessions=ended)
    return ended


def lockout_clear(*, user: User, staff: User, context: RequestContext) -> None:
    """Forgive the account's failed sign-ins, so its right password works again.

    Clears what the account's owner proving who they are would clear
    (haima.accounts.signin_policy.signin_counters_clear), without the staff
    member's own network: a lockout of the network the guesses came from
    stays, as it should.
    """
    signin_counters_clear(user=user, context=None)
    _audit("lockout_clear", user=user, staff=staff, context=context)


def email_retry(*, email: OutboundEmail, staff: User, context: RequestContext) -> bool:
    """Send a pending email again now; False if it has been sent already.

    Publishes the delivery task (after commit). An email being sent at this
    moment is not sent twice: delivery takes a lease on it first
    (haima.mail.services.email_deliver).
    """
    if email.status != OutboundEmail.Status.PENDING:
        return False
    task_publish_on_commit(deliver_email, email.pk)
    _audit("email_retry", user=email.user, staff=staff, context=context, email=email.pk)
    return True
