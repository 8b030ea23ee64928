from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "iro.children"
    verbose_name = "Children"
