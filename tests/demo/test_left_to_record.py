"""The demo leaves the reviews held on the last two working days unrecorded, as a chair
writes up the last days' conferences today: those, and only those nothing later rests on."""

from __future__ import annotations

from datetime import date

from iro.demo.builder import left_to_record
from iro.demo.planner import INITIAL, REVIEW, MeetingPlan, RowPlan
from iro.journey.models import Decision

DAYS = frozenset({date(2026, 12, 3), date(2026, 12, 4)})


def meeting(
    kind=REVIEW, on=date(2026, 12, 4), held=True, decisions=(Decision.CONTINUE,)
) -> MeetingPlan:
    return MeetingPlan(
        kind=kind,
        on=on,
        held=held,
        rows=[RowPlan(child=n, decision=d) for n, d in enumerate(decisions)],
    )


def test_a_review_held_on_the_last_two_working_days_is_left_to_record():
    assert left_to_record(meeting(), days=DAYS, wanted=set())
    assert left_to_record(meeting(on=date(2026, 12, 3)), days=DAYS, wanted=set())


def test_an_earlier_review_an_initial_conference_or_one_not_held_is_recorded():
    for planned in (
        meeting(on=date(2026, 12, 2)),
        meeting(kind=INITIAL, decisions=(Decision.PLAN,)),
        meeting(held=False),
    ):
        assert not left_to_record(planned, days=DAYS, wanted=set())


def test_a_review_ending_a_plan_or_with_feedback_about_it_is_recorded():
    ending = meeting(decisions=(Decision.CONTINUE, Decision.END))
    assert not left_to_record(ending, days=DAYS, wanted=set())
    about = meeting()
    assert not left_to_record(about, days=DAYS, wanted={id(about)})
