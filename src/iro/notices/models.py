"""Messages iro owes a member of staff: something is waiting for them.

A notice is recorded when the work is handed to someone (a dispute stage addressed to
them, an answer waiting for the IRO, a challenge waiting to be forwarded). Mail is not
set up yet: ``sent_at`` stays empty and the pages say "Not sent yet". A notice never
names a child: its text says what is waiting and links to it, and the page it links
to checks the reader's access.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose action made the notice.",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, help_text="The path of the page it is about.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["link"])]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.recipient})"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
