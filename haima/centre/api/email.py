"""Email change in the API: request, confirm from the new mailbox, "this was not me"."""

from http import HTTPStatus

from ninja import Schema

from haima.accounts.api import session_auth
from haima.accounts.schemas import TokenIn, UserData
from haima.api.envelope import (
    WITH_BODY,
    Envelope,
    envelope,
    error_responses,
)
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed

from ..forms import EmailChangeForm
from ..reauth import reauth_check
from ..services.email import (
    CHANGE_SENT,
    email_change_confirm,
    email_change_request,
    email_change_undo,
)
from . import router

# --- Email (item 3): change, confirm from the new mailbox, "this was not me" ---


class EmailChangeIn(Schema):
    email: str


@router.post(
    "email",
    response={
        200: Envelope[None],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED),
    },
    auth=session_auth,
    url_name="account_email",
)
def email_change(request, payload: EmailChangeIn):
    """Send a confirmation link to a new address; the address changes only
    when it is confirmed (``email/confirm``). 403 ``reauth_required`` unless
    this session confirmed it is you lately (``account/reauth``); 400 with
    ``errors.email`` for a bad, unchanged or taken address."""
    reauth_check(request)
    form = EmailChangeForm({"email": payload.email})
    if not form.is_valid():
        raise ValidationFailed.from_form(form)
    email = form.cleaned_data["email"]
    email_change_request(
        user=request.auth, email=email, context=RequestContext.from_request(request)
    )
    return envelope(None, message=CHANGE_SENT % {"email": email})


@router.post(
    "email/confirm",
    response={200: Envelope[UserData], **error_responses(WITH_BODY)},
    url_name="account_email_confirm",
)
def email_confirm(request, payload: TokenIn):
    """Change the address with the token mailed to it (no session needed).

    400 ``expired``, or ``invalid`` for a tampered or used token or one
    made before the address last changed; 400 with ``errors.email`` when
    another account took the address meanwhile. The old address is told.
    """
    user = email_change_confirm(
        token=payload.token, context=RequestContext.from_request(request)
    )
    return envelope({"user": user})


@router.post(
    "email/not-me",
    response={200: Envelope[None], **error_responses(WITH_BODY)},
    url_name="account_email_not_me",
)
def email_not_me(request, payload: TokenIn):
    """Answer "this was not me" with the token mailed to the old address: lock the
    account until a password reset, end its sessions, restore the old
    address. 400 ``expired`` or ``invalid`` (also once used)."""
    email_change_undo(token=payload.token, context=RequestContext.from_request(request))
    return envelope(None)
