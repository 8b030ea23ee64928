"""The write paths of notices: ``notify`` records one, ``settle`` says what it was about
is no longer waiting.

Callers are other services, inside their own transaction, after they have checked the
acting user: a notice is recorded with the change that made it, or not at all.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from iro.journey.checks import today
from iro.notices.mail import emailing, queue_mail
from iro.notices.models import MailKind, Notice

SITE_NAME = "iro"


def notify(*, recipient, subject: str, link: str, acting_user, settled: bool = False) -> Notice:
    """Record that ``recipient`` is to be told ``subject``, with a link to the page;
    ``settled``: nothing waits for them (they are told work went elsewhere).

    The subject must not name a child (the callers' texts are fixed sentences). When the
    recipient has an email address the notice is also queued as mail (sent by the
    worker; ``sent_at`` is stamped when the mail server takes it).
    """
    limit = Notice._meta.get_field("subject").max_length
    if len(subject) > limit:  # a long agency or staff name: the link says the rest
        subject = subject[: limit - 1].rstrip() + "…"
    body = f"{subject}.\n\nOpen it in {SITE_NAME}: {link}\n"
    notice = Notice(
        recipient=recipient,
        sender=acting_user,
        subject=subject,
        body=body,
        link=link,
        created_at=_now(),
    )
    if settled:
        notice.settled_at = notice.created_at
    notice._history_user = acting_user  # the history row names who caused it
    notice.save()
    if recipient.email and emailing():
        queue_mail(
            kind=MailKind.NOTICE,
            to=recipient.email,
            subject=f"{SITE_NAME}: {subject}",
            body=f"{subject}.\n\nOpen it in {SITE_NAME}: {settings.IRO_SITE_URL}{link}\n",
            link=link,
            acting_user=acting_user,
            notice=notice,
        )
    return notice


def settle(*links: str, acting_user) -> int:
    """Record that the notices about the pages at ``links`` are no longer waiting: the
    work was done (a dispute answered, a challenge forwarded) or moved on to someone else
    (a dispute escalated or resolved). Called in the transaction of that change, before
    any notice it makes itself. The number settled."""
    settled_at = _now()
    waiting = Notice.objects.filter(link__in=links, settled_at__isnull=True)
    count = 0
    for notice in waiting.select_for_update():
        notice.settled_at = settled_at
        notice._history_user = acting_user
        notice.save(update_fields=["settled_at"])
        count += 1
    return count


def _now() -> datetime:
    """Now; or, while synthetic history is written as of an earlier day (``checks.as_at``:
    the demo), the middle of that day, so the demo's messages are dated when they would
    have come, not all on the day the demo was made."""
    day = today()
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))
