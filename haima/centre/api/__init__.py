"""The 账户中心 in the JSON API, under /api/v1/account/ (signed-in only).

One module a section, each adding its endpoints to ``router``; all share
the accounts API's session auth (CSRF is checked by ApiCsrfViewMiddleware).
"""

from ninja import Router

router = Router(tags=["account centre"])

from . import data, devices, email, profile  # noqa: E402, F401 (they add endpoints)
