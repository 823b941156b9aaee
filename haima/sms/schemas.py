from typing import Literal

from ninja import Schema


class SmsSendIn(Schema):
    phone: str
    purpose: Literal["login", "bind"]
    captcha_key: str
    captcha_answer: str


class SmsSendOut(Schema):
    cooldown: int
