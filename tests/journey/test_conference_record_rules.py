"""What a held conference's record must hold: decided once in ``services.record_errors``."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import (
    CinPlanPeriod,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Plan,
    PlanEndReason,
)
from iro.journey.services import ChildOutcome, Recommendation, Subject
from tests.factories import child_on_plan, complete_outcome, hold_conference, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]

HELD = date(2024, 6, 28)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 7, 1), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    return sibling_group(staff)


@pytest.fixture
def conference(staff, siblings):
    return book_icpc(staff, siblings)


def record(conference, staff, outcomes, **kwargs):
    return services.record_conference_held(
        conference=conference,
        held_on=HELD,
        outcomes=outcomes,
        acting_user=staff.iro,
        expected_version=current_version(conference),
        **kwargs,
    )


def test_a_record_with_only_the_decisions_ticked_is_refused_field_by_field(
    staff, siblings, conference
):
    first, second = siblings.children
    with pytest.raises(ValidationError) as raised:
        record(
            conference,
            staff,
            {c.pk: ChildOutcome(decision=Decision.PLAN, category="NEG") for c in (first, second)},
        )
    errors = raised.value.message_dict
    assert errors[f"attendance_{first.pk}"] == [services.ATTENDANCE_REQUIRED.format(child=first)]
    assert errors[f"wishes_feelings_{first.pk}"] == [services.WISHES_REQUIRED.format(child=first)]
    assert errors[f"worries_{first.pk}"] == [services.WORRIES_REQUIRED.format(child=first)]
    assert errors[f"working_well_{first.pk}"] == [
        services.WORKING_WELL_REQUIRED.format(child=first)
    ]
    assert errors[f"needs_to_happen_{second.pk}"] == [
        services.NEEDS_TO_HAPPEN_REQUIRED.format(child=second)
    ]
    assert errors[f"outline_plan_{second.pk}"] == [
        services.OUTLINE_PLAN_REQUIRED.format(child=second)
    ]
    assert errors[f"first_core_group_on_{second.pk}"] == [
        services.CORE_GROUP_DATE_REQUIRED.format(child=second)
    ]
    # What may be left out is not asked for.
    assert f"scaling_score_{first.pk}" not in errors
    assert f"dissent_{first.pk}" not in errors
    assert Conference.objects.get().status == ConferenceStatus.SCHEDULED
    assert not Plan.objects.exists()


def test_a_complete_record_keeps_wishes_recommendations_dissent_and_the_core_group(
    staff, siblings, conference
):
    first, second = siblings.children
    outcomes = {
        c.pk: complete_outcome(
            Decision.PLAN,
            category="NEG",
            held_on=HELD,
            dissent="The school thought a Child in Need plan was enough.",
            recommendations=(
                Recommendation(agency="Health", recommendation=Decision.PLAN),
                Recommendation(
                    agency="School or education",
                    recommendation=Decision.NO_PLAN,
                    comment="Attendance has improved.",
                ),
            ),
        )
        for c in (first, second)
    }
    record(conference, staff, outcomes)
    row = conference.children.get(child=first)
    assert row.wishes_feelings.startswith("Told the social worker")
    assert row.dissent == "The school thought a Child in Need plan was enough."
    assert row.first_core_group_on == date(2024, 7, 5)
    assert [(r.agency, r.recommendation, r.comment) for r in row.recommendations.all()] == [
        ("Health", Decision.PLAN, ""),
        ("School or education", Decision.NO_PLAN, "Attendance has improved."),
    ]


def test_the_first_core_group_cannot_be_before_the_conference(staff, siblings, conference):
    first, second = siblings.children
    outcomes = {
        c.pk: complete_outcome(Decision.PLAN, category="NEG", first_core_group_on=date(2024, 6, 27))
        for c in (first, second)
    }
    with pytest.raises(ValidationError) as raised:
        record(conference, staff, outcomes)
    assert raised.value.message_dict[f"first_core_group_on_{first.pk}"] == [
        services.CORE_GROUP_BEFORE_CONFERENCE
    ]


def test_a_recommendation_must_be_a_decision_of_the_conference(staff, siblings, conference):
    first, second = siblings.children
    outcomes = {
        c.pk: complete_outcome(
            Decision.PLAN,
            category="NEG",
            held_on=HELD,
            recommendations=(Recommendation(agency="Police", recommendation=Decision.END),),
        )
        for c in (first, second)
    }
    with pytest.raises(ValidationError) as raised:
        record(conference, staff, outcomes)
    assert raised.value.message_dict[f"recommendations_{first.pk}"] == [
        services.RECOMMENDATION_UNKNOWN.format(agency="Police")
    ]


def review_of(staff, child, plan, on):
    return services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=child, plan=plan)],
        scheduled_date=on,
        chair=staff.iro,
        confirm_reason="Recorded after the event",
        acting_user=staff.coordinator,
    )


def test_a_plan_never_ends_with_a_reason_nobody_chose(staff, siblings, conference):
    first = siblings.children[0]
    outcomes = {
        c.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=HELD)
        for c in siblings.children
    }
    record(conference, staff, outcomes)
    plan = Plan.objects.get(child=first)
    with time_machine.travel(date(2024, 9, 30), tick=False):
        review = review_of(staff, first, plan, date(2024, 9, 27))
        with pytest.raises(ValidationError) as raised:
            services.record_conference_held(
                conference=review,
                held_on=date(2024, 9, 27),
                outcomes={first.pk: complete_outcome(Decision.END, category="NEG")},
                acting_user=staff.iro,
                expected_version=current_version(review),
            )
    assert raised.value.message_dict[f"end_reason_{first.pk}"] == [
        services.PLAN_END_REASON_REQUIRED.format(child=first)
    ]
    plan.refresh_from_db()
    assert plan.end_date is None
    assert not CinPlanPeriod.objects.exists()


def test_an_imported_record_needs_only_the_plan_facts(staff, siblings, conference):
    """The census carries no wishes and feelings, worries or core group dates."""
    record(
        conference,
        staff,
        {c.pk: ChildOutcome(decision=Decision.PLAN, category="NEG") for c in siblings.children},
        imported=True,
    )
    assert Plan.objects.count() == 2
    assert {r.wishes_feelings for r in conference.children.all()} == {""}


def test_an_imported_plan_end_still_needs_its_reason(staff, siblings, conference):
    first = siblings.children[0]
    record(
        conference,
        staff,
        {c.pk: ChildOutcome(decision=Decision.PLAN, category="NEG") for c in siblings.children},
        imported=True,
    )
    plan = Plan.objects.get(child=first)
    with time_machine.travel(date(2024, 9, 30), tick=False):
        review = review_of(staff, first, plan, date(2024, 9, 27))
        services.record_conference_held(
            conference=review,
            held_on=date(2024, 9, 27),
            outcomes={first.pk: ChildOutcome(decision=Decision.END, end_reason="closed")},
            acting_user=staff.iro,
            imported=True,
            expected_version=current_version(review),
        )
    plan.refresh_from_db()
    assert plan.end_reason == PlanEndReason.CLOSED


def test_a_booked_review_cannot_be_recorded_as_held_before_the_plans_last_review(staff):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2023, 6, 1),
        icpc_on=date(2023, 6, 20),
        reviews=(date(2023, 9, 18), date(2024, 3, 18)),
    )
    booked = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        scheduled_date=date(2024, 9, 16),
    )

    def hold(on):
        return services.record_conference_held(
            conference=booked,
            held_on=on,
            outcomes={journey.child.pk: complete_outcome(Decision.CONTINUE, category="NEG")},
            acting_user=staff.iro,
            expected_version=current_version(booked),
        )

    with pytest.raises(ValidationError) as raised:
        hold(date(2023, 12, 18))  # the month mistyped: before the March review
    assert raised.value.message_dict["held_on"] == [
        "The last review before this one was held on 18 March 2024, and this one was booked "
        "for 16 September 2024: the date cannot be before 18 March 2024. Check the date."
    ]
    booked.refresh_from_db()
    assert booked.status == ConferenceStatus.SCHEDULED and booked.held_on is None
    hold(date(2024, 6, 28))  # brought forward, after the last review: recorded
    assert Conference.objects.get(pk=booked.pk).held_on == date(2024, 6, 28)


def test_a_review_booked_for_an_earlier_day_may_be_recorded_after_a_later_one(staff):
    """A review that was missed off the records, booked for its own day and recorded late."""

    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2023, 6, 1),
        icpc_on=date(2023, 6, 20),
        reviews=(date(2024, 3, 18),),
    )
    forgotten = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        scheduled_date=date(2023, 9, 18),
    )
    services.record_conference_held(
        conference=forgotten,
        held_on=date(2023, 9, 18),
        outcomes={journey.child.pk: complete_outcome(Decision.CONTINUE, category="NEG")},
        acting_user=staff.iro,
        expected_version=current_version(forgotten),
    )
    assert services.review_dates(journey.plan) == [date(2023, 9, 18), date(2024, 3, 18)]
