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


class UserData(Schema):
    user: UserOut


# Fields default to empty so a missing one is reported by the form's rules,
# under the contract's field names, like on the page.
class RegisterIn(Schema):
    username: str = ""
    email: str = ""
    password: str = ""
    password_confirm: str = ""
    agree: bool = False
    captcha_key: str = ""
    captcha_answer: str = ""


class TokenIn(Schema):
    token: str


class EmailIn(Schema):
    email: str = ""
