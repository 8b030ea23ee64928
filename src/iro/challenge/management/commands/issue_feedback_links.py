"""``iro issue_feedback_links``: feedback links for conferences held before they existed.

A conference recorded as held gets its links then (``record_conference_held``); this
makes them for the conferences held in the last 28 days that have invitations without
one, through the same ``issue_feedback_links``. Run once after upgrading; running it
again makes nothing new.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from iro.challenge.feedback_links import LINK_DAYS, issue_feedback_links
from iro.journey.models import Conference, ConferenceStatus


class Command(BaseCommand):
    help = f"Make feedback links for conferences held in the last {LINK_DAYS} days"

    def handle(self, *args, **options):
        since = timezone.localdate() - timedelta(days=LINK_DAYS)
        conferences = Conference.objects.filter(
            status=ConferenceStatus.HELD,
            held_on__gt=since,
            invitations__feedback_link__isnull=True,
        ).distinct()
        made = 0
        for conference in conferences.order_by("held_on", "pk"):
            with transaction.atomic():
                made += len(issue_feedback_links(conference=conference))
        self.stdout.write(f"{made} feedback links made")
