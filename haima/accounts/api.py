"""Account endpoints of the JSON API: parse, call a service, shape the answer."""

from http import HTTPStatus

from ninja import Router, Status
from ninja.security import SessionAuth

from haima.api.envelope import Envelope, ErrorEnvelope, envelope
from haima.core.client_ip import client_ip
from haima.core.exceptions import ValidationFailed

from .forms import EmailForm, RegistrationForm
from .schemas import EmailIn, RegisterIn, TokenIn, UserData
from .services.activation import RESEND_SENT, activation_resend, user_activate
from .services.registration import user_register

# ApiCsrfViewMiddleware has already checked CSRF for every API call.
session_auth = SessionAuth(csrf=False)

router = Router(tags=["accounts"])
ERRORS = {400: ErrorEnvelope, 429: ErrorEnvelope}


def _valid(form):
    if not form.is_valid():
        raise ValidationFailed.from_form(form)
    return form.cleaned_data


@router.get(
    "me", response={200: Envelope[UserData], 401: ErrorEnvelope}, auth=session_auth
)
def me(request):
    """Return the signed-in user; 401 when signed out."""
    return envelope({"user": request.auth})


@router.post("register", response={201: Envelope[UserData], **ERRORS})
def register(request, payload: RegisterIn):
    """Create an inactive account and queue its activation email."""
    data = _valid(
        RegistrationForm(
            {
                **payload.dict(exclude={"captcha_key", "captcha_answer"}),
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
    activation_resend(email=data["email"], ip=client_ip(request))
    return envelope(None, message=RESEND_SENT)
