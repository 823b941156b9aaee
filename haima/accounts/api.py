"""Account endpoints of the JSON API: parse, call a service, shape the answer."""

from ninja import Router
from ninja.security import SessionAuth

from haima.api.envelope import Envelope, envelope

from .schemas import UserEnvelopeData

# ApiCsrfViewMiddleware has already checked CSRF for every API call.
session_auth = SessionAuth(csrf=False)

router = Router(tags=["accounts"])


@router.get("me", response=Envelope[UserEnvelopeData], auth=session_auth)
def me(request):
    """Return the signed-in user; 401 when signed out."""
    return envelope({"user": request.auth})
