"""Reads of notices: a user's own, and those about one page."""

from __future__ import annotations

from django.db.models import QuerySet

from iro.notices.models import Notice

# A working list: the most recent are enough.
SHOWN = 100


def notices_for(user) -> QuerySet[Notice]:
    """The notices addressed to ``user``, newest first."""
    return (
        Notice.objects.filter(recipient=user)
        .select_related("sender")
        .prefetch_related("mails")
        .order_by("-created_at", "-pk")
    )


def notices_about(*links: str) -> QuerySet[Notice]:
    """Every notice that links to one of the pages at ``links`` (for a page to show)."""
    return (
        Notice.objects.filter(link__in=links)
        .select_related("recipient")
        .prefetch_related("mails")
        .order_by("created_at", "pk")
    )
