from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "iro.access"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from iro.access.middleware import record_second_factor_set_up

        authenticator_added.connect(record_second_factor_set_up, dispatch_uid="iro-mfa-set-up")
