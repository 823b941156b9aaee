"""Read API bodies: JSON objects only, refused in the envelope otherwise.

ninja parses a body only for endpoints that take one, after CSRF, routing,
the method and authentication have been checked, so the refusals here come
in that order too. ninja wraps whatever ``parse_body`` raises in a 400
HttpError; haima.api.errors unwraps ours from its ``__cause__``.
"""

import json

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.parser import Parser

from haima.core.exceptions import MalformedBody, UnsupportedMediaType

JSON_MEDIA_TYPE = "application/json"
NOT_JSON = _("The body is not valid JSON.")
NOT_AN_OBJECT = _("The body must be a JSON object.")


def is_json(request: HttpRequest) -> bool:
    """Tell whether the body is labelled JSON, in UTF-8 if a charset is named."""
    if request.content_type != JSON_MEDIA_TYPE:
        return False
    charset = request.content_params.get("charset", "utf-8")
    return charset.lower().replace("_", "-") in {"utf-8", "utf8"}


class JsonObjectParser(Parser):
    """A non-empty body must be a JSON object sent as application/json.

    An empty body is no content at all, whatever it is labelled; ninja then
    validates it as ``{}`` and names each missing field.
    """

    def parse_body(self, request: HttpRequest) -> dict:
        if not is_json(request):
            raise UnsupportedMediaType()
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            raise MalformedBody(NOT_JSON) from None
        if not isinstance(data, dict):
            raise MalformedBody(NOT_AN_OBJECT)
        return data
