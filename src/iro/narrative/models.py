"""The words of a report, written by the IRO service manager for one reporting period.

A report's figures come from the records; its words (the context and staffing, what went
well, what was hard, what needs to be done next) are written on the narrative page and
kept here, one row per kind of report and period, with every version in its history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class ReportKind(models.TextChoices):
    ANNUAL = "annual", "Annual"
    QUARTERLY = "quarterly", "Quarterly"
    MONTHLY = "monthly", "Monthly"


class Narrative(models.Model):
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    period = models.CharField(max_length=10, help_text="The period's label, such as 2019-20.")
    context = models.TextField(blank=True)
    went_well = models.TextField(blank=True)
    was_hard = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    version = models.PositiveIntegerField(
        default=1, help_text="Rises with each save: two editors' saves are merged by it."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "period"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="one_narrative_per_period")
        ]

    def __str__(self) -> str:
        return f"The words of the {self.kind} report {self.period}"
