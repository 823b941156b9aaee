"""注销: cancelling an account, undoing it in time, erasing it after.

1. ``account_cancel`` (after re-authentication, with the word typed)
   deactivates the account at once (``is_active`` false,
   ``deletion_requested_at`` now) and ends every session of it.
2. For ACCOUNT_DELETION_DAYS its owner may change their mind: the right
   password or a verified SMS code is then refused with CancellationPending
   (403 ``cancellation_pending``) carrying a short-lived undo token, which
   ``account_cancel_undo`` spends to reactivate the account and sign in.
   Every sign-in door asks ``cancellation_pending_check``
   (haima.accounts.services.login.signin_allowed_check).
3. ``accounts_erase_due`` (beat, daily: haima.centre.tasks) erases each
   account whose cooling-off has ended (``account_erase``): see there what
   goes and what stays, and why.

The undo token is signed (its own salt) with the user's id and a
fingerprint of ``deletion_requested_at``: once undone (or cancelled again
later) the fingerprint changes and the token is ``invalid``, single use
without storage. It is handed only to whoever has just proved the secret.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from haima.accounts.models import User
from haima.audit.models import AccountEvent
from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, Reason, ValidationFailed
from haima.core.sessions.listing import user_sessions_delete
from haima.mail.models import OutboundEmail

UNDO_SALT = "haima.centre.cancel_undo"
UNDO_MAX_AGE = 10 * 60  # seconds: the undo follows the refused sign-in at once
# The word typed to confirm, by language; either is accepted in any language.
CONFIRM_WORDS = {"zh-hans": "注销", "en": "DELETE"}
ERASED_USERNAME_PREFIX = "已注销用户"

CONFIRM_MISMATCH = _("Type the word exactly as shown to confirm.")
CANCELLATION_PENDING = _(
    "You cancelled this account. It is erased after %(date)s; until then you "
    "can undo the cancellation and sign in again."
)
CANCEL_DONE = _("Your account is cancelled and every session has ended.")
UNDO_INVALID = _("The undo link is invalid or used. Please sign in again.")
UNDO_EXPIRED = _("The undo link has expired. Please sign in again.")


def _now() -> datetime:
    return timezone.now()


def confirm_word() -> str:
    """The word the cancel page asks for, in the active language."""
    return CONFIRM_WORDS.get(get_language() or "", CONFIRM_WORDS["zh-hans"])


def erase_after(user: User) -> datetime:
    """When the cooling-off of ``user``'s cancellation ends."""
    return user.deletion_requested_at + timedelta(days=settings.ACCOUNT_DELETION_DAYS)


def cancellation_pending(user: User, *, now: datetime | None = None) -> bool:
    """Whether ``user`` is cancelled and may still undo it."""
    return (
        not user.is_active
        and user.deletion_requested_at is not None
        and user.erased_at is None
        and (now or _now()) < erase_after(user)
    )


# --- The undo token ---------------------------------------------------------


def _fingerprint(user: User) -> str:
    state = f"{user.pk}:{user.deletion_requested_at}"
    return salted_hmac(UNDO_SALT, state, algorithm="sha256").hexdigest()[:20]


def undo_token_make(user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=UNDO_SALT)


class UndoInvalid(ApplicationError):
    """400 ``invalid`` or ``expired``: sign in again for a fresh undo token."""

    def __init__(self, reason: str):
        expired = reason == Reason.EXPIRED
        super().__init__(
            UNDO_EXPIRED if expired else UNDO_INVALID,
            reason=Reason.EXPIRED if expired else Reason.INVALID,
        )


def undo_token_user(token: str) -> User:
    """The cancelled user of a live undo token, or raise UndoInvalid."""
    try:
        payload = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
    except signing.SignatureExpired:
        raise UndoInvalid(Reason.EXPIRED) from None
    except signing.BadSignature:
        raise UndoInvalid(Reason.INVALID) from None
    if not isinstance(payload, dict):
        raise UndoInvalid(Reason.INVALID)
    user = User.objects.filter(pk=payload.get("u")).first()
    if (
        user is None
        or not cancellation_pending(user)
        or not constant_time_compare(_fingerprint(user), str(payload.get("f")))
    ):
        raise UndoInvalid(Reason.INVALID)
    return user


# --- Cancel, refuse, undo ---------------------------------------------------


class CancellationPending(ApplicationError):
    """403 ``cancellation_pending``: the right secret of a cancelled account in
    its cooling-off; ``undo_token`` (and ``erase_after``) come with it.

    Raised only once the secret is proven right. It subclasses nothing of
    the sign-in doors (see signin_allowed_check): a door that does not know
    it still refuses, through ApplicationError.
    """

    status = 403

    def __init__(self, user: User):
        after = timezone.localtime(erase_after(user))
        super().__init__(
            CANCELLATION_PENDING % {"date": after.strftime("%Y-%m-%d %H:%M")},
            reason=Reason.CANCELLATION_PENDING,
            undo_token=undo_token_make(user),
            erase_after=after.isoformat(),
        )
        self.user = user


def cancellation_pending_check(*, user: User, typed: str = "") -> None:
    """Raise CancellationPending for a cancelled account still in its
    cooling-off (every sign-in door, once the secret is right)."""
    if cancellation_pending(user):
        event_record(
            Kind.LOGIN_FAILED, code="cancellation_pending", user=user, typed=typed
        )
        raise CancellationPending(user)


def account_cancel(*, user: User, confirm: str, context: RequestContext) -> int:
    """Cancel ``user``'s account: deactivate it at once and end all its
    sessions; return how many lived. The caller has re-authenticated.

    ``confirm`` must be one of CONFIRM_WORDS (ValidationFailed on ``confirm``
    otherwise). The caller's own session is among those ended: a page or
    endpoint should also forget it on its request (its cookie is stale).
    """
    typed = (confirm or "").strip()
    if typed != CONFIRM_WORDS["zh-hans"] and typed.upper() != CONFIRM_WORDS["en"]:
        raise ValidationFailed.single(CONFIRM_MISMATCH, "confirm")
    with transaction.atomic():
        user.is_active = False
        user.deletion_requested_at = _now()
        user.save(update_fields=["is_active", "deletion_requested_at"])
    # After the commit: a session read between the two would still be the
    # active user's; once inactive, get_user refuses whatever session remains.
    ended = user_sessions_delete(user=user)
    event_record(
        Kind.CANCELLATION_REQUESTED, user=user, context=context, sessions=ended
    )
    return ended


def account_cancel_undo(
    *, request: HttpRequest, token: str, remember: bool = False
) -> User:
    """Undo a cancellation with the token of a refused sign-in: reactivate the
    account and sign it in on ``request``. Raises UndoInvalid."""
    from haima.accounts.services.login import session_start  # it imports this module

    with transaction.atomic():
        user = undo_token_user(token)
        updated = User.objects.filter(
            pk=user.pk,
            is_active=False,
            deletion_requested_at=user.deletion_requested_at,
            erased_at__isnull=True,
        ).update(is_active=True, deletion_requested_at=None)
        if not updated:  # undone (or erased) by a concurrent request
            raise UndoInvalid(Reason.INVALID)
        user.refresh_from_db()
    event_record(Kind.CANCELLATION_UNDONE, user=user)
    session_start(request=request, user=user, remember=remember, method="cancel_undo")
    return user


# --- Erasure ----------------------------------------------------------------


def account_erase(*, user: User, now: datetime | None = None) -> None:
    """Erase a cancelled account whose cooling-off has ended.

    What goes: the username (a random 已注销用户… placeholder), email,
    phone, names, password (unusable), sign-in and state times; the emails
    sent to it (OutboundEmail, by user and by address); its sessions and
    their index entry; in its audit events, everything that could identify
    a person (typed subject, IP, user agent, detail). The admin's log entries
    about it are renamed to the placeholder.

    What stays: the row itself, inactive, with ``date_joined``,
    ``deletion_requested_at`` and ``erased_at`` (bare facts, no person);
    its events' kind, time and code, so counts and charts stay true; and
    SmsSend rows: they hold only a masked number (138****8000) shared by
    10,000 numbers and no link to an account, so deleting "its" rows would
    delete other people's records and the site's reconciliation with the
    SMS provider, while keeping them identifies nobody.

    Email and phone become NULL, which the unique constraints never compare:
    both are free for a new account at once.
    """
    now = now or _now()
    user_sessions_delete(user=user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.erased_at is not None:
            return
        address = user.email
        mail = Q(user=user) | Q(to__iexact=address) if address else Q(user=user)
        OutboundEmail.objects.filter(mail).delete()
        # Append-only rows are changed here alone, by the law's right to erasure.
        AccountEvent.objects.filter(user=user).update(
            subject="", ip=None, user_agent="", detail={}
        )
        user.username = f"{ERASED_USERNAME_PREFIX}{secrets.token_hex(6)}"
        user.email = user.phone = None
        user.first_name = user.last_name = ""
        user.set_unusable_password()
        user.is_active = user.is_staff = user.is_superuser = False
        user.last_login = user.activated_at = None
        user.username_changed_at = user.locked_at = None
        user.erased_at = now
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(user.pk),
        ).update(object_repr=user.username)
        event_record(Kind.ACCOUNT_ERASED, user=user)  # kind and time only


def accounts_erase_due(*, now: datetime | None = None) -> int:
    """Erase every account whose cooling-off ended by ``now``; return how many."""
    now = now or _now()
    cutoff = now - timedelta(days=settings.ACCOUNT_DELETION_DAYS)
    due = User.objects.filter(
        is_active=False,
        deletion_requested_at__lte=cutoff,
        erased_at__isnull=True,
    ).order_by("pk")
    erased = 0
    for user in due.iterator():
        account_erase(user=user, now=now)
        erased += 1
    return erased
