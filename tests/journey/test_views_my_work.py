"""My work: the chair's next four weeks, and deadlines at risk or overdue."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.journey.models import ConferenceKind, PlanAction
from iro.journey.selectors import ICPC, REVIEW, my_work
from tests.challenge.factories import DisputeFactory
from tests.factories import (
    ChildFactory,
    ClosureDayFactory,
    FamilyFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 10)  # a Friday


@pytest.fixture
def staff():
    return make_staff()


def test_it_lists_the_chairs_scheduled_conferences_in_the_next_four_weeks(staff):
    family = FamilyFactory()
    ayla = ChildFactory(first_name="Ayla", last_name="Brackwater", family=family)
    brin = ChildFactory(first_name="Brin", last_name="Brackwater", family=family)
    s47s = [
        s47_for(c, referral=date(2025, 10, 1), strategy=date(2025, 10, 2)) for c in (ayla, brin)
    ]
    # Due 15 working days after 2 October: 23 October.
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(ayla, {"section47": s47s[0]}), (brin, {"section47": s47s[1]})],
        chair=staff.iro,
        scheduled_date=date(2025, 10, 22),
        scheduled_time=time(14, 30),
    )
    late = ChildFactory(first_name="Cato")
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(late, {"section47": s47_for(late, referral=date(2025, 9, 1),
                                               strategy=date(2025, 9, 1))})],
        chair=staff.iro,
        scheduled_date=date(2025, 10, 13),
    )  # fmt: skip
    # Not listed: another chair's, beyond four weeks, in the past, already held.
    other = ChildFactory()
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(other, {})], chair=staff.other_iro,
        scheduled_date=date(2025, 10, 14),
    )  # fmt: skip
    for when in (date(2025, 11, 8), date(2025, 10, 9)):
        hold_conference(
            kind=ConferenceKind.REVIEW, children=[(other, {})], chair=staff.iro,
            scheduled_date=when,
        )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(other, {})], chair=staff.iro,
        held_on=date(2025, 10, 15),
    )  # fmt: skip

    work = my_work(staff.iro, day=TODAY)

    assert [c.scheduled_date for c in work.upcoming] == [date(2025, 10, 13), date(2025, 10, 22)]
    cato, siblings = work.upcoming
    assert [c.name for c in siblings.children] == ["Ayla Brackwater", "Brin Brackwater"]
    assert siblings.scheduled_time == time(14, 30)
    assert siblings.due == date(2025, 10, 23)
    assert siblings.meets_due is True
    assert cato.due == date(2025, 9, 22)
    assert cato.meets_due is False


def test_the_due_date_of_a_review_follows_the_plans_reviews(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),),
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro, scheduled_date=date(2025, 10, 21),
    )  # fmt: skip
    (review,) = my_work(staff.iro, day=TODAY).upcoming
    assert review.due == date(2025, 10, 20)
    assert review.meets_due is False


def test_it_lists_deadlines_at_risk_or_overdue_for_the_chairs_children_only(staff):
    # Overdue first review (due 24 April), chaired by this IRO.
    overdue = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        first_name="Dela",
    ).child  # fmt: skip
    # Review due 20 October: within 10 working days.
    at_risk = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Emrys",
    ).child  # fmt: skip
    # Review due 20 December: not yet at risk.
    child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 6, 20),), first_name="Fenna",
    )  # fmt: skip
    # Overdue, but another IRO chairs the child now.
    moved = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        first_name="Galen",
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(moved.child, {"plan": moved.plan})],
        chair=staff.other_iro, held_on=date(2025, 3, 1),
    )  # fmt: skip
    # An S47 waiting for its ICPC, with an ICPC scheduled with this chair: due 21 October.
    waiting = ChildFactory(first_name="Hollis")
    s47 = s47_for(waiting, referral=date(2025, 9, 29), strategy=date(2025, 9, 30))
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(waiting, {"section47": s47})],
        chair=staff.iro, scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    # ICPC not required: never a deadline.
    no_icpc = ChildFactory(first_name="Ione")
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(no_icpc, {})], chair=staff.iro,
        scheduled_date=date(2025, 11, 20),
    )  # fmt: skip
    s47_for(no_icpc, referral=date(2025, 9, 1), strategy=date(2025, 9, 2), icpc_not_required=True)

    work = my_work(staff.iro, day=TODAY)

    assert [(d.child.name.split()[0], d.kind, d.due, d.overdue) for d in work.deadlines] == [
        ("Dela", REVIEW, date(2025, 4, 24), True),
        ("Emrys", REVIEW, date(2025, 10, 20), False),
        ("Hollis", ICPC, date(2025, 10, 21), False),
    ]
    assert (work.overdue_count, work.at_risk_count) == (1, 2)
    dela, emrys, hollis = work.deadlines
    assert dela.child.public_id == overdue.public_id
    assert emrys.child.public_id == at_risk.public_id
    assert emrys.working_days == 6
    assert hollis.booked_for == date(2025, 10, 20)
    assert dela.booked_for is None
    assert my_work(staff.other_iro, day=TODAY).deadlines[0].child.name.startswith("Galen")


def test_a_deadline_says_who_chairs_its_booking_when_not_the_reader_and_a_day_gone_by(
    client, staff
):
    # Ivy chaired the last conference; the review now due is booked with Otto.
    handed = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Jory",
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(handed.child, {"plan": handed.plan})],
        chair=staff.other_iro, scheduled_date=date(2025, 10, 16),
    )  # fmt: skip
    # Booked with Ivy for a day gone by, and not recorded.
    gone = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Kit",
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(gone.child, {"plan": gone.plan})],
        chair=staff.iro, scheduled_date=date(2025, 10, 8),
    )  # fmt: skip
    with time_machine.travel(TODAY, tick=False):
        work = my_work(staff.iro, day=TODAY)
        client.force_login(staff.iro)
        page = client.get(reverse("my_work")).content.decode()
    by_name = {d.child.name.split()[0]: d for d in work.deadlines}
    assert (by_name["Jory"].booked_for, by_name["Jory"].booked_chair) == (
        date(2025, 10, 16),
        "Otto Fallowfield",
    )
    assert by_name["Kit"].booked_chair is None  # Ivy's own
    assert "16 Oct 2025</span>, chaired by Otto Fallowfield" in page
    assert "8 Oct 2025</span>: a day gone by, not recorded yet" in page


def test_local_closure_days_move_the_icpc_due_date(staff):
    ClosureDayFactory(date=date(2025, 10, 20))
    waiting = ChildFactory()
    s47 = s47_for(waiting, referral=date(2025, 9, 29), strategy=date(2025, 9, 30))
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(waiting, {"section47": s47})],
        chair=staff.iro, scheduled_date=date(2025, 10, 22),
    )  # fmt: skip
    (deadline,) = my_work(staff.iro, day=TODAY).deadlines
    assert deadline.due == date(2025, 10, 22)


def test_the_page_shows_counts_and_tables_in_a_fixed_number_of_queries(client, staff):
    def build(n: int, offset: int) -> None:
        for i in range(n):
            child_on_plan(
                chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
                la_child_id=f"M{offset + i:05d}",
            )  # fmt: skip
            s47 = s47_for(ChildFactory(), referral=date(2025, 10, 1), strategy=date(2025, 10, 2))
            hold_conference(
                kind=ConferenceKind.INITIAL, children=[(s47.episode.child, {"section47": s47})],
                chair=staff.iro, scheduled_date=date(2025, 10, 20),
            )  # fmt: skip
            # And the page's other queues: a conference not recorded, an action overdue,
            # an answer to a dispute.
            past = child_on_plan(
                chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
                la_child_id=f"P{offset + i:05d}",
            )  # fmt: skip
            hold_conference(
                kind=ConferenceKind.REVIEW, children=[(past.child, {"plan": past.plan})],
                chair=staff.iro, scheduled_date=date(2025, 10, 8),
            )  # fmt: skip
            PlanAction.objects.create(
                plan=past.plan, what="Visit", who="SW", by_when=date(2025, 10, 1)
            )
            answered(past.child, staff.iro)

    client.force_login(staff.iro)
    with time_machine.travel(TODAY, tick=False):
        build(3, 0)
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("my_work"))
        build(12, 3)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("my_work"))
    assert len(few.captured_queries) == len(many.captured_queries)
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert '<span class="iro-count__number">30</span> overdue' in body
    assert 'href="#deadlines"' in body and 'id="deadlines"' in body  # each figure leads to its list
    assert "Overdue</strong> by" in body
    # A review not booked says who books it (an IRO cannot).
    assert "Not booked: it is on the conference coordinators’ list to book" in body
    assert "M00014" not in body  # names, not IDs, for an IRO


def answered(child, chair) -> None:
    """An informal dispute ``chair`` raised for ``child``, answered on 7 October."""
    dispute = DisputeFactory(child=child, raised_by=chair, raised_on=date(2025, 10, 1))
    dispute.stages.update(responded_on=date(2025, 10, 7), sent_to="Team manager")


def test_the_page_lists_what_else_waits_for_the_chair(client, staff):
    mine = child_on_plan(
        chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
        first_name="Ayla", last_name="Brackwater",
    )  # fmt: skip
    theirs = child_on_plan(
        chair=staff.other_iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
        first_name="Brin", last_name="Cowlish",
    )  # fmt: skip
    for journey in (mine, theirs):
        hold_conference(
            kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
            chair=journey.icpc.chair, scheduled_date=date(2025, 10, 8),
        )  # fmt: skip
        PlanAction.objects.create(
            plan=journey.plan, what="Weekly visits", who="SW", by_when=date(2025, 10, 1)
        )
        answered(journey.child, journey.icpc.chair)

    client.force_login(staff.iro)
    with time_machine.travel(TODAY, tick=False):
        body = client.get(reverse("my_work")).content.decode()

    for title in ("Conferences to record", "Answers to your disputes", "Plan actions overdue"):
        assert f'<span class="iro-count__number">1</span> {title}' in body
    for section in body.split('<section class="iro-queue"')[1:]:
        assert "Ayla Brackwater" in section
        assert "Brin Cowlish" not in section  # another chair's
    assert "Record it" in body and "Accept or escalate" in body and "Update the action" in body


def test_a_conference_held_online_says_so_beside_its_place(client, staff):
    places = {
        "Cato": ("Moorside Family Centre", ""),
        "Dell": ("", "https://meet.example.org/dell"),
        "Esk": ("Town Hall, Room 4", "https://meet.example.org/esk"),
    }
    for n, (name, (venue, link)) in enumerate(places.items()):
        child = ChildFactory(first_name=name, team=staff.team)
        conference = hold_conference(
            kind=ConferenceKind.REVIEW, children=[(child, {})], chair=staff.iro,
            scheduled_date=date(2025, 10, 13 + n),
        )  # fmt: skip
        conference.venue, conference.virtual_link = venue, link
        conference.save(update_fields=["venue", "virtual_link"])
    client.force_login(staff.iro)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("my_work")).content.decode()
    assert '<span class="govuk-body-s">Moorside Family Centre</span>' in page
    assert '<span class="govuk-body-s">Online</span>' in page
    assert '<span class="govuk-body-s">Town Hall, Room 4, or online</span>' in page
