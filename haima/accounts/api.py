"""Account endpoints of the JSON API: parse, call a service, shape the answer."""

from http import HTTPStatus

from django.http import HttpResponse
from ninja import Router, Status
from ninja.security import SessionAuth

from haima.api.envelope import (
    ANY_CALL,
    STATE_CHANGING,
    WITH_BODY,
    Envelope,
    envelope,
    error_responses,
)
from haima.centre.reauth import reauth_check
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed

from .forms import CurrentPasswordForm, EmailForm, LoginForm, RegistrationForm
from .remember import remember_username
from .schemas import (
    EmailIn,
    LoginIn,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    RegisterIn,
    SmsBindIn,
    SmsLoginData,
    SmsLoginIn,
    TokenIn,
    UserData,
    UsernameAvailability,
)
from .services.activation import RESEND_SENT, activation_resend, user_activate
from .services.login import user_login, user_logout
from .services.password import (
    RESET_SENT,
    password_change,
    password_reset_confirm,
    password_reset_request,
)
from .services.registration import (
    USERNAME_AVAILABLE,
    USERNAME_IN_USE,
    registration_attempt_count,
    user_register,
    username_available,
)
from .services.sms_login import user_login_by_sms, user_phone_bind

# ApiCsrfViewMiddleware has already checked CSRF for every API call.
session_auth = SessionAuth(csrf=False)

router = Router(tags=["accounts"])
ERRORS = error_responses(WITH_BODY)
# Also 401: wrong credentials, or no session where one is needed.
AUTH_ERRORS = error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED)


def _valid(form) -> dict:
    if not form.is_valid():
        raise ValidationFailed.from_form(form)
    return form.cleaned_data


@router.get(
    "me",
    response={
        200: Envelope[UserData],
        **error_responses(ANY_CALL, HTTPStatus.UNAUTHORIZED),
    },
    auth=session_auth,
)
def me(request):
    """Return the signed-in user; 401 when signed out."""
    return envelope({"user": request.auth})


@router.post("register", response={201: Envelope[UserData], **ERRORS})
def register(request, payload: RegisterIn):
    """Create an inactive account and queue its activation email."""
    registration_attempt_count(context=RequestContext.from_request(request))
    fields = payload.dict(exclude={"captcha_key", "captcha_answer"})
    data = _valid(
        RegistrationForm(
            {
                **fields,
                "captcha_0": payload.captcha_key,
                "captcha_1": payload.captcha_answer,
            }
        )
    )
    user = user_register(
        username=data["username"], email=data["email"], password=data["password"]
    )
    return Status(
        HTTPStatus.CREATED, envelope({"user": user}, status=HTTPStatus.CREATED)
    )


@router.get(
    "username/availability",
    response={
        200: Envelope[UsernameAvailability],
        **error_responses(
            ANY_CALL, HTTPStatus.BAD_REQUEST, HTTPStatus.TOO_MANY_REQUESTS
        ),
    },
    url_name="username_availability",
)
def username_availability(request, username: str):
    """Whether a username is free to register: ``available`` true or false.

    For the sign-up page as the user types; limited per network (429). 400
    with ``errors.username`` for a name the rules refuse. There is no such
    look-up for email addresses.
    """
    available = username_available(
        username=username, context=RequestContext.from_request(request)
    )
    return envelope(
        {"available": available},
        message=USERNAME_AVAILABLE if available else USERNAME_IN_USE,
    )


@router.post("activate", response={200: Envelope[UserData], **ERRORS})
def activate(request, payload: TokenIn):
    """Activate the account of an emailed token (does not sign in).

    400 with ``data.reason`` ``expired``, or ``invalid`` for a tampered,
    spent or already-activated token.
    """
    return envelope({"user": user_activate(token=payload.token)})


@router.post("activation/resend", response={200: Envelope[None], **ERRORS})
def resend_activation(request, payload: EmailIn):
    """Send a new activation link; the same answer whether or not it exists."""
    data = _valid(EmailForm({"email": payload.email}))
    activation_resend(email=data["email"], context=RequestContext.from_request(request))
    return envelope(None, message=RESEND_SENT)


@router.post("login", response={200: Envelope[UserData], **AUTH_ERRORS})
def login(request, response: HttpResponse, payload: LoginIn):
    """Sign in with username or email.

    401 for a wrong login or password alike; 403 ``inactive`` only after the
    right password; 400 ``captcha_required`` after 3 failures in a row for
    the typed login or the IP; 429 ``locked`` after 10 failures for the typed
    login in 15 minutes or 50 from the IP (an IPv6 /64). The session key and
    CSRF token rotate: fetch ``csrf`` again.
    """
    data = _valid(LoginForm(payload.dict(include={"login", "password", "remember"})))
    user = user_login(
        request=request,
        login_name=data["login"],
        password=data["password"],
        remember=data["remember"],
        captcha_key=payload.captcha_key,
        captcha_answer=payload.captcha_answer,
    )
    remember_username(response, data["login"] if data["remember"] else None)
    return envelope({"user": user})


@router.post(
    "logout", response={200: Envelope[None], **error_responses(STATE_CHANGING)}
)
def logout(request):
    user_logout(request=request)
    return envelope(None)


@router.post("password/reset", response={200: Envelope[None], **ERRORS})
def password_reset(request, payload: EmailIn):
    """Email a reset link; the same answer whether or not the address exists."""
    data = _valid(EmailForm({"email": payload.email}))
    password_reset_request(
        email=data["email"], context=RequestContext.from_request(request)
    )
    return envelope(None, message=RESET_SENT)


@router.post("password/reset/confirm", response={200: Envelope[UserData], **ERRORS})
def password_reset_set(request, payload: PasswordResetConfirmIn):
    """Set a new password with an emailed token; other sessions end."""
    user = password_reset_confirm(
        token=payload.token,
        password=payload.password,
        context=RequestContext.from_request(request),
    )
    return envelope({"user": user})


@router.post(
    "password/change",
    response={200: Envelope[None], **AUTH_ERRORS},
    auth=session_auth,
)
def password_change_set(request, payload: PasswordChangeIn):
    """Change the password; this session stays, the others end."""
    # The old password's rules (length) before it is checked and counted.
    _valid(CurrentPasswordForm({"old_password": payload.old_password}))
    password_change(
        request=request,
        user=request.auth,
        old_password=payload.old_password,
        password=payload.password,
    )
    return envelope(None)


@router.post(
    "sms/login",
    response={200: Envelope[SmsLoginData], **ERRORS},
)
def sms_login(request, payload: SmsLoginIn):
    """Sign in with a code from ``sms/send`` (purpose ``login``).

    Creates an active account on first use (``created: true``). 400 with
    ``data.reason`` ``invalid``, ``expired`` (or never sent) or ``spent``
    (5 wrong tries). The session key and CSRF token rotate.
    """
    user, created = user_login_by_sms(
        request=request,
        phone=payload.phone,
        code=payload.code,
        remember=payload.remember,
    )
    return envelope({"user": user, "created": created})


@router.post(
    "sms/bind",
    response={200: Envelope[UserData], **AUTH_ERRORS},
    auth=session_auth,
)
def sms_bind(request, payload: SmsBindIn):
    """Bind (or change) the signed-in user's phone with a ``bind`` code.

    400 for a bad code, or for a number bound to another account (not whose).
    Changing a bound number first needs a re-authentication (403
    ``reauth_required``; ``account/reauth``), as on the page.
    """
    if request.auth.phone:
        reauth_check(request)
    user = user_phone_bind(
        user=request.auth,
        phone=payload.phone,
        code=payload.code,
        context=RequestContext.from_request(request),
    )
    return envelope({"user": user})
