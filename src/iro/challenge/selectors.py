"""Reads of disputes, challenges, feedback and targets.

Anything that names a child starts from ``access.scope.visible_to(user)``. The
safeguarding partnership sees no children's records, so its list of challenges to
forward carries the agency, the professional and the concern, never the child.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from iro import timescales
from iro.access.capabilities import Capability, has_capability
from iro.access.scope import visible_to
from iro.challenge.models import (
    Dispute,
    DisputeStage,
    Feedback,
    MultiAgencyChallenge,
    StageTimescale,
    Target,
)
from iro.people.selectors import closure_days


def disputes_for(user) -> QuerySet[Dispute]:
    """Disputes about the children ``user`` may see, newest first."""
    return Dispute.objects.filter(child__in=visible_to(user)).select_related("child", "raised_by")


def open_disputes_for(user) -> QuerySet[Dispute]:
    return disputes_for(user).filter(resolved_on__isnull=True)


def stage_response_due(stage: DisputeStage) -> date | None:
    """When a response is due at this stage, from the authority's timescale; None if unset."""
    timescale = StageTimescale.objects.filter(stage=stage.stage).first()
    if timescale is None:
        return None
    return timescales.add_working_days(
        stage.started_on, timescale.working_days, closures=closure_days()
    )


def challenges_for(user) -> QuerySet[MultiAgencyChallenge]:
    """Multi-agency challenges about the children ``user`` may see."""
    return MultiAgencyChallenge.objects.filter(child__in=visible_to(user)).select_related(
        "agency", "raised_by"
    )


def challenges_to_forward(user) -> QuerySet[MultiAgencyChallenge]:
    """For the safeguarding partnership: challenges not yet sent to a manager.

    Callers show the agency, professional and concern only: the partnership has no
    access to children's records.
    """
    if not has_capability(user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES):
        return MultiAgencyChallenge.objects.none()
    return (
        MultiAgencyChallenge.objects.filter(forwarded_on__isnull=True, responded_on__isnull=True)
        .select_related("agency")
        .order_by("raised_on", "pk")
    )


def quotable_feedback(first_day: date, last_day: date) -> QuerySet[Feedback]:
    """Feedback received in the period whose giver agreed to be quoted (no child named)."""
    return (
        Feedback.objects.filter(
            consent_to_quote=True,
            received_on__gte=first_day,
            received_on__lte=last_day,
            # A join is not filtered by the default manager: not about a voided conference.
            conference__voided_at__isnull=True,
        )
        .only("respondent", "attribution", "text", "received_on")
        .order_by("received_on", "pk")
    )


def targets_for_year(year: str) -> dict[str, Target]:
    """The targets set for a reporting year, by measure key."""
    return {t.measure: t for t in Target.objects.filter(year=year)}
