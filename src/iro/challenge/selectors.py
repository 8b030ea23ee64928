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
    QuoteStatus,
    StageTimescale,
    Target,
)
from iro.children.models import Child
from iro.journey.models import ConferenceChild
from iro.journey.selectors import known_names_by_child
from iro.names import name_parts
from iro.people.models import User
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
    """Feedback received in the period whose giver agreed to be quoted (not yet approved:
    a report prints only ``featured_quotes``)."""
    return (
        Feedback.objects.filter(
            consent_to_quote=True,
            received_on__gte=first_day,
            received_on__lte=last_day,
            conference__voided_at__isnull=True,
        )
        .exclude(text="")
        .order_by("received_on", "pk")
    )


def featured_quotes(first_day: date, last_day: date, year: str) -> QuerySet[Feedback]:
    """The quotes the IRO service manager approved and featured in ``year``'s annual
    report, received in the period and still given with consent (no raw comment: the
    approved wording is what a report prints)."""
    return (
        Feedback.objects.filter(
            consent_to_quote=True,
            quote_status=QuoteStatus.APPROVED,
            featured_in=year,
            received_on__gte=first_day,
            received_on__lte=last_day,
            # A join is not filtered by the default manager: not about a voided conference.
            conference__voided_at__isnull=True,
        )
        .exclude(published_wording="")
        .order_by("received_on", "pk")
    )


def feedback_in(first_day: date, last_day: date) -> QuerySet[Feedback]:
    """Feedback received in the period, not about a voided conference."""
    return Feedback.objects.filter(
        received_on__gte=first_day,
        received_on__lte=last_day,
        conference__voided_at__isnull=True,
    )


def quotes_awaiting_approval(user) -> QuerySet[Feedback]:
    """Feedback given with consent to quote, not yet approved or declined, about children
    ``user`` may see (every child of its conference), oldest first."""
    return (
        Feedback.objects.filter(
            consent_to_quote=True,
            quote_status=QuoteStatus.AWAITING,
            conference__voided_at__isnull=True,
        )
        .exclude(text="")
        .exclude(conference__children__child__in=hidden_from(user))
        .select_related("conference")
        .order_by("received_on", "pk")
    )


def approved_quotes(user, year_first_day: date, year_last_day: date) -> QuerySet[Feedback]:
    """Approved quotes received in a reporting year, for choosing those to feature."""
    return (
        Feedback.objects.filter(
            consent_to_quote=True,
            quote_status=QuoteStatus.APPROVED,
            received_on__gte=year_first_day,
            received_on__lte=year_last_day,
            conference__voided_at__isnull=True,
        )
        .exclude(conference__children__child__in=hidden_from(user))
        .select_related("conference")
        .order_by("-featured_in", "received_on", "pk")
    )


def hidden_from(user) -> QuerySet[Child]:
    return Child.objects.exclude(pk__in=visible_to(user).values("pk"))


def names_known_around(feedback: Feedback) -> frozenset[str]:
    """Every name part the system knows that a quote of ``feedback`` could contain: its
    conference's children's and their families' (``known_names_by_child``) and every
    member of staff's first and last names (``iro.names.name_parts``)."""
    children = [
        row.child
        for row in ConferenceChild.all_objects.filter(
            conference_id=feedback.conference_id
        ).select_related("child")
    ]
    found: set[str] = set()
    for parts in known_names_by_child(children).values():
        found |= parts
    staff = User.objects.values_list("first_name", "last_name")
    return frozenset(found | name_parts(name for pair in staff for name in pair))


def targets_for_year(year: str) -> dict[str, Target]:
    """The targets set for a reporting year, by measure key."""
    return {t.measure: t for t in Target.objects.filter(year=year)}
