"""Two builds with the same seed on empty databases make the same authority."""

from __future__ import annotations

import pytest
from django.db import transaction

from iro.challenge.models import Dispute, DisputeStage, Feedback, MultiAgencyChallenge, Target
from iro.children.models import Child, Family
from iro.demo.builder import build_demo
from iro.journey.models import (
    CinPlanPeriod,
    Conference,
    ConferenceChild,
    CoreGroupMember,
    Episode,
    Invitation,
    Plan,
    PlanAction,
    PlanOutcome,
    PreMeeting,
    Section47,
    StrategyDiscussion,
)
from iro.people.models import Agency, Leave, Team, User
from tests.demo.conftest import SEED, TODAY

pytestmark = [pytest.mark.django_db]

TINY = 0.05
MODELS = [User, Team, Agency, Leave, Family, Child, Episode, StrategyDiscussion, Section47]
MODELS += [Conference, ConferenceChild, Plan, CinPlanPeriod]
MODELS += [Dispute, DisputeStage, MultiAgencyChallenge, Feedback, Target]
MODELS += [Invitation, PreMeeting, PlanOutcome, PlanAction, CoreGroupMember]


def fingerprint() -> tuple:
    """Every table's size, and the first child's whole journey, with no database ids."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    child = Child.objects.order_by("la_child_id").first()
    journey = [
        (child.la_child_id, child.full_name, child.date_of_birth, child.ethnicity),
        (child.team.name, child.social_worker.username),
        [(e.referral_date, e.closure_date, e.closure_reason) for e in child.episodes.all()],
        [
            (s.start_date, s.icpc_not_required)
            for s in Section47.objects.filter(episode__child=child)
        ],
        [
            (
                r.conference.kind,
                r.conference.status,
                r.conference.scheduled_date,
                r.conference.scheduled_time,
                r.conference.chair.username,
                r.decision,
                r.category,
                r.attendance,
            )
            for r in child.conference_rows.order_by("conference__scheduled_date")
        ],
        [(p.start_date, p.end_date, p.latest_category, p.end_reason) for p in child.plans.all()],
    ]
    worries = [
        [
            (d.child.la_child_id, d.raised_on, d.reason, d.stage, d.resolved_on, d.detail)
            for d in Dispute.objects.select_related("child").order_by(
                "raised_on", "child__la_child_id", "reason", "stage", "resolved_on", "detail"
            )
        ],
        [
            (c.child.la_child_id, c.agency.name, c.raised_on, c.forwarded_on, c.outcome)
            for c in MultiAgencyChallenge.objects.select_related("child", "agency").order_by(
                "raised_on", "child__la_child_id", "agency__name", "forwarded_on", "outcome"
            )
        ],
        list(
            Feedback.objects.order_by(
                "received_on", "text", "attribution", "respondent", "consent_to_quote"
            ).values_list("respondent", "text", "received_on", "consent_to_quote")
        ),
        list(Target.objects.order_by("year", "measure").values_list("year", "measure", "value")),
        list(
            Invitation.objects.order_by(
                "conference__scheduled_date", "name", "role", "email", "attendance"
            ).values_list("name", "role", "email", "attendance")
        ),
        list(
            PlanAction.objects.order_by(
                "plan__child__la_child_id", "by_when", "what", "who", "status"
            ).values_list("what", "who", "by_when", "status")
        ),
    ]
    return counts, journey, worries


def build_and_forget(seed: int) -> tuple:
    with transaction.atomic():
        build_demo(seed=seed, today=TODAY, scale=TINY)
        result = fingerprint()
        transaction.set_rollback(True)
    assert not Child.objects.exists()
    return result


def test_the_same_seed_builds_the_same_authority(mailoutbox):
    first = build_and_forget(SEED)
    assert first[0]["Child"] > 50
    assert first[0]["Dispute"] > 0 and first[0]["Invitation"] > 0
    assert build_and_forget(SEED) == first
    assert mailoutbox == []  # invitations and notices are recorded, never emailed, while building
