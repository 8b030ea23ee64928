"""The demo's disputes, challenges, feedback and targets as written (a tenth of the size)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from iro import timescales
from iro.access.scope import visible_to
from iro.challenge.models import (
    ATTRIBUTION,
    Dispute,
    DisputeStage,
    Feedback,
    MultiAgencyChallenge,
    StageTimescale,
    Target,
)
from iro.challenge.selectors import challenges_to_forward, quotable_feedback
from iro.demo import challenges
from iro.journey.models import ConferenceChild, ConferenceStatus
from iro.notices.models import Notice
from iro.people.models import Role, User
from iro.reports import measures
from iro.reports.builders import annual_report
from tests.demo.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_demo")]

SHOWN = ["2023-24", "2024-25", "2025-26"]


def year(label: str) -> timescales.Period:
    return timescales.parse_period(timescales.ANNUAL, label)


@pytest.mark.parametrize("label", SHOWN)
def test_each_year_has_disputes_challenges_and_quotable_feedback(label):
    period = year(label)
    assert measures.children_with_dispute_raised(period) > 0
    assert measures.disputes_raised(period) >= measures.children_with_dispute_raised(period)
    assert measures.multi_agency_challenges_raised(period)["count"] > 0
    assert quotable_feedback(period.first_day, period.last_day).exists()
    given = Feedback.objects.filter(received_on__range=(period.first_day, period.last_day))
    assert {"parent_or_carer", "professional"} <= set(given.values_list("respondent", flat=True))


def test_the_summary_counts_what_the_reports_count(small_demo):
    assert [w.label for w in small_demo.worries] == SHOWN
    for worries in small_demo.worries:
        period = year(worries.label)
        assert worries.children_with_dispute == measures.children_with_dispute_raised(period)
        assert worries.challenges == measures.multi_agency_challenges_raised(period)["count"]
        assert worries.quotable == quotable_feedback(period.first_day, period.last_day).count()
        assert worries.targets == len(challenges.phrases.TARGET_PLANS)


def test_every_dispute_went_through_its_stages_in_order():
    timescale = dict(StageTimescale.objects.values_list("stage", "working_days"))
    assert timescale == challenges.STAGE_WORKING_DAYS
    for dispute in Dispute.objects.prefetch_related("stages"):
        stages = list(dispute.stages.all())
        assert [s.stage for s in stages] == list(range(1, dispute.stage + 1))
        assert stages[0].started_on == dispute.raised_on
        assert all(s.sent_to for s in stages)
        assert all(s.ended_on for s in stages[:-1])
        assert (stages[-1].ended_on is None) == (dispute.resolved_on is None)
        assert dispute.plan.child_id == dispute.child_id
        assert dispute.plan.start_date < dispute.raised_on
        assert dispute.raised_by.role in (Role.IRO, Role.IRO_MANAGER)
        assert dispute.history.count() >= 1 + sum(1 for s in stages if s.responded_on)
    assert DisputeStage.objects.filter(responded_on__isnull=False).exists()


def test_the_notices_a_dispute_sent_are_dated_when_it_happened_not_when_the_demo_was_made():
    for dispute in Dispute.objects.filter(resolved_on__isnull=False)[:20]:
        answer = reverse("dispute_answer", kwargs={"public_id": dispute.public_id})
        sent = Notice.objects.filter(link=answer).order_by("created_at")
        assert sent.exists()
        assert timezone.localtime(sent.first().created_at).date() == dispute.raised_on


def test_the_partnership_officer_has_challenges_to_forward_without_seeing_any_child():
    officer = User.objects.get(username="demo-partnership")
    waiting = challenges_to_forward(officer)
    assert waiting.count() >= challenges.WAITING_TO_FORWARD
    assert not visible_to(officer).exists()
    forwarded = MultiAgencyChallenge.objects.filter(forwarded_on__isnull=False)
    assert forwarded.exists()
    assert set(forwarded.values_list("forwarded_by__username", flat=True)) == {"demo-partnership"}
    answered = forwarded.exclude(outcome="")
    assert answered.exists()
    assert all(c.responded_on >= c.forwarded_on for c in answered)


def test_feedback_is_on_held_conferences_after_they_happened():
    for feedback in Feedback.objects.select_related("conference"):
        assert feedback.conference.status == ConferenceStatus.HELD
        assert feedback.conference.held_on <= feedback.received_on <= TODAY
        assert feedback.attribution


def test_the_action_plan_shows_this_years_progress_against_the_targets_set_for_it():
    report = annual_report(SHOWN[-1])
    assert len(report.progress) == len(challenges.phrases.TARGET_PLANS)
    assert all(line.actual is not None and line.met is not None for line in report.progress)
    assert {line.met for line in report.progress} == {True, False}
    assert report.targets_next_year
    assert set(Target.objects.values_list("set_by__username", flat=True)) == {"demo-manager"}
    assert set(Target.objects.values_list("year", flat=True)) == {*SHOWN, "2026-27"}


def test_recorded_participation_still_matches_the_pre_meetings():
    rows = ConferenceChild.objects.filter(pre_meeting__isnull=False).select_related(
        "pre_meeting", "conference"
    )
    assert rows.exists()
    for row in rows:
        meeting = row.pre_meeting
        assert row.pre_meeting_parents == (meeting.parents_met_on is not None)
        assert row.pre_meeting_child == (meeting.child_met_on is not None)
        assert row.advocate_involved == bool(meeting.advocate_organisation)
        day = row.conference.held_on or row.conference.scheduled_date
        assert meeting.parents_met_on is None or meeting.parents_met_on <= min(day, TODAY)


@pytest.mark.parametrize("label", SHOWN)
def test_each_years_report_quotes_a_handful_of_approved_quotes_none_repeated(label):
    from iro.demo.worries_writer import FEATURED_PER_YEAR

    quotes = annual_report(label).quotes
    assert 1 <= len(quotes) <= FEATURED_PER_YEAR
    assert len({q.text for q in quotes}) == len(quotes)
    assert {q.attribution for q in quotes} <= set(ATTRIBUTION.values())
    figures = annual_report(label).feedback
    assert any(r["answers"] for r in figures["ratings"].values())
    assert sum(figures["themes"].values()) > 0


def test_the_manager_has_quotes_awaiting_approval_one_naming_a_family_member():
    from django.core.exceptions import ValidationError

    from iro.challenge import services
    from iro.challenge.selectors import quotes_awaiting_approval
    from iro.demo.worries_writer import NAMED_FEEDBACK

    manager = User.objects.get(username="demo-manager")
    waiting = quotes_awaiting_approval(manager)
    assert waiting.count() >= 2
    prefix = NAMED_FEEDBACK.split("{name}")[1]
    named = waiting.get(text__endswith=prefix)
    with pytest.raises(ValidationError) as error:
        services.approve_quote(feedback=named, wording=named.text, acting_user=manager)
    assert named.text.split()[0] in " ".join(error.value.messages)


@pytest.mark.parametrize("label", SHOWN)
def test_each_year_has_a_population_hours_comparisons_and_dispute_outcomes(label):
    period = year(label)
    rate = measures.children_on_plan_at_period_end_per_10000(period)
    assert rate is not None and rate > 0
    assert measures.iro_caseload_per_fte_at_period_end(period) is not None
    report = annual_report(label)
    assert {row.area for row in report.comparisons["children_on_plan_at_period_end_per_10000"]} == {
        "england",
        "region",
        "neighbours",
    }
    outcomes = measures.dispute_outcomes(period)
    resolved = sum(v["count"] for v in measures.dispute_resolution_stage(period).values())
    assert sum(outcomes.values()) == resolved
    assert outcomes["not_recorded"] == 0
