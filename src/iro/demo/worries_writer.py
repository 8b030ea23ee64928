"""Write the planned disputes, challenges, feedback and the action plan's targets.

Each record goes through ``challenge.services`` (one transaction and history row
each), as the IRO, the partnership officer, the coordinator or the IRO service
manager would make it on the pages. Targets are set for each reporting year from
the year before's figures, so the annual report's action plan shows this year's
progress against the targets set for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from iro import timescales
from iro.challenge import services
from iro.challenge.models import (
    Dispute,
    DisputeOutcome,
    Feedback,
    MultiAgencyChallenge,
    QuoteStatus,
    Target,
)
from iro.challenge.selectors import challenges_to_forward
from iro.children.models import Child
from iro.demo import challenges, phrases, planner
from iro.demo.staff import Staff
from iro.journey.checks import as_at, current_version
from iro.journey.models import Conference, Plan
from iro.people.models import Agency, User
from iro.reports import measures
from iro.timescales import Period


@dataclass(frozen=True)
class YearWorries:
    """A reporting year's disputes, challenges, feedback and targets, from the records."""

    label: str
    children_with_dispute: int
    disputes: int
    resolved_by_stage: dict[str, int]
    challenges: int
    agencies: int
    feedback: int
    quotable: int
    targets: int


class WorriesWriter:
    def __init__(
        self,
        *,
        staff: Staff,
        partnership: User,
        families: dict[int, planner.FamilyPlan],
        children: dict[int, Child],
        plans: dict[tuple[int, date], Plan],
        conferences: dict[int, Conference],
        agencies: dict[str, Agency],
    ) -> None:
        self.staff = staff
        self.partnership = partnership
        self.families = families
        self.children = children
        self.plans = plans
        self.conferences = conferences
        self.agencies = agencies

    def write(self, worries: challenges.WorriesPlan) -> None:
        for dispute in worries.disputes:
            self.dispute(dispute)
        for challenge in worries.challenges:
            self.challenge(challenge)
        for feedback in worries.feedback:
            self.feedback(feedback)

    def _addressee(self, family: planner.FamilyPlan, stage: int) -> User:
        """Who a dispute goes to at ``stage``: up the line from the child's social worker
        (social worker, team manager, service manager, head of service, director; the
        senior leadership stages 5-7 and stage 8 go to the top of the line)."""
        chain = [self.staff.workers[family.team][family.worker]]
        while chain[-1].line_manager is not None:
            chain.append(chain[-1].line_manager)
        return chain[-1] if stage >= 5 else chain[min(stage, len(chain)) - 1]

    def dispute(self, plan: challenges.DisputePlan) -> Dispute:
        """The dispute written as it happened: each step as of its own day (``as_at``), so
        the notices it sends are dated then."""
        chair = self.staff.chairs[plan.chair]
        family = self.families[plan.family]
        with as_at(plan.raised_on):
            dispute = services.raise_dispute(
                child=self.children[plan.child],
                plan=self.plans[(plan.child, plan.plan_start)],
                raised_on=plan.raised_on,
                reason=plan.reason,
                detail=plan.detail,
                addressed_to=self._addressee(family, 1),
                acting_user=chair,
            )
        for step in plan.stages:
            addressee = self._addressee(family, step.stage)
            if step.stage > 1:
                with as_at(step.started_on):
                    dispute = services.escalate_dispute(
                        dispute=dispute,
                        escalated_on=step.started_on,
                        addressed_to=addressee,
                        note=step.note,
                        acting_user=chair,
                        expected_version=current_version(dispute),
                    )
            if step.responded_on is not None:
                # The person the stage went to answers it in iro.
                with as_at(step.responded_on):
                    services.record_stage_response(
                        dispute=dispute,
                        responded_on=step.responded_on,
                        response=step.response,
                        acting_user=addressee,
                        expected_version=current_version(dispute),
                    )
        if plan.resolved_on is not None:
            with as_at(plan.resolved_on):
                dispute = services.resolve_dispute(
                    dispute=dispute,
                    resolved_on=plan.resolved_on,
                    resolution=plan.resolution,
                    outcome=dispute_outcome(plan.raised_on),
                    acting_user=chair,
                    expected_version=current_version(dispute),
                )
        return dispute

    def challenge(self, plan: challenges.ChallengePlan) -> MultiAgencyChallenge:
        chair = self.staff.chairs[plan.chair]
        challenge = services.raise_multi_agency_challenge(
            child=self.children[plan.child],
            agency=self.agencies[plan.agency],
            professional=plan.professional,
            concern=plan.concern,
            raised_on=plan.raised_on,
            acting_user=chair,
        )
        if plan.forwarded_on is not None:
            challenge = services.forward_multi_agency_challenge(
                challenge=challenge,
                forwarded_on=plan.forwarded_on,
                forwarded_to=plan.forwarded_to,
                acting_user=self.partnership,
            )
        if plan.responded_on is not None:
            challenge = services.record_challenge_response(
                challenge=challenge,
                responded_on=plan.responded_on,
                response=plan.response,
                outcome=plan.outcome,
                acting_user=self.partnership if plan.forwarded_on else chair,
            )
        return challenge

    def feedback(self, plan: challenges.FeedbackPlan) -> Feedback:
        coordinators = self.staff.coordinators
        return services.record_feedback(
            conference=self.conferences[id(plan.meeting)],
            respondent=plan.respondent,
            attribution=plan.attribution,
            text=plan.text,
            received_on=plan.received_on,
            consent_to_quote=plan.consent,
            ratings=plan.ratings,
            themes=plan.themes,
            acting_user=coordinators[plan.family % len(coordinators)],
        )


# The IRO service manager's quotes: per complete year, this many approved (distinct
# wordings) and this many of them featured in its annual report; the rest declined.
APPROVED_PER_YEAR = 10
FEATURED_PER_YEAR = 5
# In the year under way: a few approved and featured, the rest awaiting approval.
APPROVED_SO_FAR = 4
FEATURED_SO_FAR = 2
# A parent's words about a family member, by name: awaiting approval, so a demo user
# sees the approval refuse it and show where the name is.
NAMED_FEEDBACK = "{name} was at the conference and the chair made sure she could speak."


def _quotable(period: Period):
    return (
        Feedback.objects.filter(
            consent_to_quote=True,
            quote_status=QuoteStatus.AWAITING,
            received_on__range=(period.first_day, period.last_day),
        )
        .exclude(text="")
        .order_by("received_on", "pk")
    )


def approve_quotes(*, current: Period, manager: User) -> int:
    """The manager approves and features a handful of quotes per year (as given: the
    demo's words name nobody; a wording the check refuses is left awaiting) and declines
    the rest of a complete year; the year under way keeps most awaiting. Returns how many
    quotes are featured."""
    featured = 0
    first = Feedback.objects.order_by("received_on").values_list("received_on", flat=True)
    if not first:
        return 0
    years = [timescales.period_containing(timescales.ANNUAL, first[0])]
    while years[-1].last_day < current.first_day:
        years.append(next_year(years[-1]))
    for period in years:
        under_way = period == current
        quotable = list(_quotable(period))
        # In the year under way, at most half so far: the rest await the manager.
        approve_n = min(APPROVED_SO_FAR, len(quotable) // 2) if under_way else APPROVED_PER_YEAR
        feature_n = FEATURED_SO_FAR if under_way else FEATURED_PER_YEAR
        seen: set[str] = set()
        approved = []
        for feedback in quotable:
            if feedback.text in seen or len(approved) >= approve_n:
                if not under_way:
                    services.decline_quote(feedback=feedback, acting_user=manager)
                continue
            try:
                approved.append(
                    services.approve_quote(
                        feedback=feedback,
                        wording=feedback.text,
                        acting_user=manager,
                        on=min(feedback.received_on + timedelta(days=14), period.last_day),
                    )
                )
            except ValidationError:
                continue  # a name, or what looks like one: it waits for a rewording
            seen.add(feedback.text)
        for feedback in approved[:feature_n]:
            services.feature_quote(feedback=feedback, featured=True, acting_user=manager)
            featured += 1
    return featured


def named_feedback(*, current: Period, coordinator: User) -> Feedback | None:
    """One piece of feedback from a parent naming a family member, awaiting approval."""
    for feedback in _quotable(current).filter(respondent="parent_or_carer").reverse():
        row = feedback.conference.children.select_related("child__family").first()
        family = row.child.family if row else None
        member = family.adults.order_by("pk").first() if family else None
        if member is None:
            continue
        return services.record_feedback(
            conference=feedback.conference,
            respondent="parent_or_carer",
            attribution="Parent, after a conference",
            text=NAMED_FEEDBACK.format(name=member.name.split()[0]),
            received_on=feedback.received_on,
            consent_to_quote=True,
            ratings={"rating_listened_to": 5},
            themes=["being_heard"],
            acting_user=coordinator,
        )
    return None


def _percent(value) -> float | None:
    percent = value.percent if isinstance(value, measures.Ratio) else None
    return None if percent is None else float(percent)


def set_targets(*, years: list[Period], manager: User) -> int:
    """For each year, the IRO service manager's targets: a step on the year before's
    figure for each measure of ``phrases.TARGET_PLANS``. Returns how many were set."""
    made = 0
    for period in years:
        previous = period.previous_year()
        for key, (_, _, action) in phrases.TARGET_PLANS.items():
            target = challenges.target_value(key, _percent(measures.MEASURES[key](previous)))
            if target is None:
                continue
            direction, value = target
            services.set_target(
                year=period.label,
                measure=key,
                value=Decimal(str(value)),
                direction=direction,
                action=action,
                acting_user=manager,
            )
            made += 1
    return made


def next_year(period: Period) -> Period:
    return timescales.period_containing(
        timescales.ANNUAL, timescales.add_months(period.first_day, 12)
    )


def year_worries(period: Period) -> YearWorries:
    """What the reports will show for ``period`` (metrics.md), and the year's feedback."""
    a, b = period.first_day, period.last_day
    feedback = Feedback.objects.filter(received_on__range=(a, b))
    stages = measures.dispute_resolution_stage(period)
    raised = measures.multi_agency_challenges_raised(period)
    return YearWorries(
        label=period.label,
        children_with_dispute=measures.children_with_dispute_raised(period),
        disputes=measures.disputes_raised(period),
        resolved_by_stage={k: v["count"] for k, v in stages.items()},
        challenges=raised["count"],
        agencies=len(raised["by_agency"]),
        feedback=feedback.count(),
        quotable=feedback.filter(consent_to_quote=True).count(),
        targets=Target.objects.filter(year=period.label).count(),
    )


def waiting_to_forward(partnership: User) -> int:
    return challenges_to_forward(partnership).count()


# The IRO's view of resolutions, most addressing the concern: one in ten in order.
OUTCOMES = (
    *[DisputeOutcome.CONCERN_ADDRESSED] * 6,
    *[DisputeOutcome.PARTLY_ADDRESSED] * 2,
    DisputeOutcome.NOT_ADDRESSED,
    DisputeOutcome.WITHDRAWN,
)


def dispute_outcome(raised_on: date) -> str:
    """A steady mix of outcomes, the same for every build (by the day it was raised)."""
    return OUTCOMES[raised_on.toordinal() % len(OUTCOMES)]
