"""``iro send_reminders``: email the reminders of conferences soon (run daily, e.g. cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from iro.journey.invitations import REMINDER_DAYS_BEFORE, send_reminders


class Command(BaseCommand):
    help = f"Queue reminders of the conferences in the next {REMINDER_DAYS_BEFORE} days"

    def handle(self, *args, **options):
        queued = send_reminders(today=timezone.localdate())
        self.stdout.write(f"{queued} reminders queued")
