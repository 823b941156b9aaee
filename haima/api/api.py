"""The ninja API object: transport only; endpoints live in each app's api.py."""

from django.middleware.csrf import get_token
from ninja import NinjaAPI, Schema, renderers

from haima.accounts.api import router as accounts_router
from haima.captchas.api import router as captchas_router
from haima.sms.api import router as sms_router

from .envelope import Envelope, envelope
from .errors import install_error_handlers


class JSONRenderer(renderers.JSONRenderer):
    """UTF-8 JSON with Chinese as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=JSONRenderer(),
    title="Haima Accounts API",
    version="1",
    description="Every answer is the envelope {code, message, data}; "
    "code equals the HTTP status.",
    urls_namespace="api",
    docs_url="docs",
    openapi_url="openapi.json",
)
install_error_handlers(api)


class CsrfOut(Schema):
    csrf_token: str


@api.get("csrf", response=Envelope[CsrfOut], tags=["session"])
def csrf(request):
    """Give the CSRF token (and its cookie) that state-changing calls send."""
    return envelope({"csrf_token": get_token(request)})


api.add_router("", accounts_router)
api.add_router("", captchas_router)
api.add_router("", sms_router)
