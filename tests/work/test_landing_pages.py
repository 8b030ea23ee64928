"""The landing pages of work: who may open each, what they show, what they log, and that
a page costs the same queries whatever the number of children."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iro.access.models import AccessLogEntry
from iro.challenge.models import MultiAgencyChallenge
from iro.journey.models import ConferenceKind, Decision, LatenessReason, PlanAction
from iro.reports import measures
from iro.reports.headlines import headlines, year_to_date
from iro.work import views
from tests.challenge.factories import MultiAgencyChallengeFactory
from tests.factories import (
    AgencyFactory,
    ChildFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

PAGES = {
    "service_work": {"iro_manager"},
    "booking_work": {"iro_manager", "coordinator"},
    "team_work": {"social_worker", "team_manager", "outsider"},
    "service_figures": {"iro_manager", "senior_manager"},
    "challenge_work": {"partnership"},
}


@pytest.fixture
def staff():
    return make_staff()


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_only_the_roles_of_a_page_may_open_it(client, staff, page):
    for who, user in staff.everyone().items():
        client.force_login(user)
        response = client.get(reverse(page))
        expected = 200 if who in PAGES[page] else 403
        assert response.status_code == expected, (page, who)


def late_and_waiting(staff, n: int, offset: int = 0) -> None:
    """``n`` children with a late conference to agree and ``n`` waiting for an ICPC."""
    today = timezone.localdate()
    for i in range(offset, offset + n):
        late = ChildFactory(first_name=f"Late{i}", last_name="Ashcombe", team=staff.team)
        hold_conference(
            kind=ConferenceKind.INITIAL, children=[(late, {})], chair=staff.iro,
            held_on=today - timedelta(days=3), lateness_reason=LatenessReason.INTERPRETER,
        )  # fmt: skip
        waiting = ChildFactory(first_name=f"Wait{i}", last_name="Ashcombe", team=staff.team)
        s47 = s47_for(
            waiting, referral=today - timedelta(days=3), strategy=today - timedelta(days=2)
        )
        s47.icpc_requested_on = today - timedelta(days=1)
        s47.save()


def test_the_service_managers_page_counts_link_to_lists_whose_rows_link_to_actions(client, staff):
    late_and_waiting(staff, 1)
    client.force_login(staff.iro_manager)

    page = html(client.get(reverse("service_work")))

    assert page.count("<h1") == 1
    assert 'href="#late-to-agree"' in page and 'id="late-to-agree"' in page
    assert "Late0 Ashcombe" in page and "Wait0 Ashcombe" in page
    assert "#lateness" in page  # agree the late conference
    assert "?kind=initial" in page  # book the ICPC
    assert f'href="{reverse("booking_work")}"' in page  # the manager's other pages
    # Every child named is in the access log, once.
    logged = AccessLogEntry.objects.filter(user=staff.iro_manager, what="service_work")
    assert logged.count() == 2


def test_a_long_queue_shows_its_first_rows_and_a_link_to_them_all(client, staff, monkeypatch):
    monkeypatch.setattr(views, "ROWS_SHOWN", 2)
    late_and_waiting(staff, 3)
    client.force_login(staff.iro_manager)

    page = html(client.get(reverse("service_work")))

    late = page[
        page.index('id="late-to-agree"') : page.index(
            "</section>", page.index('id="late-to-agree"')
        )
    ]
    assert late.count('scope="row"') == 2
    assert "Showing the first 2 of 3." in late
    assert 'href="?all=late-to-agree#late-to-agree"' in late
    assert '<span class="iro-count__number">3</span> ' in page  # the count is of them all
    # Only the children shown are in the access log: two late, two waiting.
    logged = AccessLogEntry.objects.filter(user=staff.iro_manager, what="service_work")
    assert logged.count() == 4

    page = html(client.get(reverse("service_work") + "?all=late-to-agree"))

    late = page[
        page.index('id="late-to-agree"') : page.index(
            "</section>", page.index('id="late-to-agree"')
        )
    ]
    assert late.count('scope="row"') == 3
    assert "Showing the first" not in late
    waiting = page[page.index('id="icpc-not-booked"') :]
    assert "Showing the first 2 of 3." in waiting  # the other queues stay short


def test_the_menu_leads_each_role_to_its_work(client, staff):
    client.force_login(staff.coordinator)
    page = html(client.get(reverse("caseload")))
    assert f'href="{reverse("booking_work")}">Work</a>' in page
    client.force_login(staff.iro)
    assert ">Work</a>" not in html(client.get(reverse("my_work")))


@pytest.mark.parametrize(
    ("page", "who"),
    [
        ("service_work", "iro_manager"),
        ("booking_work", "coordinator"),
        ("team_work", "team_manager"),
        ("service_figures", "senior_manager"),
    ],
)
def test_a_landing_page_costs_the_same_queries_for_2_or_10_children(client, staff, page, who):
    client.force_login(getattr(staff, who))
    late_and_waiting(staff, 2)
    client.get(reverse(page))  # the session and caches warm up
    caches["reports"].clear()  # the figures made anew each time, as after a change
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(page)).status_code == 200
    late_and_waiting(staff, 8, offset=2)
    caches["reports"].clear()  # (with an earlier copy kept, one query asks for a worker)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(page)).status_code == 200
    assert len(many) == len(few)


def test_the_headlines_are_worked_out_once_until_the_records_change(staff):
    day = date(2025, 10, 10)
    child_on_plan(chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20))
    assert {f.key: f.value for f in headlines(day).figures}["plans_started"] == "1"
    with CaptureQueriesContext(connection) as again:
        headlines(day)
    assert len(again) <= 2  # the records' token and the kept figures
    child_on_plan(chair=staff.iro, strategy=date(2025, 7, 1), icpc_on=date(2025, 7, 18))
    assert {f.key: f.value for f in headlines(day).figures}["plans_started"] == "2"
    # Another day is another year to date: worked out for it.
    assert headlines(date(2025, 6, 10)).period.last_day == date(2025, 6, 10)


def test_the_headlines_are_the_reports_measures_for_the_year_to_date(staff):
    day = date(2025, 10, 10)
    for first in ("Ayla", "Brin"):
        child_on_plan(
            chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
            first_name=first,
        )  # fmt: skip
    child_on_plan(
        chair=staff.iro, strategy=date(2024, 6, 3), icpc_on=date(2024, 6, 21), first_name="Cato",
    )  # fmt: skip

    result = headlines(day)

    assert result.period.first_day == date(2025, 4, 1)
    assert result.period.last_day == day
    assert result.last_year.first_day == date(2024, 4, 1)
    assert result.last_year.last_day == date(2024, 10, 10)
    figures = {f.key: f for f in result.figures}
    assert figures["plans_started"].value == "2"
    assert figures["plans_started"].last_year == "1"
    on_plan = figures["children_on_plan_at_period_end"]
    assert on_plan.label == "Children subject to a plan"
    assert on_plan.hint == "On the day: today, and the same day last year."
    assert on_plan.value == str(measures.children_on_plan_at_period_end(year_to_date(day)))
    icpc = figures["icpc_within_15_working_days"].value
    assert icpc == "100.0% (2 of 2)"


def test_the_child_conferences_held_are_shown_by_kind_so_they_add_up(staff):
    # The ICPC and review timeliness figures count the initial and review conferences;
    # a transfer-in conference is in neither, so the total says what it holds.
    day = date(2025, 10, 10)
    for first in ("Ayla", "Brin"):
        child_on_plan(
            chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
            first_name=first,
        )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.TRANSFER_IN,
        children=[(ChildFactory(team=staff.team), {"decision": Decision.PLAN})],
        chair=staff.iro,
        held_on=date(2025, 7, 1),
    )

    held = {f.key: f for f in headlines(day).figures}["conferences_held"]

    assert held.value == "3"
    assert held.detail == "2 initial, 0 review, 1 transfer-in"
    assert held.last_year == "0"
    assert held.last_year_detail == "0 initial, 0 review, 0 transfer-in"
    assert held.hint.startswith("One for each child at each initial, review and transfer-in")


def test_the_senior_managers_page_names_no_child(client, staff):
    child_on_plan(
        chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
        first_name="Ayla", last_name="Ashcombe",
    )  # fmt: skip
    client.force_login(staff.senior_manager)
    with time_machine.travel(date(2025, 10, 10), tick=False):
        page = html(client.get(reverse("service_figures")))
    assert "Children subject to a plan" in page
    assert "1 initial, 0 review, 0 transfer-in" in page  # the year's, by kind
    assert "Ayla" not in page and str(staff.iro) not in page.split("</header>")[-1]


def raised_challenges(staff, n: int, offset: int = 0) -> None:
    for i in range(offset, offset + n):
        child = ChildFactory(first_name=f"Chal{i}", last_name="Ashcombe", team=staff.team)
        MultiAgencyChallengeFactory(
            child=child, agency=AgencyFactory(), raised_by=staff.iro, forwarded_on=None
        )


def test_the_partnership_officer_lands_on_the_challenges_to_forward_without_names(client, staff):
    raised_challenges(staff, 2)
    client.force_login(staff.partnership)

    response = client.get(reverse("home"))
    assert response["Location"] == reverse("challenge_work")
    page = html(client.get(reverse("challenge_work")))

    assert "Challenges to forward" in page
    for challenge in MultiAgencyChallenge.objects.all():
        assert reverse("challenge_detail", args=[challenge.public_id]) in page
    assert "Chal0" not in page and "Ashcombe" not in page
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("challenge_work"))
    raised_challenges(staff, 8, offset=2)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("challenge_work"))
    assert len(many) == len(few)


def test_the_team_page_names_the_team_it_is_for(client, staff):
    client.force_login(staff.team_manager)
    page = html(client.get(reverse("team_work")))
    assert f"Team manager, {staff.team_manager.team}</span>" in page


def test_the_coordinators_page_lists_the_conferences_needing_a_chair(client, staff):
    from iro.journey import services
    from iro.journey.services import Subject
    from tests.factories import LeaveFactory

    today = timezone.localdate()
    day = today + timedelta(days=7)
    for first, chair in (("Nochair", None), ("Away", staff.iro)):
        child = ChildFactory(first_name=first, last_name="Ashcombe", team=staff.team)
        s47 = s47_for(child, referral=today - timedelta(days=3), strategy=today - timedelta(days=2))
        services.schedule_conference(
            kind=ConferenceKind.INITIAL, subjects=[Subject(child=child, section47=s47)],
            scheduled_date=day, chair=chair, venue="Civic Centre", acting_user=staff.coordinator,
            confirm_reason="Test booking",
        )  # fmt: skip
    LeaveFactory(user=staff.iro, start_date=day, end_date=day)
    client.force_login(staff.coordinator)
    page = html(client.get(reverse("booking_work")))
    section = page[
        page.index('id="no-chair"') : page.index("</section>", page.index('id="no-chair"'))
    ]
    assert "Nochair Ashcombe" in section and "Allocate a chair" in section
    assert "Away Ashcombe" in section and f"{staff.iro} is on leave" in section


def test_progress_recorded_from_the_team_page_comes_back_to_its_list(client, staff):
    from iro.journey.models import PlanAction

    today = timezone.localdate()
    journey = child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=60), icpc_on=today - timedelta(days=40),
        team=staff.team,
    )  # fmt: skip
    action = PlanAction.objects.create(
        plan=journey.plan, what="Weekly visits", who="Social worker",
        by_when=today - timedelta(days=3),
    )  # fmt: skip
    client.force_login(staff.social_worker)
    page = html(client.get(reverse("team_work")))
    progress = reverse("plan_action_progress", args=[journey.plan.public_id, action.pk])
    assert f'href="{progress}?next=%2Fwork%2Fteam%2F%23actions-overdue"' in page
    response = client.post(
        f"{progress}?next=%2Fwork%2Fteam%2F%23actions-overdue",
        {"status": "in_progress", "progress": "Visited twice.", "version": action.version},
    )
    # Back at the top of the team's page, where the message naming the action is seen.
    assert response.url == reverse("team_work")
    page = html(client.get(response.url))
    assert "Progress recorded on “Weekly visits” for" in page
    assert ": in progress." in page


def test_the_team_page_leads_a_social_worker_to_the_children_allocated_to_them(client, staff):
    today = timezone.localdate()
    child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=60), icpc_on=today - timedelta(days=40),
        team=staff.team, social_worker=staff.social_worker,
    )  # fmt: skip
    ChildFactory(team=staff.team, social_worker=staff.social_worker)  # no case open
    ChildFactory(team=staff.team)
    client.force_login(staff.social_worker)
    body = html(client.get(reverse("team_work")))
    mine = f"{reverse('caseload')}?social_worker={staff.social_worker.pk}"
    assert (
        f'href="{mine}&amp;on_plan=open">The 1 child allocated to you on a plan or waiting '
        "for a first conference</a>"
    ) in body
    assert f'href="{mine}">all 2 allocated to you</a>, closed cases included.' in body
    client.force_login(staff.team_manager)
    assert "allocated to you" not in html(client.get(reverse("team_work")))


def test_a_social_worker_with_no_open_case_is_told_so(client, staff):
    ChildFactory(team=staff.team, social_worker=staff.social_worker)
    ChildFactory(team=staff.team, social_worker=staff.social_worker)
    client.force_login(staff.social_worker)
    body = html(client.get(reverse("team_work")))
    assert (
        "None of the 2 children allocated to you is on a plan or waiting for a first conference"
    ) in body


def test_a_social_worker_narrows_the_team_page_to_the_children_allocated_to_them(client, staff):
    today = timezone.localdate()
    for first_name, worker in (("Ottoline", staff.social_worker), ("Peregrine", None)):
        journey = child_on_plan(
            chair=staff.iro, strategy=today - timedelta(days=150),
            icpc_on=today - timedelta(days=130), team=staff.team, social_worker=worker,
            first_name=first_name,
        )  # fmt: skip
        PlanAction.objects.create(
            plan=journey.plan, what="Weekly visits", who="Social worker",
            by_when=today - timedelta(days=3),
        )  # fmt: skip
    client.force_login(staff.social_worker)
    whole = html(client.get(reverse("team_work")))
    assert "Ottoline" in whole and "Peregrine" in whole
    assert 'href="?mine=1">Show only the work for the child allocated to you</a>' in whole

    mine = html(client.get(reverse("team_work") + "?mine=1"))
    assert "Ottoline" in mine and "Peregrine" not in mine
    assert "This page shows only the work for the 1 child allocated to you." in mine
    assert f'href="{reverse("team_work")}">Show the whole team' + "'s work</a>" in mine
    # Progress recorded from the narrowed list comes back to it, narrowed.
    assert "next=%2Fwork%2Fteam%2F%3Fmine%3D1%23actions-overdue" in mine
    assert "next=%2Fwork%2Fteam%2F%23actions-overdue" in whole

    # Only the children shown are in the access log.
    logged = AccessLogEntry.objects.filter(user=staff.social_worker, what="team_work")
    assert logged.filter(child__first_name="Peregrine").count() == 1  # the whole page only


def test_a_team_manager_with_no_children_of_their_own_sees_the_whole_team(client, staff):
    client.force_login(staff.team_manager)
    page = html(client.get(reverse("team_work") + "?mine=1"))
    assert "only-mine" not in page and "show-mine" not in page


def test_each_headline_with_a_target_says_whether_the_year_is_on_track(client, staff):
    from iro.challenge import services as challenge_services

    day = date(2025, 10, 10)
    child_on_plan(chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 30))  # late
    challenge_services.set_target(
        year="2025-26", measure="icpc_within_15_working_days", value="90",
        action="Book conferences on the day the enquiry starts.",
        acting_user=staff.iro_manager,
    )  # fmt: skip
    figures = {f.key: f for f in headlines(day).figures}
    icpc = figures["icpc_within_15_working_days"]
    assert (icpc.target, icpc.verdict) == ("at least 90%", "Not on track")
    assert "reviews_on_time" in figures  # the measure the action plan watches most
    assert figures["plans_started"].target == ""
    with time_machine.travel(day, tick=False):
        client.force_login(staff.senior_manager)
        page = client.get(reverse("service_figures")).text
    assert "Target for the year" in page
    assert "At least 90%<br>" in page and "Not on track" in page
