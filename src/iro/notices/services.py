"""The one write path of notices: ``notify``.

Callers are other services, inside their own transaction, after they have checked the
acting user: a notice is recorded with the change that made it, or not at all.
"""

from __future__ import annotations

from iro.notices.models import Notice

SITE_NAME = "iro"


def notify(*, recipient, subject: str, link: str, acting_user) -> Notice:
    """Record that ``recipient`` is to be told ``subject``, with a link to the page.

    The subject must not name a child (the callers' texts are fixed sentences). Mail is
    not sent yet: the notice waits with ``sent_at`` empty.
    """
    body = f"{subject} in {SITE_NAME}.\n\nOpen it: {link}\n"
    notice = Notice(recipient=recipient, sender=acting_user, subject=subject, body=body, link=link)
    notice._history_user = acting_user  # the history row names who caused it
    notice.save()
    return notice
