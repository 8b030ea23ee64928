"""What the reports keep between requests: the version of the records they are built from.

``DataVersion`` is one row whose ``token`` changes, in the same transaction, whenever a
record a report reads is written (``iro.reports.cache``). Built reports, their charts and
their PDFs are cached under the token, so a report is rebuilt after any change and reused
until then, by every app server alike (the token lives in the database).
"""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """The one row (pk 1) naming the current state of the records behind the reports."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "report data version"

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
