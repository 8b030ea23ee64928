from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "iro.reports"
    verbose_name = "Performance reports"

    def ready(self) -> None:
        from iro.reports.cache import connect_signals

        connect_signals()
