"""Messages iro owes a member of staff: something is waiting for them.

A notice is recorded when the work is handed to someone (a dispute stage addressed to
them, an answer waiting for the IRO, a challenge waiting to be forwarded), and emailed
to them when they have an address (``OutgoingMail``, sent by the worker); ``sent_at``
is when the mail server took it, ``settled_at`` when the work was done or went to
someone else (so the Messages page says what is still waiting). A notice never names a
child: its text says what is waiting and links to it, and the page it links to checks
the reader's access.
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
    settled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When what it said was waiting no longer was: done, or moved on to "
        "someone else (``services.settle``).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["link"])]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.recipient})"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def latest_mail(self):
        """The newest email of this notice (None: the recipient has no address)."""
        mails = sorted(self.mails.all(), key=lambda m: (m.queued_at, m.pk))  # prefetched
        return mails[-1] if mails else None


class MailKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    UPDATE = "update", "Changed invitation"
    CANCELLATION = "cancellation", "Cancellation"
    REMINDER = "reminder", "Reminder"
    NOTICE = "notice", "Notice"
    FEEDBACK = "feedback", "Feedback request"
    ACCOUNT = "account", "Account"


class MailState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    KEPT = "kept", "Kept on this machine, not sent"
    FAILED = "failed", "Failed"


class OutgoingMail(models.Model):
    """One email iro has to send, and what became of it (``iro.notices.mail``).

    Written in the transaction of the change that made it, then sent by a background
    task: tried ``IRO_MAIL_ATTEMPTS`` times, and each refusal's answer from the mail
    server kept. "Kept" is mail a backend that is not SMTP took (``make run``: files in
    var/mail): it never left this machine and the pages say so. The body may name the
    family's children (an invitation does), so this table is in no administrator's page.
    """

    kind = models.CharField(max_length=20, choices=MailKind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # One attachment at most: an invitation's calendar request (text/calendar).
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_text = models.TextField(blank=True)
    calendar_method = models.CharField(max_length=10, blank=True, help_text="REQUEST or CANCEL")
    link = models.CharField(max_length=300, help_text="The path of the page that made it.")
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="mails"
    )
    invitation = models.ForeignKey(
        "journey.Invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mails",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=MailState.choices, default=MailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    answer = models.TextField(blank=True, help_text="The mail server's answer to the last try.")
    queued_at = models.DateTimeField(default=timezone.now)
    next_try_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Sent, kept or given up.")

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["link"]), models.Index(fields=["state", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} mail {self.pk} ({self.state})"
