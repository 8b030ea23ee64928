from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "iro.people"
    verbose_name = "People, teams and agencies"
