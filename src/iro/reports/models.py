"""What the reports keep: the version of the records they are built from, and the files of
each report signed off for publication.

``DataVersion`` is one row whose ``token`` changes, in the same transaction, whenever a
record a report reads is written (``iro.reports.cache``). Built reports, their charts and
their PDFs are cached under the token, so a report is rebuilt after any change and reused
until then, by every app server alike (the token lives in the database).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from iro.narrative.models import ReportKind


class DataVersion(models.Model):
    """The one row (pk 1) naming the current state of the records behind the reports."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "report data version"

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class SignedOffReport(models.Model):
    """A report's published edition as its owner signed it off: its files, made when it
    was signed off and kept as they were, whatever is corrected in the records after.
    The live report goes on following the records; these are what was published. A
    sign-off can be withdrawn with a reason (to sign off again after a correction); each
    stays, with who did what and when."""

    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    period = models.CharField(max_length=10, help_text="The period's label, such as 2019-20.")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    statement = models.TextField(
        blank=True, help_text="What the sign-off says, such as who agreed the report and when."
    )
    # The files of the published edition, made when it was signed off from the records
    # as they stood then (``token``: reports.DataVersion at that moment).
    token = models.CharField(max_length=32)
    pdf = models.BinaryField(editable=False)
    xlsx = models.BinaryField(editable=False)
    csv = models.BinaryField(editable=False)
    json = models.BinaryField(editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["pdf", "xlsx", "csv", "json"])

    FORMATS = ("pdf", "xlsx", "csv", "json")

    class Meta:
        ordering = ["kind", "period", "-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_standing_sign_off_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"The {self.kind} report {self.period}, signed off {self.signed_at:%Y-%m-%d}"
