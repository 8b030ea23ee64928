from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "iro.journey"
    verbose_name = "Child protection journey"
