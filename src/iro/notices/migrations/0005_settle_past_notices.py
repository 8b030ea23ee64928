"""Notices made before ``settled_at`` existed: those whose work was since done or moved
on are settled on the day it happened (noon), so the Messages page does not call them
waiting. A dispute's notice is settled by its resolution, or by the end of (or, for the
addressee's, the answer at) the stage that was current when it was made; a multi-agency
challenge's by its forwarding (or its withdrawal)."""

from datetime import datetime, time

from django.db import migrations
from django.urls import reverse
from django.utils import timezone


def _noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def settle_past_notices(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    Dispute = apps.get_model("challenge", "Dispute")
    Challenge = apps.get_model("challenge", "MultiAgencyChallenge")
    waiting = {}
    for notice in Notice.objects.filter(settled_at__isnull=True):
        waiting.setdefault(notice.link, []).append(notice)
    if not waiting:
        return
    for dispute in Dispute.objects.prefetch_related("stages"):
        answer = reverse("dispute_answer", kwargs={"public_id": dispute.public_id})
        detail = reverse("dispute_detail", kwargs={"public_id": dispute.public_id})
        stages = sorted(dispute.stages.all(), key=lambda s: (s.started_on, s.stage))
        for link in (answer, detail):
            for notice in waiting.get(link, ()):
                made_on = timezone.localtime(notice.created_at).date()
                current = [s for s in stages if s.started_on <= made_on][-1:]
                ends = [dispute.resolved_on]
                for stage in current:
                    ends.append(stage.ended_on)
                    if link == answer:
                        ends.append(stage.responded_on)
                ends = [d for d in ends if d is not None]
                if ends:
                    notice.settled_at = max(_noon(min(ends)), notice.created_at)
                    notice.save(update_fields=["settled_at"])
    for challenge in Challenge.objects.exclude(forwarded_on=None, responded_on=None):
        link = reverse("challenge_detail", kwargs={"public_id": challenge.public_id})
        done = min(d for d in (challenge.forwarded_on, challenge.responded_on) if d is not None)
        for notice in waiting.get(link, ()):
            notice.settled_at = max(_noon(done), notice.created_at)
            notice.save(update_fields=["settled_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0004_notice_settled_at"),
        ("challenge", "0008_challenge_response_working_days"),
    ]

    operations = [migrations.RunPython(settle_past_notices, migrations.RunPython.noop)]
