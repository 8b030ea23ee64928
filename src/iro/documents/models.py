"""Requests for a family document in another format (large print, audio, Braille),
made in the background and kept for the person who asked."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from iro.documents.formats import AUDIO, BRAILLE, LARGE_PRINT

# A request not finished this long after it was asked for has stopped (the worker is
# down, or stopped while making it): the page says so.
STALLED_AFTER = timedelta(minutes=30)
STALLED = (
    "This has not finished {minutes} minutes after it was asked for: the background "
    "worker may have stopped. Ask for it again from the document; if it stops again, "
    "tell the administrator."
)


class DocumentKind(models.TextChoices):
    FAMILY_PLAN = "family_plan", "The plan for the family"
    LETTER = "letter", "Invitation letter"
    ANNUAL_SUMMARY = "annual_summary", "Annual report summary"


class Format(models.TextChoices):
    LARGE_PRINT = LARGE_PRINT, "Large print"
    AUDIO = AUDIO, "Audio"
    BRAILLE = BRAILLE, "Braille"


class FormatState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Could not be made"


class FormatRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    document = models.JSONField(
        help_text="Which document: the plan's, conference's and invitation's or year's ids."
    )
    key = models.CharField(max_length=200, help_text="The document's ids as one string.")
    format = models.CharField(max_length=20, choices=Format.choices)
    title = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=20, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=FormatState.choices, default=FormatState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent made.")
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    file_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="An audio file's length.")
    error = models.TextField(blank=True, help_text="Why the format could not be made.")

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["requested_by", "kind", "key"])]

    def __str__(self) -> str:
        return f"{self.get_format_display()} of {self.title or self.get_kind_display()}"

    @property
    def finished(self) -> bool:
        return self.state in {FormatState.DONE, FormatState.FAILED}

    @property
    def stalled_words(self) -> str:
        """Why an unfinished request looks stopped, or ""."""
        if self.finished or timezone.now() - self.queued_at < STALLED_AFTER:
            return ""
        return STALLED.format(minutes=int(STALLED_AFTER.total_seconds() // 60))
