"""The ninja API object: transport only; endpoints live in each app's api.py."""

import json
from functools import wraps

import pydantic
from django.conf import settings
from django.http import Http404
from django.middleware.csrf import get_token
from ninja import NinjaAPI, renderers
from ninja.errors import ValidationErrorContext
from ninja.openapi.docs import Swagger, render_template
from ninja.openapi.views import openapi_view

from haima.accounts.api import router as accounts_router
from haima.captchas.api import router as captchas_router
from haima.centre.api import router as centre_router
from haima.sms.api import router as sms_router

from .envelope import ANY_CALL, Envelope, Out, envelope, error_responses
from .errors import install_error_handlers
from .parser import JsonObjectParser


class JSONRenderer(renderers.JSONRenderer):
    """UTF-8 JSON with Chinese as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _empty_body_as_object(context: ValidationErrorContext) -> ValidationErrorContext:
    """Validate an empty body as ``{}``: one error per missing field."""
    model = context.model
    argument = getattr(model, "__read_from_single_attr__", None)  # e.g. "payload"
    errors = context.pydantic_validation_error.errors()
    found = [(error["type"], error["loc"]) for error in errors]
    if model.__ninja_param_source__ != "body" or found != [("missing", (argument,))]:
        return context
    try:
        model.model_validate({argument: {}})
    except pydantic.ValidationError as error:
        return ValidationErrorContext(error, model)
    return context


# Every 429 and 503 says when to try again (RateLimited, the SMS budget and
# queue, haima.api.unavailable).
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    if status in (429, 503):
                        response["headers"] = RETRY_AFTER_HEADER
        return schema

    def validation_error_from_error_contexts(self, error_contexts):
        """Name each missing field of an empty body, as for ``{}``.

        ninja reports a body with no content as one missing value; an
        empty body is no content at all, whatever its Content-Type says.
        """
        return super().validation_error_from_error_contexts(
            [_empty_body_as_object(context) for context in error_contexts]
        )


def _docs_when_enabled(view):
    """Serve the browsable docs only while ``API_DOCS`` is on.

    django-ninja's Swagger UI bundles a DOMPurify with published CVEs: off
    by default in production. The schema (openapi.json, which ninja passes
    through this decorator too) stays public.
    """
    if getattr(view, "func", None) is not openapi_view:
        return view

    @wraps(view)
    def docs(request, *args, **kwargs):
        if not settings.API_DOCS:
            raise Http404("API docs are off")
        return view(request, *args, **kwargs)

    return docs


class CsrfSwagger(Swagger):
    """Swagger UI whose "Try it out" sends the CSRF token.

    Every state-changing call checks Django's CSRF (ApiCsrfViewMiddleware),
    but ninja's page carries the token only when an auth class asks for CSRF.
    Always put it where ninja's swagger-ui-init.js reads it (the body's
    data-api-csrf and data-csrf-token; no inline script): the same masked
    token, and cookie, that any page with a form gets.
    """

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,
        }
        return render_template(request, self.template, self.template_cdn, context)


api = Api(
    renderer=JSONRenderer(),
    parser=JsonObjectParser(),
    title="Haima Accounts API",
    version="1",
    description="Every answer is the envelope {code, message, data}; "
    "code equals the HTTP status.",
    urls_namespace="api",
    docs=CsrfSwagger(),
    docs_url="docs",
    docs_decorator=_docs_when_enabled,
    openapi_url="openapi.json",
)
install_error_handlers(api)


class CsrfOut(Out):
    csrf_token: str


@api.get(
    "csrf",
    response={200: Envelope[CsrfOut], **error_responses(ANY_CALL)},
    tags=["session"],
)
def csrf(request):
    """Give the CSRF token (and its cookie) that state-changing calls send."""
    return envelope({"csrf_token": get_token(request)})


api.add_router("", accounts_router)
api.add_router("", captchas_router)
api.add_router("", sms_router)
api.add_router("account", centre_router)
