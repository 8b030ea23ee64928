from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "iro.rights"
    label = "rights"
    verbose_name = "Data rights and restricted records"
