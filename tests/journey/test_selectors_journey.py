"""A child's journey: each stage with its due date, actual date, chair and timeliness."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.journey.models import ClosureReason, ConferenceKind, Decision, PlanEndReason
from iro.journey.selectors import journey_for
from tests.factories import (
    ChildFactory,
    FamilyFactory,
    PlanFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 10)


@pytest.fixture
def staff():
    return make_staff()


def steps_of(journey, episode: int = 0) -> dict[str, object]:
    return {s.stage: s for s in journey.episodes[episode].steps}


def test_it_shows_the_icpc_due_date_and_whether_it_was_in_time(staff):
    # S47 on Monday 2 December 2024: 15 working days on is 23 December; the 24th is late.
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 12, 2), icpc_on=date(2024, 12, 24),
        team=staff.team,
    )  # fmt: skip
    icpc = steps_of(journey_for(staff.iro, journey.child, day=TODAY))[
        "Initial child protection conference"
    ]
    assert icpc.due == date(2024, 12, 23)
    assert icpc.when == date(2024, 12, 24)
    assert icpc.chair == "Ivy Coldharbour"
    assert icpc.in_time.label == "No"
    assert icpc.in_time.detail == "16 working days after the S47 started"
    assert "Child protection plan" in icpc.notes


def test_an_icpc_within_fifteen_working_days_is_in_time(staff):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 24))
    icpc = steps_of(journey_for(staff.iro, journey.child, day=TODAY))[
        "Initial child protection conference"
    ]
    assert (icpc.due, icpc.in_time.label, icpc.in_time.detail) == (
        date(2025, 3, 24),
        "Yes",
        "15 working days after the S47 started",
    )


def test_each_review_is_due_three_then_six_months_on_and_the_next_is_flagged(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 1, 8), icpc_on=date(2024, 1, 29),
        reviews=(date(2024, 4, 25), date(2024, 11, 1)),
    )  # fmt: skip
    steps = steps_of(journey_for(staff.iro, journey.child, day=TODAY))
    first = steps["Review child protection conference 1"]
    second = steps["Review child protection conference 2"]
    following = steps["Next review conference"]
    assert (first.due, first.when, first.in_time.label) == (
        date(2024, 4, 29),
        date(2024, 4, 25),
        "Yes",
    )
    assert (second.due, second.when, second.in_time.label) == (
        date(2024, 10, 25),
        date(2024, 11, 1),
        "No",
    )
    assert second.in_time.detail == "7 days late"
    assert following.due == date(2025, 5, 1)
    assert following.overdue is True
    assert following.status == "Not booked"


def test_a_booked_review_shows_its_date_and_chair(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 24),
        reviews=(date(2025, 6, 20),),
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
        chair=staff.other_iro, scheduled_date=date(2025, 12, 15),
    )  # fmt: skip
    following = steps_of(journey_for(staff.iro, journey.child, day=TODAY))["Next review conference"]
    assert following.due == date(2025, 12, 20)
    assert following.status == "Booked for 15 Dec 2025"
    assert following.chair == "Otto Fallowfield"
    assert following.overdue is False
    assert following.booked_late is False


def test_a_booked_day_gone_by_and_not_recorded_is_said_on_the_journey(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 24),
        reviews=(date(2025, 6, 20),),
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
        chair=staff.other_iro, scheduled_date=date(2025, 12, 15),
    )  # fmt: skip
    day = date(2025, 12, 17)  # the day booked is gone; the review is not yet due
    following = steps_of(journey_for(staff.iro, journey.child, day=day))["Next review conference"]
    assert (following.overdue, following.day_passed) == (False, True)


def test_a_review_booked_for_after_its_due_date_is_marked_booked_late(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 24),
        reviews=(date(2025, 6, 20),),
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
        chair=staff.other_iro, scheduled_date=date(2025, 12, 22),
    )  # fmt: skip
    following = steps_of(journey_for(staff.iro, journey.child, day=TODAY))["Next review conference"]
    assert (following.due, following.overdue, following.booked_late) == (
        date(2025, 12, 20), False, True,
    )  # fmt: skip


def test_an_ended_plan_shows_its_end_and_reason_and_no_next_review(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 1, 8), icpc_on=date(2024, 1, 29),
        reviews=(date(2024, 4, 25),), ended_on=date(2024, 4, 25),
        end_reason=PlanEndReason.STEP_DOWN_CIN,
    )  # fmt: skip
    journey.episode.closure_date = date(2024, 9, 1)
    journey.episode.closure_reason = ClosureReason.RC7
    journey.episode.save()
    result = journey_for(staff.iro, journey.child, day=TODAY)
    steps = steps_of(result)
    assert "Next review conference" not in steps
    ended = steps["Child protection plan ended"]
    assert ended.when == date(2024, 4, 25)
    assert ended.notes == ["Stepped down to a Child in Need plan"]
    assert result.episodes[0].steps[-1].stage == "Episode closed"
    assert result.episodes[0].title == "Referral on 7 January 2024, closed 1 September 2024"


def test_stages_are_in_date_order_with_the_latest_episode_first(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2023, 1, 9), icpc_on=date(2023, 1, 27),
        ended_on=date(2023, 4, 20), end_reason=PlanEndReason.CLOSED,
    )  # fmt: skip
    later = child_on_plan(
        child=journey.child, chair=staff.iro, strategy=date(2025, 2, 3),
        icpc_on=date(2025, 2, 21), reviews=(date(2025, 5, 15),),
    )  # fmt: skip
    result = journey_for(staff.iro, journey.child, day=TODAY)
    assert [e.referral_date for e in result.episodes] == [
        later.episode.referral_date,
        journey.episode.referral_date,
    ]
    assert [s.stage for s in result.episodes[0].steps] == [
        "Referral",
        "Strategy discussion",
        "Initial child protection conference",
        "Child protection plan started",
        "Review child protection conference 1",
        "Next review conference",
    ]


def test_a_pending_icpc_is_flagged_overdue_or_not_required(staff):
    child = ChildFactory()
    s47_for(child, referral=date(2025, 9, 1), strategy=date(2025, 9, 2))
    icpc = steps_of(journey_for(staff.iro, child, day=TODAY))["Initial child protection conference"]
    assert (icpc.due, icpc.status, icpc.overdue) == (date(2025, 9, 23), "Not held", True)

    calm = ChildFactory()
    s47_for(calm, referral=date(2025, 9, 1), strategy=date(2025, 9, 2), icpc_not_required=True)
    icpc = steps_of(journey_for(staff.iro, calm, day=TODAY))["Initial child protection conference"]
    assert (icpc.status, icpc.overdue) == ("Not required", False)


def test_a_sibling_conference_names_the_siblings_the_user_may_see(staff, settings):
    family = FamilyFactory()
    ayla = ChildFactory(first_name="Ayla", last_name="Brackwater", family=family, team=staff.team)
    brin = ChildFactory(
        first_name="Brin", last_name="Brackwater", family=family, team=staff.other_team
    )
    s47s = {
        c: s47_for(c, referral=date(2025, 3, 2), strategy=date(2025, 3, 3)) for c in (ayla, brin)
    }
    plans = {c: PlanFactory(child=c, start_date=date(2025, 3, 20)) for c in (ayla, brin)}
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[
            (c, {"section47": s47s[c], "plan": plans[c], "decision": Decision.PLAN})
            for c in (ayla, brin)
        ],
        chair=staff.iro,
        held_on=date(2025, 3, 20),
    )

    def icpc_notes(user, child):
        return steps_of(journey_for(user, child, day=TODAY))[
            "Initial child protection conference"
        ].notes

    assert "With Brin Brackwater" in icpc_notes(staff.iro, ayla)
    assert [s.name for s in journey_for(staff.iro, ayla, day=TODAY).siblings] == ["Brin Brackwater"]
    # Ayla's social worker may not see Brin (another team): no name, no link.
    assert not any("Brin" in n for n in icpc_notes(staff.social_worker, ayla))
    assert journey_for(staff.social_worker, ayla, day=TODAY).siblings == []
    # An analyst sees the sibling by LA child ID only.
    assert f"With Child {brin.la_child_id}" in icpc_notes(staff.analyst, ayla)


def test_the_summary_names_team_social_worker_and_expected_birth(staff):
    unborn = ChildFactory(
        date_of_birth=None, expected_date_of_birth=date(2026, 1, 15), team=staff.team,
        social_worker=staff.social_worker,
    )  # fmt: skip
    summary = {r.key: r.value for r in journey_for(staff.iro, unborn, day=TODAY).summary}
    assert summary["Expected date of birth"] == "15 January 2026"
    assert summary["Team"] == "Moorside Safeguarding Team"
    assert summary["Social worker"] == "Sam Hartwell"


def test_the_journey_costs_a_fixed_number_of_queries(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 1, 8), icpc_on=date(2024, 1, 29),
        reviews=(date(2024, 4, 25),),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as few:
        journey_for(staff.iro, journey.child, day=TODAY)
    for n in range(6):
        hold_conference(
            kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
            chair=staff.other_iro, held_on=date(2024, 10 - n, 20),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        journey_for(staff.iro, journey.child, day=TODAY)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_transfer_in_conference_is_due_fifteen_working_days_after_notification(staff):
    child = ChildFactory()
    plan = PlanFactory(child=child, start_date=date(2025, 5, 28))
    hold_conference(
        kind=ConferenceKind.TRANSFER_IN,
        children=[(child, {"plan": plan, "decision": Decision.PLAN})],
        chair=staff.iro,
        held_on=date(2025, 5, 28),
        notified_on=date(2025, 5, 1),
    )
    result = journey_for(staff.iro, child, day=TODAY)
    (episode,) = result.episodes
    assert episode.title == "Conferences and plans outside any episode"
    transfer = steps_of(result)["Transfer-in conference"]
    # 15 working days from 1 May 2025, skipping the bank holidays of 5 and 26 May.
    assert (transfer.due, transfer.when, transfer.in_time.label) == (
        date(2025, 5, 23),
        date(2025, 5, 28),
        "No",
    )


def test_an_icpc_recorded_without_its_enquiry_still_counts_for_it(staff):
    child = ChildFactory()
    s47_for(child, referral=date(2025, 3, 2), strategy=date(2025, 3, 3))
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(child, {"decision": Decision.NO_PLAN})],
        chair=staff.iro,
        held_on=date(2025, 3, 20),
    )
    steps = journey_for(staff.iro, child, day=TODAY).episodes[0].steps
    icpcs = [s for s in steps if s.stage == "Initial child protection conference"]
    assert len(icpcs) == 1
    assert (icpcs[0].when, icpcs[0].in_time.label) == (date(2025, 3, 20), "Yes")
    assert icpcs[0].notes == ["No child protection plan"]
