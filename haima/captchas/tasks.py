from celery import shared_task

from .services import captcha_delete_expired


@shared_task
def delete_expired_captchas() -> int:
    return captcha_delete_expired()
