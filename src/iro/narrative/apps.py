from django.apps import AppConfig


class NarrativeConfig(AppConfig):
    name = "iro.narrative"
    verbose_name = "The report's words"
