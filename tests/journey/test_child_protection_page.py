"""The child protection page costs the same number of queries however many enquiries,
plans, reviews and actions the child has, and shows each plan's open actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.journey.models import ActionStatus, ConferenceKind, PlanAction
from tests.factories import ChildFactory, child_on_plan, hold_conference, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def add_actions(plan, statuses) -> None:
    for n, status in enumerate(statuses):
        PlanAction.objects.create(
            plan=plan,
            what=f"Action {n + 1}",
            who="Social worker",
            by_when=plan.start_date + timedelta(days=30 * (n + 1)),
            status=status,
        )


def child_with_plans(staff, starts: list[date]):
    """A child with one plan per start date (all but the last ended), each with an ICPC,
    two reviews and four actions; the open plan has its next review booked."""
    child = ChildFactory(team=staff.team)
    for n, start in enumerate(starts):
        last = n == len(starts) - 1
        journey = child_on_plan(
            child=child,
            chair=staff.iro,
            strategy=start - timedelta(days=14),
            icpc_on=start,
            reviews=(start + timedelta(days=80), start + timedelta(days=250)),
            ended_on=None if last else start + timedelta(days=300),
            end_reason="" if last else "step_down_cin",
        )
        add_actions(
            journey.plan,
            [ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED,
             ActionStatus.NO_LONGER_NEEDED],
        )  # fmt: skip
        if last:
            hold_conference(
                kind=ConferenceKind.REVIEW,
                children=[(child, {"plan": journey.plan})],
                chair=staff.iro,
                scheduled_date=start + timedelta(days=400),
            )
    return child


def queries_for(client, child) -> list[str]:
    url = reverse("child_protection", args=[child.public_id])
    client.get(url)  # the session and user are loaded once per request either way
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured]


def test_the_page_costs_the_same_queries_for_one_plan_or_three(client, staff):
    one = child_with_plans(staff, [date(2022, 1, 10)])
    three = child_with_plans(staff, [date(2019, 1, 14), date(2020, 3, 9), date(2022, 1, 10)])
    client.force_login(staff.coordinator)
    few, many = queries_for(client, one), queries_for(client, three)
    assert len(many) == len(few), "\n".join(many)


def test_each_plan_shows_its_open_actions_and_reviews(client, staff):
    child = child_with_plans(staff, [date(2020, 3, 9), date(2022, 1, 10)])
    client.force_login(staff.coordinator)
    html = client.get(reverse("child_protection", args=[child.public_id])).content.decode()
    plans = html.split('id="plans"', 1)[1].split("</table>", 1)[0]
    assert plans.count("2 of 4 open") == 2
    # Its review was booked for 14 February 2023 and never recorded.
    assert "Day passed, not recorded" in plans
    assert "From 9 Mar 2020 to 3 Jan 2021" in plans


def test_a_review_booked_ahead_is_booked_and_one_whose_day_passed_says_so(client, staff):
    today = date.today()
    journey = child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=60), icpc_on=today - timedelta(days=40),
        team=staff.team,
    )  # fmt: skip
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        scheduled_date=today + timedelta(days=14),
    )
    client.force_login(staff.coordinator)
    url = reverse("child_protection", args=[journey.child.public_id])
    html = client.get(url).text
    assert "Review booked" in html and "Day passed" not in html
    type(review).objects.filter(pk=review.pk).update(scheduled_date=today - timedelta(days=2))
    html = client.get(url).text
    plans = html.split('id="plans"', 1)[1].split("</table>", 1)[0]
    listed = html.split('id="conferences"', 1)[1].split("</table>", 1)[0]
    assert "Day passed, not recorded" in plans and "Day passed, not recorded" in listed


def test_an_initial_conference_held_after_its_due_date_is_marked_late(client, staff):
    late = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 2, 3), team=staff.team
    )
    on_time = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27), team=staff.team
    )
    client.force_login(staff.coordinator)

    def enquiries(journey) -> str:
        html = client.get(reverse("child_protection", args=[journey.child.public_id])).text
        return html.split('id="section47s"', 1)[1].split("</table>", 1)[0]

    assert "Late</strong>" in enquiries(late)
    assert "Late</strong>" not in enquiries(on_time)
