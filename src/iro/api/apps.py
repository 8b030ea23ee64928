from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "iro.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from iro.api import schema  # noqa: F401 - registers the schema's security schemes
