"""One IRO's booked conferences moved to other chairs at once: while they are away, or
when they leave. Each conference offers who may chair it then, one suggested (continuity,
then the lightest load, shared out down the page); saving moves all or none."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iro.journey import chairs, services
from iro.journey.models import Conference, ConferenceKind
from iro.journey.queues import conferences_without_a_chair, iro_loads
from iro.notices.models import Notice
from iro.people.models import Role
from tests.factories import (
    ChildFactory,
    LeaveFactory,
    UserFactory,
    child_on_plan,
    hold_conference,
    make_staff,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 14)  # a Monday


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


def review(staff, *, chair, on: date, at: time = time(10), previous_chair=None, child=None):
    """A child on a plan (its conferences chaired by ``previous_chair``, else ``chair``)
    with a review booked for ``chair`` on ``on`` at ``at``."""
    journey = child_on_plan(
        child=child,
        chair=previous_chair or chair,
        strategy=date(2026, 9, 1),
        icpc_on=date(2026, 9, 22),
        team=staff.team,
    )
    return hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan})],
        chair=chair,
        scheduled_date=on,
        scheduled_time=at,
    )


def page(staff, **query):
    url = reverse("move_conferences", args=[staff.iro.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def selected(html: str, conference: Conference) -> str:
    """The option chosen to start with in the conference's row ("" to keep it)."""
    select = re.search(
        rf'<select[^>]*name="chair-{conference.public_id.hex}"[^>]*>(.*?)</select>', html, re.S
    )
    assert select, f"no choice for {conference}"
    chosen = re.search(r'<option value="(\d*)" selected>', select[1])
    return chosen[1] if chosen else None


def form_data(conferences, chosen=None) -> dict:
    """The form as posted: each conference's version, and its new chair when ``chosen``
    gives one (``{conference: chair}``), else kept."""
    chosen = chosen or {}
    data = {}
    for conference in conferences:
        key = conference.public_id.hex
        data[f"version-{key}"] = conference.version
        data[f"chair-{key}"] = str(chosen[conference].pk) if conference in chosen else ""
    return data


# --- Who is offered, and who suggested --------------------------------------------------


def test_a_conference_is_offered_first_to_the_childrens_previous_chair(staff):
    conference = review(
        staff, chair=staff.iro, on=date(2026, 12, 22), previous_chair=staff.other_iro
    )
    (cover,) = chairs.cover_for([conference], today=TODAY, leaving=staff.iro)
    assert cover.suggested == staff.other_iro
    assert cover.choices[0].hint == "chaired them 22 Sep 2026; 1 on a plan, 0 booked"
    assert staff.iro not in [c.chair for c in cover.choices]


def test_conferences_with_no_previous_chair_are_shared_out_by_load(staff):
    first = review(staff, chair=staff.iro, on=date(2026, 12, 21))
    second = review(staff, chair=staff.iro, on=date(2026, 12, 22))
    covers = chairs.cover_for([second, first], today=TODAY, leaving=staff.iro)
    assert [c.conference for c in covers] == [first, second]  # soonest first
    # Otto and Mona carry nothing: the first goes to one, the second to the other.
    assert {covers[0].suggested, covers[1].suggested} == {staff.other_iro, staff.iro_manager}


def test_a_chair_is_not_suggested_twice_for_the_same_time_but_still_offered(staff):
    first = review(
        staff, chair=staff.iro, on=date(2026, 12, 21), at=time(10), previous_chair=staff.other_iro
    )
    second = review(
        staff, chair=staff.iro, on=date(2026, 12, 21), at=time(11), previous_chair=staff.other_iro
    )
    covers = chairs.cover_for([first, second], today=TODAY, leaving=staff.iro)
    assert [c.suggested for c in covers] == [staff.other_iro, staff.iro_manager]
    # Otto is still offered for the second: the manager may give the first to Mona instead.
    assert [c.chair for c in covers[1].choices] == [staff.other_iro, staff.iro_manager]


def test_nobody_is_offered_who_is_away_busy_then_or_not_independent(staff):
    conference = review(staff, chair=staff.iro, on=date(2026, 12, 22), at=time(10))
    LeaveFactory(user=staff.other_iro, start_date=date(2026, 12, 21), end_date=date(2026, 12, 23))
    other = child_on_plan(
        chair=staff.iro_manager, strategy=date(2026, 9, 1), icpc_on=date(2026, 9, 22)
    )
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(other.child, {"plan": other.plan})],
        chair=staff.iro_manager,
        scheduled_date=date(2026, 12, 22),
        scheduled_time=time(11),
    )
    # A third IRO, line manager of the child's social worker: not independent.
    manager_of_worker = UserFactory(first_name="Lina", last_name="Oakes", role=Role.IRO)
    staff.social_worker.line_manager = manager_of_worker
    staff.social_worker.save()
    child = Conference.objects.get(pk=conference.pk).children.get().child
    child.social_worker = staff.social_worker
    child.save()
    (cover,) = chairs.cover_for([conference], today=TODAY, leaving=staff.iro)
    assert cover.choices == ()
    assert cover.suggested is None


# --- Saving: all or none ----------------------------------------------------------------


def test_moving_several_saves_each_through_the_chair_rules_or_none(staff):
    first = review(staff, chair=staff.iro, on=date(2026, 12, 21), at=time(10))
    second = review(staff, chair=staff.iro, on=date(2026, 12, 21), at=time(11))
    # Otto cannot chair two conferences that overlap: the second is refused, so neither moves.
    with pytest.raises(ValidationError) as refused:
        services.allocate_chairs(
            moves=[
                (first, staff.other_iro, first.version),
                (second, staff.other_iro, second.version),
            ],
            acting_user=staff.iro_manager,
        )
    assert list(refused.value.message_dict) == [str(second.public_id)]
    assert "Otto Fallowfield" in refused.value.message_dict[str(second.public_id)][0]
    assert set(Conference.objects.values_list("chair", flat=True)) == {staff.iro.pk}
    services.allocate_chairs(
        moves=[
            (first, staff.other_iro, first.version),
            (second, staff.iro_manager, second.version),
        ],
        acting_user=staff.iro_manager,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.chair, second.chair) == (staff.other_iro, staff.iro_manager)
    assert first.history.latest().history_user == staff.iro_manager


def test_moving_is_refused_to_a_role_that_does_not_book_chairs(staff):
    conference = review(staff, chair=staff.iro, on=date(2026, 12, 21))
    with pytest.raises(PermissionDenied):
        services.allocate_chairs(
            moves=[(conference, staff.other_iro, conference.version)], acting_user=staff.iro
        )
    conference.refresh_from_db()
    assert conference.chair == staff.iro


# --- The page ---------------------------------------------------------------------------


def test_the_leave_page_links_an_iros_bookings_in_their_leave_to_move_at_once(client, staff):
    review(staff, chair=staff.iro, on=date(2026, 12, 21))
    review(staff, chair=staff.iro, on=date(2026, 12, 22))
    LeaveFactory(user=staff.iro, start_date=date(2026, 12, 21), end_date=date(2026, 12, 23))
    client.force_login(staff.iro_manager)
    html = client.get(reverse("staff_leave")).content.decode()
    link = page(staff, **{"from": "2026-12-21", "amp;to": "2026-12-23"})
    assert f'href="{link}">Move all 2 at once' in html


def test_the_manager_moves_an_absent_iros_conferences_in_one_go(client, staff):
    first = review(staff, chair=staff.iro, on=date(2026, 12, 21), previous_chair=staff.other_iro)
    second = review(staff, chair=staff.iro, on=date(2026, 12, 22))
    later = review(staff, chair=staff.iro, on=date(2027, 1, 11))  # after the leave
    LeaveFactory(user=staff.iro, start_date=date(2026, 12, 21), end_date=date(2026, 12, 23))
    client.force_login(staff.iro_manager)
    url = page(staff, **{"from": "2026-12-21", "to": "2026-12-23"})
    html = client.get(url).content.decode()
    assert "<title>Move Ivy Coldharbour's conferences – IRO service" in html
    assert "from Monday 21 December 2026 to Wednesday 23 December 2026" in html
    assert later.public_id.hex not in html
    # Ivy is away for both: each starts with a new chair, Otto (their previous) first.
    assert selected(html, first) == str(staff.other_iro.pk)
    assert selected(html, second) == str(staff.iro_manager.pk)
    data = form_data([first, second], {first: staff.other_iro, second: staff.iro_manager})
    response = client.post(url, data, follow=True)
    assert (
        "2 conferences moved: Otto Fallowfield will chair the conference on Mon 21 Dec 2026 "
        "at 10:00; Mona Greyfriar will chair the conference on Tue 22 Dec 2026 at 10:00."
    ) in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    later.refresh_from_db()
    assert (first.chair, second.chair, later.chair) == (
        staff.other_iro,
        staff.iro_manager,
        staff.iro,
    )
    # The new chair is told; the one who made the change is not.
    assert Notice.objects.filter(recipient=staff.other_iro).exists()
    assert not Notice.objects.filter(recipient=staff.iro_manager).exists()
    assert (
        "Ivy Coldharbour is booked to chair no conference from Monday 21 December 2026 "
        "to Wednesday 23 December 2026."
    ) in response.content.decode()


def test_an_iro_at_work_keeps_their_conferences_until_others_are_chosen(client, staff):
    conference = review(staff, chair=staff.iro, on=date(2026, 12, 22))
    client.force_login(staff.coordinator)
    html = client.get(page(staff)).content.decode()
    assert selected(html, conference) == ""  # "Keep with Ivy Coldharbour for now"
    assert "Keep with Ivy Coldharbour for now" in html
    response = client.post(page(staff), form_data([conference]), follow=True)
    assert "Nothing was moved: every conference was kept with Ivy Coldharbour." in (
        response.content.decode()
    )
    conference.refresh_from_db()
    assert conference.chair == staff.iro


def test_a_refusal_is_shown_on_its_row_and_nothing_moves(client, staff):
    first = review(staff, chair=staff.iro, on=date(2026, 12, 21), at=time(10))
    second = review(staff, chair=staff.iro, on=date(2026, 12, 21), at=time(11))
    client.force_login(staff.iro_manager)
    data = form_data([first, second], {first: staff.other_iro, second: staff.other_iro})
    html = client.post(page(staff), data).content.decode()
    assert "There is a problem" in html
    # Said as a choice made twice on the page, not as though Otto were already booked.
    assert (
        "The conference on Mon 21 Dec 2026 at 11:00: Otto Fallowfield is also chosen here "
        "for the conference on Mon 21 Dec 2026 at 10:00, at the same time, and cannot chair "
        "both: choose another chair for one of them."
    ) in html
    assert "already chairing" not in html
    assert set(Conference.objects.values_list("chair", flat=True)) == {staff.iro.pk}


def test_one_chair_given_several_conferences_names_each_in_the_result(client, staff):
    first = review(staff, chair=staff.iro, on=date(2026, 12, 21), at=time(10))
    second = review(staff, chair=staff.iro, on=date(2026, 12, 21), at=time(14))
    third = review(staff, chair=staff.iro, on=date(2026, 12, 22), at=time(10))
    client.force_login(staff.iro_manager)
    chosen = {first: staff.other_iro, second: staff.other_iro, third: staff.iro_manager}
    response = client.post(page(staff), form_data([third, first, second], chosen), follow=True)
    assert (
        "3 conferences moved: Otto Fallowfield will chair the conferences on Mon 21 Dec 2026 "
        "at 10:00 and on Mon 21 Dec 2026 at 14:00; Mona Greyfriar will chair the conference "
        "on Tue 22 Dec 2026 at 10:00."
    ) in response.content.decode()
    # Otto's notices say which conference each is, by kind and time (never a child).
    assert sorted(
        Notice.objects.filter(recipient=staff.other_iro).values_list("subject", flat=True)
    ) == [
        "A conference is waiting for you to chair: review child protection conference on "
        f"Mon 21 Dec 2026 at {at}"
        for at in ("10:00", "14:00")
    ]


def test_a_page_opened_before_someone_else_moved_one_of_them_saves_nothing(client, staff):
    first = review(staff, chair=staff.iro, on=date(2026, 12, 21))
    second = review(staff, chair=staff.iro, on=date(2026, 12, 22))
    page_as_opened = form_data(
        [first, second], {first: staff.iro_manager, second: staff.iro_manager}
    )
    services.allocate_chair(  # meanwhile, on another page
        conference=first, chair=staff.other_iro, acting_user=staff.coordinator,
        expected_version=first.version,
    )  # fmt: skip
    client.force_login(staff.iro_manager)
    html = client.post(page(staff), page_as_opened).content.decode()
    assert (
        "Nothing was saved: 1 conference on the page you saved had been given another chair"
    ) in html
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.chair, second.chair) == (staff.other_iro, staff.iro)
    assert first.public_id.hex not in html  # no longer Ivy's to move


def test_a_stale_page_or_a_chair_not_offered_is_refused_in_words(client, staff):
    conference = review(staff, chair=staff.iro, on=date(2026, 12, 22))
    client.force_login(staff.iro_manager)
    data = form_data([conference], {conference: staff.coordinator})
    html = client.post(page(staff), data).content.decode()
    assert "Select one of the IROs offered for this conference." in html
    data = form_data([conference], {conference: staff.other_iro})
    data[f"version-{conference.public_id.hex}"] = conference.version - 1
    html = client.post(page(staff), data).content.decode()
    assert "The conference on Tue 22 Dec 2026 at 10:00: " in html
    conference.refresh_from_db()
    assert conference.chair == staff.iro


def test_conferences_with_a_child_the_user_may_not_see_are_counted_not_shown(client, staff):
    shown = review(staff, chair=staff.iro, on=date(2026, 12, 21))
    hidden_child = ChildFactory(team=staff.team, restricted=True)
    hidden = review(staff, chair=staff.iro, on=date(2026, 12, 22), child=hidden_child)
    client.force_login(staff.iro_manager)
    html = client.get(page(staff)).content.decode()
    assert shown.public_id.hex in html
    assert hidden.public_id.hex not in html
    assert hidden_child.first_name not in html
    assert "1 more conference is booked for Ivy Coldharbour with children whose records" in html


def test_a_single_day_away_is_said_as_one_day(client, staff):
    review(staff, chair=staff.iro, on=date(2026, 12, 22))
    client.force_login(staff.iro_manager)
    html = client.get(page(staff, **{"from": "2026-12-22", "to": "2026-12-22"})).content.decode()
    assert "the conferences Ivy Coldharbour is booked to chair on Tuesday 22 December 2026." in html


def test_dates_that_cannot_be_read_show_every_booking_and_say_so(client, staff):
    review(staff, chair=staff.iro, on=date(2027, 2, 1))
    client.force_login(staff.iro_manager)
    html = client.get(page(staff, **{"from": "2026-13-01"}), follow=True).content.decode()
    assert "The dates in the address could not be read" in html
    assert "These are all the conferences Ivy Coldharbour is booked to chair from today" in html


def test_only_those_who_book_chairs_may_move_conferences_and_only_a_chairs(client, staff):
    review(staff, chair=staff.iro, on=date(2026, 12, 22))
    for refused in (staff.iro, staff.social_worker, staff.analyst, staff.partnership):
        client.force_login(refused)
        assert client.get(page(staff)).status_code == 403
        assert client.post(page(staff), {}).status_code == 403
    client.force_login(staff.iro_manager)
    assert client.get(reverse("move_conferences", args=[staff.analyst.pk])).status_code == 404
    assert Conference.objects.get(kind=ConferenceKind.REVIEW).chair == staff.iro


# --- An IRO who has gone ----------------------------------------------------------------


def test_a_chair_who_has_gone_is_listed_with_their_bookings_to_move(client, staff):
    conference = review(staff, chair=staff.iro, on=date(2026, 12, 22))
    staff.iro.is_active = False
    staff.iro.save()
    queue = conferences_without_a_chair(staff.iro_manager, TODAY)
    (row,) = queue.rows
    assert row.cells[3] == "Ivy Coldharbour no longer chairs conferences"
    assert row.flag == "Chair gone"
    loads = {r.cells[0]: r for r in iro_loads(staff.iro_manager, TODAY).rows}
    gone = loads["Ivy Coldharbour (no longer chairs)"]
    assert gone.cells[1:3] == ("1", "1")
    assert gone.href == page(staff)
    client.force_login(staff.iro_manager)
    html = client.get(page(staff)).content.decode()
    assert "(Ivy Coldharbour no longer signs in to iro)" in html
    assert selected(html, conference) == str(staff.other_iro.pk)


def test_the_offers_take_the_same_queries_for_one_conference_or_many(
    staff, django_assert_num_queries
):
    one = [review(staff, chair=staff.iro, on=date(2026, 12, 21), previous_chair=staff.other_iro)]
    with django_assert_num_queries(9):
        chairs.cover_for(one, today=TODAY, leaving=staff.iro)
    many = one + [review(staff, chair=staff.iro, on=date(2026, 12, 22 + n)) for n in range(3)]
    with django_assert_num_queries(9):
        chairs.cover_for(many, today=TODAY, leaving=staff.iro)
