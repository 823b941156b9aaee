from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haima.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings

        from .startup import check_startup_settings

        check_startup_settings(settings)
