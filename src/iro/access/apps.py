from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "iro.access"
    verbose_name = "Access and audit"
