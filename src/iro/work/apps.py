from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "iro.work"
    verbose_name = "Work queues"
