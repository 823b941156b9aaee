"""The personal-information download and 注销, in the API."""

from http import HTTPStatus

from ninja import Schema

from haima.accounts.api import session_auth
from haima.accounts.schemas import UserData
from haima.api.envelope import (
    ANY_CALL,
    WITH_BODY,
    Envelope,
    envelope,
    error_responses,
)
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed

from ..forms import CancelForm
from ..reauth import reauth_check
from ..services.cancel import CANCEL_DONE, account_cancel, account_cancel_undo
from ..services.export import personal_data_export
from . import router

# --- Personal information (item 7) and 注销 (item 8) ---


class CancelIn(Schema):
    confirm: str


class CancelUndoIn(Schema):
    token: str
    remember: bool = False


@router.get(
    "export",
    response={
        200: Envelope[dict],
        **error_responses(ANY_CALL, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN),
    },
    auth=session_auth,
    url_name="account_export",
)
def account_export(request):
    """Everything kept about the signed-in account, as ``data`` (the page
    offers the same document as a file). 403 ``reauth_required`` unless this
    session confirmed it is you lately. Never the password hash, email
    bodies or session keys; SMS records are matched by masked number."""
    reauth_check(request)
    return envelope(personal_data_export(user=request.auth))


@router.post(
    "cancel",
    response={
        200: Envelope[None],
        **error_responses(WITH_BODY, HTTPStatus.UNAUTHORIZED),
    },
    auth=session_auth,
    url_name="account_cancel",
)
def account_cancel_endpoint(request, payload: CancelIn):
    """Cancel the account (注销): ``confirm`` is 注销 or DELETE. It stops at once
    and every session ends, this one included; signing in within
    ACCOUNT_DELETION_DAYS answers 403 ``cancellation_pending`` with
    ``undo_token`` (see ``cancel/undo``), after which it is erased. 403
    ``reauth_required`` unless this session confirmed it is you lately; 400
    with ``errors.confirm`` for another word."""
    reauth_check(request)
    form = CancelForm({"confirm": payload.confirm})
    if not form.is_valid():
        raise ValidationFailed.from_form(form)
    account_cancel(
        user=request.auth,
        confirm=form.cleaned_data["confirm"],
        context=RequestContext.from_request(request),
    )
    request.session.flush()  # ended in the store already; no second sign-out
    return envelope(None, message=CANCEL_DONE)


@router.post(
    "cancel/undo",
    response={200: Envelope[UserData], **error_responses(WITH_BODY)},
    url_name="account_cancel_undo",
)
def account_cancel_undo_endpoint(request, payload: CancelUndoIn):
    """Undo a cancellation with the ``undo_token`` of a refused sign-in (403
    ``cancellation_pending``): the account is active again and signed in
    (the session key and CSRF token rotate). 400 ``expired`` or ``invalid``
    (also once used): sign in again for a new token."""
    user = account_cancel_undo(
        request=request, token=payload.token, remember=payload.remember
    )
    return envelope({"user": user})
