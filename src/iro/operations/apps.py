from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "iro.operations"
    verbose_name = "Operations (backup and restore)"
