"""The 账户中心 in the JSON API, under /api/v1/account/ (signed-in only)."""

from ninja import Router

router = Router(tags=["account centre"])
