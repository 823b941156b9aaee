from typing import Literal

from ninja import Schema

from haima.api.envelope import Out


class SmsSendIn(Schema):
    phone: str
    purpose: Literal["login", "bind"]
    captcha_key: str
    captcha_answer: str


class SmsSendOut(Out):
    cooldown: int
