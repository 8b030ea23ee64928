"""The access log: who viewed or exported which child's record, and when. Append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models

APPEND_ONLY = "The access log is append-only: its rows cannot be changed or deleted."


class AccessLogQuerySet(models.QuerySet):
    """No bulk change or delete through the ORM (the database refuses them too)."""

    def update(self, **kwargs):
        raise ValueError(APPEND_ONLY)

    def delete(self):
        raise ValueError(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError(APPEND_ONLY)

    def update_or_create(self, *args, **kwargs):
        raise ValueError(APPEND_ONLY)


class AccessEvent(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    EXPORTED = "exported", "Exported"
    PRINTED = "printed", "Printed or downloaded"


class AccessLogEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_log"
    )
    event = models.CharField(max_length=10, choices=AccessEvent.choices)
    child = models.ForeignKey(
        "children.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_log",
    )
    what = models.CharField(max_length=200, help_text="The page or export, e.g. 'journey'.")
    detail = models.JSONField(default=dict, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.user} {self.event} {self.what} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(APPEND_ONLY)


class RoleGrant(models.Model):
    """Every role given to a user: whom, which role, by whom, when. Append-only.

    Written only by ``access.grants.change_role``; read by the IRO service manager on
    the "Roles given" page. ``granted_by`` is empty for the server's console (the first
    administrator is given their role with ``iro grant-role``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants"
    )
    from_role = models.CharField(max_length=20, blank=True)
    to_role = models.CharField(max_length=20)
    opens_children = models.BooleanField(help_text="Whether the new role opens children's records.")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} given {self.to_role} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The record of roles given is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The record of roles given is append-only")


class KnownName(models.Model):
    """One word of a name the system has recorded (``iro.names.name_parts``: lower case,
    split at hyphens and apostrophes): a child's, a family's, a family member's, a
    parent's or child's on an invitation or in a core group (``staff`` false), or a member
    of staff's (``staff`` true). Derived, insert-only: written by ``access.known_names``
    whenever one of those records is saved, never removed (a name is a name, on a voided
    record too), so free text shown to readers who see no names can be screened against
    every name the service knows with one indexed look-up of the text's own words."""

    part = models.CharField(max_length=80)
    staff = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "staff"], name="known_name_part_unique")
        ]

    def __str__(self) -> str:
        return self.part
