from ninja import Schema

from haima.api.envelope import Out


class CaptchaOut(Out):
    key: str
    image_url: str


class CaptchaCheckIn(Schema):
    key: str
    answer: str


class CaptchaCheckOut(Out):
    valid: bool
