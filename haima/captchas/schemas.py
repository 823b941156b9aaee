from ninja import Schema


class CaptchaOut(Schema):
    key: str
    image_url: str


class CaptchaCheckIn(Schema):
    key: str
    answer: str


class CaptchaCheckOut(Schema):
    valid: bool
