from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "haima.metrics"
    label = "metrics"

    def ready(self) -> None:
        from django.conf import settings

        from haima.audit.services import event_recorded

        from .access import metrics_settings_check
        from .receivers import account_event_count

        metrics_settings_check(settings)
        event_recorded.connect(account_event_count, dispatch_uid="metrics-events")
