"""The interface every SMS backend implements."""

from django.conf import settings
from django.utils.translation import gettext

from .. import SmsMessage, SmsReceipt


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> SmsReceipt:
        raise NotImplementedError

    @staticmethod
    def text(message: SmsMessage) -> str:
        """The message as a phone would show it, for the local backends.

        Aliyun renders its own approved template; this mirrors it.
        """
        minutes = max(1, settings.SMS_CODE_TTL // 60)
        return gettext(
            "【Haima Fresh】Your verification code is %(code)s, valid for "
            "%(minutes)s minutes. Do not share it with anyone."
        ) % {"code": message.code, "minutes": minutes}
