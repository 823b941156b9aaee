"""django-csp's middleware, the site's one policy built once.

django-csp builds the Content-Security-Policy header from the settings on
every response, for the views that adjust it or take a nonce. None here does
(every script is a static file of this origin), so the header is the same
string every time: it is built once, from the same settings by the same
library, and set on each response. A response that adjusts the policy
(``csp_update`` and kin), a request that took a nonce, a report-only policy
or excluded paths in the settings, and DEBUG's error pages, go the library's
way, unchanged.
"""

from functools import cached_property

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

ADJUSTMENTS = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        if not self._site_policy_applies(request, response):
            return super().process_response(request, response)
        if HEADER not in response and self._site_policy:
            response[HEADER] = self._site_policy
        # As the library does: a nonce asked for now could not be in the header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _site_policy_applies(self, request, response) -> bool:
        return not (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None)
            or any(hasattr(response, name) for name in ADJUSTMENTS)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
        )

    @cached_property
    def _site_policy(self) -> str:
        return build_policy()
