"""The caseload: children the user may see, filtered, paginated, in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.journey.corrections import void_conference
from iro.journey.forms import UNKNOWN_CHOICE
from iro.journey.models import Category
from iro.journey.selectors import CASELOAD_PAGE_SIZE, YES, CaseloadFilters, caseload
from tests.factories import ChildFactory, child_on_plan, make_staff, s47_for

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


def children_on_plans(staff, n: int, *, start: int = 0):
    """``n`` children on plans, alternately chaired, teamed and categorised, some overdue."""
    categories = list(Category)
    for i in range(start, start + n):
        child_on_plan(
            chair=staff.iro if i % 2 else staff.other_iro,
            strategy=date(2025, 1, 6),
            icpc_on=date(2025, 1, 24),
            reviews=(date(2025, 4, 22),) if i % 3 else (),
            category=categories[i % len(categories)],
            team=staff.team if i % 2 else staff.other_team,
            la_child_id=f"Q{i:05d}",
        )


def caseload_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("caseload"), {"on_plan": "yes"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_children(client, staff):
    client.force_login(staff.iro_manager)
    children_on_plans(staff, 5)
    with_five = caseload_queries(client)
    children_on_plans(staff, 45, start=5)
    with_fifty = caseload_queries(client)
    assert with_five == with_fifty, (with_five, with_fifty)
    body = client.get(reverse("caseload")).content.decode()
    assert body.count('href="/children/') == 50 + 1  # every child, plus the nav link


def test_the_overdue_filter_costs_no_query_per_child(client, staff):
    client.force_login(staff.iro_manager)
    children_on_plans(staff, 5)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("caseload"), {"overdue": "yes"})
    children_on_plans(staff, 25, start=5)
    with CaptureQueriesContext(connection) as thirty:
        client.get(reverse("caseload"), {"overdue": "yes"})
    assert len(five.captured_queries) == len(thirty.captured_queries)


def test_it_shows_each_childs_plan_review_and_chair(client, staff):
    child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 22),), category=Category.EMO, team=staff.team,
        first_name="Fenna", last_name="Hartwell", la_child_id="C000123",
    )  # fmt: skip
    client.force_login(staff.social_worker)
    body = client.get(reverse("caseload")).content.decode()
    row = body[body.index("Fenna Hartwell") :]
    row = row[: row.index("</tr>")]
    for expected in (
        "C000123",
        "Moorside Safeguarding Team",
        "Emotional abuse",
        "24 Jan 2025",
        "22 Oct 2025",  # next review: 6 months after the review of 22 April
        "Ivy Coldharbour",
    ):
        assert expected in row
    assert "Overdue" not in row


def test_it_flags_an_overdue_review_in_words(client, staff):
    child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        team=staff.team, first_name="Galen", last_name="Inchbrook",
    )  # fmt: skip
    client.force_login(staff.social_worker)
    body = client.get(reverse("caseload")).content.decode()
    row = body[body.index("Galen Inchbrook") :]
    row = row[: row.index("</tr>")]
    assert "24 Apr 2025" in row  # first review: plan start + 3 months
    assert "Overdue" in row


def _listed(user, **filters) -> set[str]:
    return {r.child.la_child_id for r in caseload(user, CaseloadFilters(**filters), day=TODAY).rows}


def test_it_filters_by_team_chair_category_and_plan(staff):
    children_on_plans(staff, 10)
    not_on_plan = ChildFactory(team=staff.team, la_child_id="N00001")
    manager = staff.iro_manager
    everyone = _listed(manager)
    assert len(everyone) == 11
    assert _listed(manager, team_id=staff.team.pk) == {f"Q{i:05d}" for i in range(1, 10, 2)} | {
        not_on_plan.la_child_id
    }
    assert _listed(manager, chair_id=staff.other_iro.pk) == {f"Q{i:05d}" for i in range(0, 10, 2)}
    assert _listed(manager, category=Category.SAB) == {"Q00003", "Q00008"}
    assert _listed(manager, on_plan=YES) == everyone - {"N00001"}
    assert _listed(manager, on_plan="no") == {"N00001"}


def test_on_a_plan_means_a_plan_open_today_not_one_ended_voided_or_yet_to_start(staff):
    def on_plan(la_child_id: str, **plan):
        dates = {"strategy": date(2025, 1, 6), "icpc_on": date(2025, 1, 24)} | plan
        return child_on_plan(chair=staff.iro, team=staff.team, la_child_id=la_child_id, **dates)

    on_plan("P00001")
    on_plan("P00002", ended_on=TODAY)  # ended today: no longer on a plan
    on_plan("P00003", ended_on=date(2025, 10, 11))  # ends tomorrow: on a plan today
    void_conference(
        conference=on_plan("P00004").icpc,
        reason="Recorded against the wrong child.",
        acting_user=staff.iro_manager,
    )  # its plan is voided with it
    on_plan("P00005", strategy=date(2025, 10, 6), icpc_on=date(2025, 10, 20))  # starts later
    manager = staff.iro_manager
    assert _listed(manager, on_plan=YES) == {"P00001", "P00003"}
    assert _listed(manager, on_plan="no") == {"P00002", "P00004", "P00005"}


def test_the_overdue_filter_finds_overdue_reviews_and_initial_conferences(staff):
    children_on_plans(staff, 6)  # i % 3 == 0 have had no review: first review overdue
    waiting = ChildFactory(team=staff.team, la_child_id="W00001")
    s47_for(waiting, referral=date(2025, 9, 1), strategy=date(2025, 9, 2))  # ICPC due 23 Sep
    recent = ChildFactory(team=staff.team, la_child_id="W00002")
    s47_for(recent, referral=date(2025, 10, 6), strategy=date(2025, 10, 7))  # due 28 Oct
    manager = staff.iro_manager
    assert _listed(manager, overdue=YES) == {"Q00000", "Q00003", "W00001"}
    assert "W00002" in _listed(manager, overdue="no")
    assert "W00001" not in _listed(manager, overdue="no")


def test_a_chair_filter_uses_the_chair_of_the_latest_conference(staff):
    journey = child_on_plan(
        chair=staff.other_iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        la_child_id="H00001",
    )  # fmt: skip
    from tests.factories import hold_conference

    hold_conference(
        kind="review",
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        held_on=date(2025, 4, 20),
    )
    assert _listed(staff.iro_manager, chair_id=staff.iro.pk) == {"H00001"}
    assert _listed(staff.iro_manager, chair_id=staff.other_iro.pk) == set()


def test_a_chair_filter_also_finds_the_children_whose_next_conference_they_are_booked_to_chair(
    client, staff
):
    # As My work does: the IRO taking a child's next review over from another chair.
    journey = child_on_plan(
        chair=staff.other_iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        la_child_id="N00001",
    )  # fmt: skip
    from tests.factories import hold_conference

    hold_conference(
        kind="review",
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        scheduled_date=date(2025, 4, 20),
    )
    assert _listed(staff.iro_manager, chair_id=staff.iro.pk) == {"N00001"}
    assert _listed(staff.iro_manager, chair_id=staff.other_iro.pk) == {"N00001"}
    client.force_login(staff.iro)
    page = client.get(reverse("caseload"), {"chair": staff.iro.pk}).text
    assert f'{staff.other_iro}<br><span class="govuk-body-s">Next: {staff.iro}</span>' in page


def test_an_iro_opens_the_list_on_the_children_they_chair_and_can_choose_any(client, staff):
    children_on_plans(staff, 4)  # alternately chaired by the IRO and the other IRO
    client.force_login(staff.iro)
    opened = client.get(reverse("caseload"), follow=True)
    assert opened.redirect_chain == [
        (f"{reverse('caseload')}?chair={staff.iro.pk}&on_plan=open", 302)
    ]
    body = opened.content.decode()
    assert "Q00001" in body and "Q00003" in body and "Q00000" not in body
    assert f'href="{reverse("caseload")}?chair="' in body  # "Clear filters": every chair
    every = client.get(reverse("caseload"), {"chair": ""}).content.decode()
    assert "Q00000" in every and "Q00001" in every
    client.force_login(staff.iro_manager)
    assert client.get(reverse("caseload")).status_code == 200  # the service's, as before


def test_open_cases_are_those_on_a_plan_or_waiting_for_a_first_conference(staff):
    children_on_plans(staff, 2)  # Q00000, Q00001: on a plan
    closed = ChildFactory(team=staff.team, la_child_id="C00001")  # never on a plan
    waiting = ChildFactory(team=staff.team, la_child_id="W00009")
    s47_for(waiting, referral=date(2025, 10, 6), strategy=date(2025, 10, 7))
    assert closed.la_child_id not in _listed(staff.iro_manager, on_plan="open")
    assert _listed(staff.iro_manager, on_plan="open") == {"Q00000", "Q00001", "W00009"}


def test_a_bad_filter_value_is_reported_and_ignored(client, staff):
    children_on_plans(staff, 2)
    client.force_login(staff.iro_manager)
    response = client.get(reverse("caseload"), {"team": "not-a-team", "category": "XYZ"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert body.count(UNKNOWN_CHOICE) == 4  # in the summary and by each of the two fields
    assert "<title>Error: " in body
    assert "Q00000" in body and "Q00001" in body


def test_it_paginates_fifty_children_a_page_keeping_the_filters(client, staff):
    for i in range(CASELOAD_PAGE_SIZE + 3):
        ChildFactory(
            team=staff.team,
            la_child_id=f"P{i:05d}",
            first_name=f"Ione{i:03d}",
            last_name="Ashcombe",
        )
    client.force_login(staff.iro_manager)
    first = client.get(reverse("caseload"), {"on_plan": "no"}).content.decode()
    assert "P00049" in first and "P00050" not in first
    assert 'aria-label="Pages of children"' in first
    assert "?on_plan=no&amp;page=2" in first
    second = client.get(reverse("caseload"), {"on_plan": "no", "page": 2}).content.decode()
    assert "P00050" in second and "P00052" in second and "P00049" not in second
    assert "53 children" in second
    # A page number past the end shows the last page, not an error.
    assert client.get(reverse("caseload"), {"page": 99}).status_code == 200


def test_every_page_has_exactly_one_h1(client, staff):
    client.force_login(staff.iro_manager)
    body = client.get(reverse("caseload")).content.decode()
    assert body.count("<h1") == 1
    assert '<h1 class="govuk-heading-xl">Children</h1>' in body


def test_a_chair_filter_finds_a_child_before_any_conference_by_the_booked_chair(staff):
    from tests.factories import hold_conference

    waiting = ChildFactory(team=staff.team, la_child_id="B00001")
    enquiry = s47_for(waiting, referral=date(2025, 10, 6), strategy=date(2025, 10, 7))
    hold_conference(
        kind="initial",
        children=[(waiting, {"section47": enquiry})],
        chair=staff.other_iro,
        scheduled_date=date(2025, 10, 27),
    )
    assert _listed(staff.iro_manager, chair_id=staff.other_iro.pk) == {"B00001"}
    assert _listed(staff.iro_manager, chair_id=staff.iro.pk) == set()


def test_the_team_filter_offers_the_teams_of_the_children_one_may_see(client, staff):
    ChildFactory(team=staff.team)
    ChildFactory(team=staff.other_team)
    client.force_login(staff.social_worker)
    body = client.get(reverse("caseload")).content.decode()
    assert f">{staff.team.name}</option>" in body
    assert f">{staff.other_team.name}</option>" not in body
    client.force_login(staff.iro_manager)
    body = client.get(reverse("caseload")).content.decode()
    assert f">{staff.other_team.name}</option>" in body


def test_a_social_worker_narrows_the_teams_children_to_those_allocated_to_them(client, staff):
    mine = ChildFactory(team=staff.team, social_worker=staff.social_worker, la_child_id="M00001")
    ChildFactory(team=staff.team, social_worker=staff.team_manager, la_child_id="T00001")
    ChildFactory(team=staff.team, la_child_id="U00001")
    client.force_login(staff.social_worker)
    body = client.get(reverse("caseload")).content.decode()
    assert f'<option value="{staff.social_worker.pk}">{staff.social_worker} (you)</option>' in body
    assert f">{staff.team_manager}</option>" in body
    body = client.get(reverse("caseload"), {"social_worker": staff.social_worker.pk}).content
    assert mine.la_child_id in body.decode()
    assert "T00001" not in body.decode() and "U00001" not in body.decode()
    assert "1 child matches the filters" in body.decode()


def test_the_social_worker_filter_offers_only_workers_of_children_one_may_see(client, staff):
    ChildFactory(team=staff.other_team, social_worker=staff.iro_manager)
    ChildFactory(team=staff.team, social_worker=staff.social_worker)
    client.force_login(staff.social_worker)
    body = client.get(reverse("caseload")).content.decode()
    offered = body.split('name="social_worker"')[1].split("</select>")[0]
    assert f"{staff.social_worker} (you)" in offered
    assert str(staff.iro_manager) not in offered


def test_a_role_that_sees_no_names_is_offered_no_social_worker_filter(client, staff):
    ChildFactory(team=staff.team, social_worker=staff.social_worker)
    client.force_login(staff.analyst)
    response = client.get(reverse("caseload"), {"social_worker": staff.social_worker.pk})
    assert response.status_code == 200
    assert 'name="social_worker"' not in response.content.decode()
    assert str(staff.social_worker) not in response.content.decode()
