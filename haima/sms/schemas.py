from ninja import Schema


class SmsSendIn(Schema):
    phone: str = ""
    purpose: str = ""
    captcha_key: str = ""
    captcha_answer: str = ""


class SmsSendOut(Schema):
    cooldown: int
