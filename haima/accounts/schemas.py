"""API shapes of accounts (CONTRACT §3).

An input field without a default is required, in the schema and at run
time: a missing one is a 400 naming it (haima.api.errors). The forms and
services then apply their rules to what was sent, as on pages.
"""

from datetime import datetime

from ninja import Schema

from haima.api.envelope import Out


class UserOut(Out):
    id: int
    username: str
    email: str | None
    phone: str | None
    is_active: bool
    date_joined: datetime


class UserData(Out):
    user: UserOut


class RegisterIn(Schema):
    username: str
    email: str
    password: str
    password_confirm: str
    agree: bool
    captcha_key: str
    captcha_answer: str


class TokenIn(Schema):
    token: str


class EmailIn(Schema):
    email: str


class LoginIn(Schema):
    login: str
    password: str
    remember: bool = False
    # Needed only once the sign-in policy asks (400 captcha_required).
    captcha_key: str = ""
    captcha_answer: str = ""


class PasswordResetConfirmIn(Schema):
    token: str
    password: str


class PasswordChangeIn(Schema):
    old_password: str
    password: str


class SmsLoginIn(Schema):
    phone: str
    code: str
    remember: bool = False


class SmsLoginData(UserData):
    created: bool


class SmsBindIn(Schema):
    phone: str
    code: str


class UsernameAvailability(Out):
    available: bool
