from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "iro.access"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from iro.access import checks  # noqa: F401  (registers the system checks)
