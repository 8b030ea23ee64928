"""One census import: a file applied to the records, by whom, how far it has gone, and
what it did (``iro.census.jobs``); and one census return made from the records, or the
records of a year checked against the DfE rules (``iro.census.returns``).

An upload from the page or the API is kept here (compressed) until the worker has
applied it, then dropped: the records hold what it said, and the summary what it did.
An import from the command line (``iro cin import``) reads its file where it lies and
is recorded the same way, so the page lists every import, however it was started.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportState(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


class ImportSource(models.TextChoices):
    PAGE = "page", "Uploaded on the census import page"
    API = "api", "Sent to the API"
    COMMAND = "command", "The command line (iro cin import)"


class CensusImport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField(help_text="The file's size in bytes.")
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(
        null=True, blank=True, help_text="The uploaded file, gzipped; dropped once applied."
    )
    source = models.CharField(max_length=10, choices=ImportSource.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    bytes_done = models.BigIntegerField(default=0)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="When the import last said how far it had gone."
    )
    children_read = models.IntegerField(default=0)
    summary = models.JSONField(
        default=dict, blank=True, help_text="What the import added, updated, skipped, found."
    )
    error = models.TextField(blank=True, help_text="Why nothing of the file was imported.")
    findings_csv = models.BinaryField(
        null=True, blank=True, help_text="Every DfE rule finding of the file, as gzipped CSV."
    )
    findings_count = models.IntegerField(default=0)

    class Meta:
        ordering = ["-queued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)


class ReturnKind(models.TextChoices):
    RETURN = "return", "The census return"
    CHECK = "check", "A check of the records"
    ANNEX_A_5 = "annex_a_5", "Ofsted Annex A list 5 (enquiries and initial conferences)"
    ANNEX_A_7 = "annex_a_7", "Ofsted Annex A list 7 (child protection)"


# The kinds that make a file to download, and the Annex A list each makes.
ANNEX_LISTS = {ReturnKind.ANNEX_A_5: "5", ReturnKind.ANNEX_A_7: "7"}
MAKES_A_FILE = (ReturnKind.RETURN, *ANNEX_LISTS)


class ReturnState(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Not made"


class CensusReturn(models.Model):
    """A census return made from the records, or the records of a year checked against
    the DfE rules, asked for by one user and theirs alone (``iro.census.returns``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=ReturnKind.choices)
    period = models.CharField(max_length=7, help_text="The reporting year, such as 2025-26.")
    lea = models.CharField(max_length=3, blank=True, help_text="The LA code in the header.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ReturnState.choices, default=ReturnState.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_at = models.DateField(
        null=True,
        blank=True,
        help_text="The last day the records were read to: the year's last day, or the day "
        "a year in progress was checked.",
    )
    children = models.IntegerField(default=0)
    summary = models.JSONField(
        default=dict, blank=True, help_text="Errors, queries, findings by rule and notes."
    )
    findings_csv = models.BinaryField(
        null=True, blank=True, help_text="Every DfE rule finding, as gzipped CSV."
    )
    findings_count = models.IntegerField(default=0)
    content = models.BinaryField(null=True, blank=True, help_text="The return's XML, gzipped.")
    error = models.TextField(blank=True, help_text="Why it was not made.")

    class Meta:
        ordering = ["-queued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (ReturnState.DONE, ReturnState.FAILED)

    @property
    def file_name(self) -> str:
        if self.kind in ANNEX_LISTS:
            return f"annex-a-list-{ANNEX_LISTS[self.kind]}-{self.period}.xlsx"
        return f"cin-{self.period}{'-' + self.lea if self.lea else ''}.xml"
