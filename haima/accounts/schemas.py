"""API shapes of accounts (CONTRACT §3).

Input fields default to empty so that a missing one is reported by the
form's or service's rules, under the contract's field names, like on pages.
"""

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


class LoginIn(Schema):
    login: str = ""
    password: str = ""
    remember: bool = False
    captcha_key: str = ""
    captcha_answer: str = ""


class PasswordResetConfirmIn(Schema):
    token: str
    password: str = ""


class PasswordChangeIn(Schema):
    old_password: str = ""
    password: str = ""


class SmsLoginIn(Schema):
    phone: str = ""
    code: str = ""
    remember: bool = False


class SmsLoginData(UserData):
    created: bool


class SmsBindIn(Schema):
    phone: str = ""
    code: str = ""
