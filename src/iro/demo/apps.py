from django.apps import AppConfig
from django.db.models.signals import pre_save


class DemoConfig(AppConfig):
    name = "iro.demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from iro.demo.guard import refuse_demo_user

        pre_save.connect(
            refuse_demo_user, sender=get_user_model(), dispatch_uid="iro.demo.refuse_demo_user"
        )
