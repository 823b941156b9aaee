from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haima.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings

        from . import dispatch  # noqa: F401 (connects its request signals)
        from .sessions import index  # noqa: F401 (connects its sign-in receiver)
        from .startup import check_startup_settings

        check_startup_settings(settings)
