"""Taking one child off a held conference's record (journey.corrections): a brother or
sister listed at it by mistake leaves it with what their row started or ended, the other
children's records stand, and a restore puts the child back."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iro.census.export import return_children
from iro.documents import family_document
from iro.journey import corrections
from iro.journey.models import (
    Category,
    Conference,
    ConferenceChild,
    ConferenceKind,
    Correction,
    CorrectionAction,
    CorrectionKind,
    Decision,
    Plan,
    PlanEndReason,
)
from iro.journey.selectors import review_dates_by_plan
from iro.reports import measures
from iro.timescales import ANNUAL, parse_period
from tests.factories import (
    ChildFactory,
    ConferenceChildFactory,
    PlanFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

WHY = "Listed with his sister by mistake: he was not discussed."
BACK = "He was discussed after all: the minutes say so."
ICPC_ON = date(2025, 1, 27)
YEAR = parse_period(ANNUAL, "2024-25")


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def manager(staff):
    return staff.iro_manager


def _messages(error) -> list[str]:
    return error.value.message_dict["reason"]


def _siblings_at_icpc(staff):
    """A sister and brother, each with an enquiry, made subject to a plan at one initial
    conference: the brother's row is the one recorded by mistake."""
    sister = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=ICPC_ON)
    brother = ChildFactory(family=sister.child.family, first_name="Brannoc")
    s47 = s47_for(brother, referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    plan = PlanFactory(child=brother, episode=s47.episode, start_date=ICPC_ON)
    row = ConferenceChildFactory(
        conference=sister.icpc,
        child=brother,
        section47=s47,
        plan=plan,
        decision=Decision.PLAN,
        category=Category.NEG,
    )
    return sister, row


def test_a_brother_listed_by_mistake_leaves_the_conference_with_the_plan_it_started(staff, manager):
    sister, row = _siblings_at_icpc(staff)
    version = sister.icpc.version
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)

    assert list(ConferenceChild.objects.values_list("child", flat=True)) == [sister.child.pk]
    assert list(Plan.objects.values_list("child", flat=True)) == [sister.child.pk]
    assert Plan.all_objects.get(child=row.child).void_reason == WHY
    assert Conference.objects.get().version == version + 1  # a form open on it is told
    [logged] = Correction.objects.all()
    assert (logged.child_id, logged.kind, logged.action) == (
        row.child_id,
        CorrectionKind.CONFERENCE_CHILD,
        CorrectionAction.VOID,
    )
    assert logged.what == (
        "Listed at the initial child protection conference held 27 January 2025, "
        "and the plan it started"
    )

    corrections.restore_conference_child(row=row, reason=BACK, acting_user=manager)
    assert ConferenceChild.objects.count() == 2
    assert Plan.objects.count() == 2
    assert Correction.objects.filter(action=CorrectionAction.RESTORE).count() == 1


def test_the_figures_and_the_census_leave_out_the_child_taken_off(staff, manager):
    sister, row = _siblings_at_icpc(staff)
    assert measures.plans_started(YEAR) == 2
    assert measures.conferences_held(YEAR) == 2  # one a child
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    assert measures.plans_started(YEAR) == 1
    assert measures.conferences_held(YEAR) == 1  # the conference stands for the sister
    returned = {c.la_child_id: c for c in return_children(user=staff.analyst, period=YEAR)}
    [brother_episode] = returned[row.child.la_child_id].episodes
    assert [s.icpc_date for s in brother_episode.section47s] == [None]
    assert brother_episode.plans == []
    [sister_episode] = returned[sister.child.la_child_id].episodes
    assert [s.icpc_date for s in sister_episode.section47s] == [ICPC_ON]


def test_the_minutes_and_letters_are_about_the_children_left_on_the_record(staff, manager):
    sister, row = _siblings_at_icpc(staff)
    assert len(family_document._children_of(sister.icpc)) == 2
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    assert family_document._children_of(sister.icpc) == [sister.child]


def test_minutes_already_sent_are_to_be_sent_again(staff, manager):
    sister, row = _siblings_at_icpc(staff)
    Conference.objects.filter(pk=sister.icpc.pk).update(minutes_sent_on=date(2025, 2, 3))
    row = ConferenceChild.objects.select_related("conference").get(pk=row.pk)
    assert corrections.void_conference_child_consequences(row, manager)[-1] == (
        "The minutes were sent: they are to be sent again without them."
    )
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    conference = Conference.objects.get()
    assert conference.minutes_sent_on is None
    assert conference.minutes_replaced_sent_on == date(2025, 2, 3)


def test_the_page_is_told_what_taking_the_child_off_does_first(staff, manager):
    _, row = _siblings_at_icpc(staff)
    said = corrections.void_conference_child_consequences(row, manager)
    assert said == [
        f"{row.child} leaves this conference's record: it no longer counts for them in the "
        "lists, the timescales, the reports or the census. The other children's records "
        "stay as they are.",
        f"{row.child}'s plan from 27 January 2025 is voided with it.",
    ]
    assert Correction.objects.count() == 0  # said, not done


def test_the_last_child_on_the_record_is_not_taken_off_the_conference_is_voided(staff, manager):
    sister, row = _siblings_at_icpc(staff)
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    [sisters_row] = ConferenceChild.objects.all()
    with pytest.raises(ValidationError) as error:
        corrections.void_conference_child(row=sisters_row, reason=WHY, acting_user=manager)
    assert _messages(error) == [corrections.CONFERENCE_CHILD_LAST.format(child=sister.child)]
    assert ConferenceChild.objects.count() == 1


def test_a_booked_conference_is_corrected_by_taking_the_child_off_the_booking(staff, manager):
    first, second = ChildFactory(), ChildFactory()
    booked = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(first, {}), (second, {})],
        chair=staff.iro,
        scheduled_date=date(2025, 2, 3),
    )
    row = booked.children.get(child=second)
    with pytest.raises(ValidationError) as error:
        corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    assert _messages(error) == [corrections.CONFERENCE_CHILD_NOT_HELD]
    assert ConferenceChild.objects.count() == 2


@pytest.mark.parametrize("who", ["iro", "coordinator", "analyst"])
def test_only_the_iro_service_manager_takes_a_child_off(staff, who):
    _, row = _siblings_at_icpc(staff)
    with pytest.raises(PermissionDenied):
        corrections.void_conference_child(row=row, reason=WHY, acting_user=getattr(staff, who))
    assert ConferenceChild.objects.count() == 2


def test_a_child_needs_a_reason_to_come_off_and_another_to_go_back(staff, manager):
    _, row = _siblings_at_icpc(staff)
    with pytest.raises(ValidationError) as error:
        corrections.void_conference_child(row=row, reason=" ", acting_user=manager)
    assert _messages(error) == [corrections.VOID_REASON_REQUIRED]
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    with pytest.raises(ValidationError) as error:
        corrections.restore_conference_child(row=row, reason="", acting_user=manager)
    assert _messages(error) == [corrections.RESTORE_REASON_REQUIRED]
    with pytest.raises(ValidationError) as error:
        corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    assert _messages(error)[0].startswith("This record was already voided on ")


def test_a_row_whose_plan_has_a_review_since_is_refused_naming_the_plan(staff, manager):
    _, row = _siblings_at_icpc(staff)
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(row.child, {"plan": row.plan, "decision": Decision.CONTINUE})],
        chair=staff.iro,
        held_on=date(2025, 4, 20),
    )
    with pytest.raises(ValidationError) as error:
        corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    assert _messages(error) == [
        corrections.PLAN_HAS_REVIEWS.format(
            child=row.child,
            start=ICPC_ON,
            reviews="1 later conference",
            them="it",
            dates="held 20 April 2025",
        )
    ]


def test_a_row_whose_plan_has_a_review_booked_says_to_take_the_child_off_the_booking(
    staff, manager
):
    _, row = _siblings_at_icpc(staff)
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(row.child, {"plan": row.plan})],
        chair=staff.iro,
        scheduled_date=date(2025, 4, 22),
    )
    with pytest.raises(ValidationError) as error:
        corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    assert _messages(error) == [
        f"This conference started {row.child}'s plan from 27 January 2025, whose review is "
        f"booked for 22 April 2025: take {row.child} off that booking first (or cancel it, "
        "if they are its only child)."
    ]
    # What stops it is said on the page before a reason is typed.
    assert corrections.void_blocked(row.conference, [row]) == _messages(error)


def test_a_review_that_wrongly_ended_one_childs_plan_gives_it_back_open(staff, manager):
    sister = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=ICPC_ON)
    brother = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=ICPC_ON)
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[
            (sister.child, {"plan": sister.plan, "decision": Decision.CONTINUE}),
            (brother.child, {"plan": brother.plan, "decision": Decision.END}),
        ],
        chair=staff.iro,
        held_on=date(2025, 4, 20),
    )
    Plan.objects.filter(pk=brother.plan.pk).update(
        end_date=date(2025, 4, 20), end_reason=PlanEndReason.CLOSED
    )
    row = review.children.get(child=brother.child)
    assert review_dates_by_plan([brother.plan.pk]) == {brother.plan.pk: [date(2025, 4, 20)]}

    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    brother.plan.refresh_from_db()
    assert (brother.plan.end_date, brother.plan.end_reason) == (None, "")
    assert review_dates_by_plan([brother.plan.pk]) == {}  # its review is due again
    sister.plan.refresh_from_db()
    assert sister.plan.end_date is None

    corrections.restore_conference_child(row=row, reason=BACK, acting_user=manager)
    brother.plan.refresh_from_db()
    assert (brother.plan.end_date, brother.plan.end_reason) == (
        date(2025, 4, 20),
        PlanEndReason.CLOSED,
    )


def test_a_child_taken_off_stays_off_when_the_whole_conference_is_voided_and_restored(
    staff, manager
):
    sister, row = _siblings_at_icpc(staff)
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    corrections.void_conference(conference=sister.icpc, reason=WHY, acting_user=manager)
    with pytest.raises(ValidationError) as error:
        corrections.restore_conference_child(row=row, reason=BACK, acting_user=manager)
    assert _messages(error) == [corrections.CONFERENCE_CHILD_CONFERENCE_VOIDED]
    corrections.restore_conference(conference=sister.icpc, reason=BACK, acting_user=manager)
    assert list(ConferenceChild.objects.values_list("child", flat=True)) == [sister.child.pk]
    assert list(Plan.objects.values_list("child", flat=True)) == [sister.child.pk]
    voided_with_conference = Correction.objects.filter(kind=CorrectionKind.CONFERENCE)
    assert {c.child_id for c in voided_with_conference} == {sister.child.pk}


def test_a_child_entered_again_on_a_new_initial_conference_is_not_put_back_beside_it(
    staff, manager
):
    _, row = _siblings_at_icpc(staff)
    corrections.void_conference_child(row=row, reason=WHY, acting_user=manager)
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(row.child, {"section47": row.section47, "decision": Decision.NO_PLAN})],
        chair=staff.iro,
        held_on=date(2025, 2, 10),
    )
    with pytest.raises(ValidationError) as error:
        corrections.restore_conference_child(row=row, reason=BACK, acting_user=manager)
    assert (
        "initial child protection conference of 10 February 2025 stands in this one's"
        in (_messages(error)[0])
    )
