from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "iro.reports"
    verbose_name = "Performance reports"
