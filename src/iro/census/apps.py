from django.apps import AppConfig


class CensusConfig(AppConfig):
    name = "iro.census"
    verbose_name = "Children in Need census"
