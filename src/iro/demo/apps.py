from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "iro.demo"
    verbose_name = "Demo data"
