"""API shapes of accounts (CONTRACT §3)."""

from datetime import datetime

from ninja import Schema


class UserOut(Schema):
    id: int
    username: str
    email: str | None
    phone: str | None
    is_active: bool
    date_joined: datetime


class UserEnvelopeData(Schema):
    user: UserOut
