from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs) -> None:
    """``iro migrate`` also makes the database cache's table (``CACHES``), so no
    deployment can forget it. It does nothing when the table is there."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class AccessConfig(AppConfig):
    name = "iro.access"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from iro.access.middleware import record_second_factor_set_up

        authenticator_added.connect(record_second_factor_set_up, dispatch_uid="iro-mfa-set-up")
        from django.contrib.auth.signals import user_logged_in

        from iro.access.session_time import start_the_clock

        user_logged_in.connect(start_the_clock, dispatch_uid="iro-session-clock")
        from iro.access import checks  # noqa: F401  (registers the system checks)

        post_migrate.connect(create_cache_table, sender=self)
        from iro.access.known_names import connect_signals

        connect_signals()
