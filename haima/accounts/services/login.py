"""Sign-in by password; sign-out.

The brute-force defence is the sign-in policy's (haima.accounts.signin_policy),
shared with the admin's login, the password change and SMS codes; this module
checks the password inside one guarded attempt.

Compared with django-axes, which records each attempt in the database and
locks out by default with no captcha step, the counters live in Redis
(atomic, expiring, shared by every web process) and a captcha comes before a
lockout. Like allauth's login limits they are declared as data, but they are
reserved before the check (allauth's read-modify-write limiter is not
atomic) and fail closed when Redis is down.
"""

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from haima.audit.services import Kind, event_record
from haima.centre.notices import signin_device_note
from haima.centre.services.cancel import cancellation_pending_check
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError
from haima.core.transactions import record_transaction

from ..models import User
from ..selectors import user_by_login
from ..signin_policy import PASSWORD_SIGNIN, login_subject, signin_attempt

WRONG_CREDENTIALS = _("Wrong username or password.")
INACTIVE = _("Your account is not activated yet. Use the link in your email.")
DEACTIVATED = _("This account has been deactivated. Please contact customer service.")
ACCOUNT_LOCKED = _(
    'Your account is locked. Reset your password with "Forgot your password?" '
    "to sign in again."
)


class WrongCredentials(ApplicationError):
    status = 401
    default_message = WRONG_CREDENTIALS


class AccountInactive(ApplicationError):
    """403 ``inactive``: not activated yet, or deactivated by staff."""

    status = 403

    def __init__(self, user: User | None = None):
        deactivated = user is not None and user.activated_at is not None
        super().__init__(DEACTIVATED if deactivated else INACTIVE, reason="inactive")
        self.deactivated = deactivated


class AccountLocked(AccountInactive):
    """403 ``locked_account``: locked by its owner ("this was not me" after an
    email change) until a password reset. An AccountInactive, so that every
    door that refuses an inactive account refuses it too, with no link."""

    def __init__(self):
        ApplicationError.__init__(self, ACCOUNT_LOCKED, reason="locked_account")
        self.deactivated = True


def signin_allowed_check(*, user: User, typed: str = "") -> None:
    """Refuse an inactive or locked account; every sign-in door calls this
    once the secret is proven right (password_check, user_login_by_sms)."""
    # 注销 in its cooling-off: 403 cancellation_pending with an undo token.
    cancellation_pending_check(user=user, typed=typed)
    if not user.is_active:
        event_record(Kind.LOGIN_FAILED, code="inactive", user=user, typed=typed)
        raise AccountInactive(user)
    if user.locked_at is not None:
        event_record(Kind.LOGIN_FAILED, code="locked_account", user=user, typed=typed)
        raise AccountLocked()


def password_check(
    *,
    login_name: str,
    password: str,
    context: RequestContext,
    captcha_key: str = "",
    captcha_answer: str = "",
    staff_only: bool = False,
) -> User:
    """Return the user whose username or email and password these are.

    Raises WrongCredentials, AccountInactive or AccountLocked (only after the
    right password),
    CaptchaRequired or SigninLocked. ``staff_only`` (the admin's door) makes
    an inactive or non-staff account's right password a failure like any
    other, so that door tells nothing about accounts it does not admit.
    """
    with signin_attempt(
        door=PASSWORD_SIGNIN,
        subject=login_subject(login_name),
        context=context,
        captcha_key=captcha_key,
        captcha_answer=captcha_answer,
    ) as attempt:
        user = authenticate(None, username=login_name, password=password)
        if user is None or (staff_only and not (user.is_active and user.is_staff)):
            # The trail names whose account was tried, when one was.
            tried = user or user_by_login(login_name)
            attempt.failed(code="wrong_credentials", user=tried)
            raise WrongCredentials()
        # Not a guess: a refusal here gives the attempt back.
        signin_allowed_check(user=user, typed=login_name)
        attempt.succeeded(user=user)
    return user


def user_login(
    *,
    request: HttpRequest,
    login_name: str,
    password: str,
    remember: bool,
    captcha_key: str = "",
    captcha_answer: str = "",
) -> User:
    """Sign in by password (see password_check for the refusals).

    Rotates the session key; ``remember`` keeps the session for
    SESSION_COOKIE_AGE, otherwise it ends with the browser (and on the server
    after SESSION_IDLE_TIMEOUT idle).
    """
    user = password_check(
        login_name=login_name,
        password=password,
        context=RequestContext.from_request(request),
        captcha_key=captcha_key,
        captcha_answer=captcha_answer,
    )
    session_start(request=request, user=user, remember=remember)
    return user


def session_start(
    *, request: HttpRequest, user: User, remember: bool, method: str = "password"
) -> None:
    """Sign ``user`` in on ``request``, however they proved who they are
    (``method``: "password" or "sms", for the audit trail).

    One transaction: ``last_login``, the event and any new-device notice
    are written together, records of a sign-in committed without waiting for
    the disk (haima.core.transactions); the session itself is in its store.
    """
    with record_transaction():
        login(request, user, backend="haima.accounts.backends.UsernameOrEmailBackend")
        request.session.set_expiry(None if remember else 0)
        event_record(Kind.LOGIN_SUCCEEDED, user=user, code=method)
        signin_device_note(user=user, context=RequestContext.from_request(request))


def user_logout(*, request: HttpRequest) -> None:
    logout(request)  # the audit trail hears of it: haima.accounts.signals
