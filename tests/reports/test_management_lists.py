"""The management lists of monthly and quarterly reports, worked by hand.

Today is 2 December 2026; the report is November 2026, so the next period is December
2026 (due by 31 December). Plans and their reviews:

- A: plan from 10 Sep 2026, no review: first review due 10 Dec 2026 -> due, not overdue.
- B: plan from 1 Aug 2026, no review: due 1 Nov 2026 -> due and overdue.
- C: plan from 20 Oct 2026: due 20 Jan 2027 -> after December, not listed.
- D: plan from 5 Sep 2026, review booked for 4 Dec 2026 -> booked, not listed.
- E: plan from 30 Aug 2025 (exactly 15 months before 30 Nov 2026), reviewed 5 Nov 2026
  by the IRO -> open 15 months; next review May 2027.
- F: plan from 31 Aug 2025 (a day short of 15 months), reviewed 1 Oct 2026 by the other
  IRO -> not a long plan.

IRO loads at 30 November: the IRO chaired E's latest conference (1 child, 1 conference
in November); the other IRO F's (1 child, none in November); A, B, C and D have had no
conference (4 children).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from iro.journey.models import ConferenceChild, ConferenceKind, LatenessReason
from iro.reports import views
from iro.reports.management_lists import COUNTS_ONLY, management_lists
from iro.timescales import parse_period
from tests.factories import hold_conference
from tests.reports.conftest import a_child, a_plan, a_review

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)
NOVEMBER = parse_period("monthly", "2026-11")
MONTH = "/reports/monthly/2026-11/"


@pytest.fixture
def service(staff):
    with time_machine.travel(TODAY, tick=False):
        kids = {
            name: a_child(staff, first_name=f"Kid{name}", last_name="Testcase") for name in "ABCDEF"
        }
        a_plan(staff, date(2026, 9, 10), child=kids["A"])
        a_plan(staff, date(2026, 8, 1), child=kids["B"])
        a_plan(staff, date(2026, 10, 20), child=kids["C"])
        d = a_plan(staff, date(2026, 9, 5), child=kids["D"])
        hold_conference(
            kind=ConferenceKind.REVIEW,
            children=[(kids["D"], {"plan": d})],
            chair=staff.iro,
            scheduled_date=date(2026, 12, 4),
        )
        e = a_plan(staff, date(2025, 8, 30), child=kids["E"])
        review = a_review(e, date(2026, 11, 5), chair=staff.iro)
        review.lateness_reason = LatenessReason.INTERPRETER
        review.save()
        f = a_plan(staff, date(2025, 8, 31), child=kids["F"])
        agreed = a_review(f, date(2026, 10, 1), chair=staff.other_iro)
        agreed.lateness_reason = LatenessReason.OTHER
        agreed.late_decision = "agreed"
        agreed.late_decided_by = staff.iro_manager
        agreed.late_decided_on = date(2026, 10, 3)
        agreed.save()
    staff.kids = kids
    return staff


def lists_for(user):
    with time_machine.travel(TODAY, tick=False):
        return {lst.key: lst for lst in management_lists(user, NOVEMBER, day=TODAY)}


def test_conferences_due_next_period_are_those_not_booked_with_the_overdue_marked(service):
    due = lists_for(service.iro_manager)["conferences_due"]
    assert [(row[0], row[3], row[4]) for row in due.rows] == [
        ("KidB Testcase", "1 Nov 2026", "Overdue"),
        ("KidA Testcase", "10 Dec 2026", ""),
    ]
    assert due.count == 2
    assert "2026-12" in due.title


def test_a_conference_booked_for_after_it_is_due_is_listed_with_its_booking(service):
    with time_machine.travel(TODAY, tick=False):
        hold_conference(
            kind=ConferenceKind.REVIEW,
            children=[(service.kids["A"], {"plan": service.kids["A"].plans.get()})],
            chair=service.iro,
            scheduled_date=date(2026, 12, 15),  # due 10 December; not held
        )
    due = lists_for(service.iro_manager)["conferences_due"]
    assert [(row[0], row[3], row[5]) for row in due.rows] == [
        ("KidB Testcase", "1 Nov 2026", "Not booked"),
        ("KidA Testcase", "10 Dec 2026", "15 Dec 2026"),
    ]


def test_plans_open_15_months_start_exactly_15_months_before_the_period_end(service):
    long = lists_for(service.iro_manager)["long_plans"]
    assert [(row[0], row[2], row[3]) for row in long.rows] == [
        ("KidE Testcase", "30 Aug 2025", "15 months")
    ]


def test_late_conferences_not_agreed_are_the_managers_queue(service):
    late = lists_for(service.iro_manager)["late_not_agreed"]
    assert late.count == 1
    assert late.rows[0][0] == "KidE Testcase"
    assert late.rows[0][-1] == LatenessReason.INTERPRETER.label


def _turn_down_fs_reason(staff, on: date) -> None:
    conference = ConferenceChild.objects.get(child=staff.kids["F"]).conference
    conference.late_decision = "not_agreed"
    conference.late_decided_on = on
    conference.late_decision_comment = "An interpreter was available that week."
    conference.save()


def test_late_reasons_turned_down_in_the_period_are_listed_with_the_decision(service):
    _turn_down_fs_reason(service, date(2026, 11, 20))
    turned_down = lists_for(service.iro_manager)["late_not_accepted"]
    assert turned_down.count == 1
    assert turned_down.rows[0][0] == "KidF Testcase"
    assert turned_down.rows[0][-1] == (
        "Mona Greyfriar on 20 Nov 2026: An interpreter was available that week."
    )
    counted = lists_for(service.analyst)["late_not_accepted"]
    assert (counted.count, counted.rows) == (1, ())  # no name, no free text


def test_a_reason_turned_down_before_the_period_is_not_listed(service):
    _turn_down_fs_reason(service, date(2026, 10, 31))
    turned_down = lists_for(service.iro_manager)["late_not_accepted"]
    assert (turned_down.count, turned_down.empty) == (
        0,
        "No reason for lateness was turned down from 1 Nov 2026 to 30 Nov 2026.",
    )


def test_iro_loads_count_children_at_the_end_and_conferences_in_the_period(service):
    loads = lists_for(service.iro_manager)["iro_loads"]
    by_name = {row[0]: row[1:] for row in loads.rows}
    assert by_name == {
        service.iro.get_full_name(): ("1", "1"),
        service.other_iro.get_full_name(): ("1", "0"),
        "No conference yet": ("4", "0"),
    }
    assert loads.rows[-1][0] == "No conference yet"


def test_a_report_for_one_team_lists_that_teams_children_only(service):
    kid_b = service.kids["B"]
    kid_b.team = service.other_team
    kid_b.save()
    with time_machine.travel(TODAY, tick=False):
        lists = {
            lst.key: lst
            for lst in management_lists(service.iro_manager, NOVEMBER, day=TODAY, team=service.team)
        }
        other = {
            lst.key: lst
            for lst in management_lists(
                service.iro_manager, NOVEMBER, day=TODAY, team=service.other_team
            )
        }
    assert [row[0] for row in lists["conferences_due"].rows] == ["KidA Testcase"]
    assert [row[0] for row in other["conferences_due"].rows] == ["KidB Testcase"]
    assert [row[0] for row in lists["long_plans"].rows] == ["KidE Testcase"]
    assert other["long_plans"].count == 0 and other["late_not_agreed"].count == 0
    loads = {row[0]: row[1:] for row in other["iro_loads"].rows}
    assert loads == {"No conference yet": ("1", "0")}  # B alone, on a plan, no conference


def test_a_report_for_one_chair_lists_that_chairs_children_only(service):
    with time_machine.travel(TODAY, tick=False):
        lists = {
            lst.key: lst
            for lst in management_lists(service.iro_manager, NOVEMBER, day=TODAY, chair=service.iro)
        }
    # A and B have had no conference: nobody's yet.
    assert lists["conferences_due"].count == 0
    assert [row[0] for row in lists["long_plans"].rows] == ["KidE Testcase"]
    assert [row[0] for row in lists["late_not_agreed"].rows] == ["KidE Testcase"]
    assert {row[0]: row[1:] for row in lists["iro_loads"].rows} == {
        service.iro.get_full_name(): ("1", "1")
    }


def test_the_report_pages_lists_follow_the_reports_team(client, service):
    kid_b = service.kids["B"]
    kid_b.team = service.other_team
    kid_b.save()
    client.force_login(service.iro_manager)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(MONTH, {"team": service.other_team.pk}).content.decode()
        everyone = client.get(MONTH).content.decode()
    assert "KidB Testcase" in page and "KidA Testcase" not in page
    assert "KidA Testcase" in everyone and "KidB Testcase" in everyone


def test_a_role_that_sees_no_names_gets_the_counts_only(service):
    lists = lists_for(service.analyst)
    assert lists["conferences_due"].count == 2
    assert lists["long_plans"].count == 1
    assert all(lists[key].rows == () for key in ("conferences_due", "long_plans"))
    assert lists["late_not_agreed"].rows == ()


def test_an_annual_report_has_no_management_lists(service):
    assert management_lists(service.iro_manager, parse_period("annual", "2026-27"), day=TODAY) == []


def test_the_monthly_page_lists_the_children_for_the_manager(client, service):
    client.force_login(service.iro_manager)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(MONTH).content.decode()
    assert "For managers: what needs doing" in page
    assert "is as the records stand today, 2 December 2026, whatever the period" in page
    assert "KidB Testcase" in page and "KidE Testcase" in page


def test_the_page_shows_a_lists_first_rows_and_sends_the_reader_to_the_files_for_all(
    client, service, monkeypatch
):
    monkeypatch.setattr(views, "LIST_ROWS_SHOWN", 1)
    client.force_login(service.iro_manager)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(MONTH).content.decode()
        spreadsheet = client.get("/reports/monthly/2026-11.csv").content.decode()
    due = page[page.index('id="list-conferences_due"') : page.index('id="list-long_plans"')]
    assert "KidB Testcase" in due and "KidA Testcase" not in due
    assert "Showing the first 1 of 2. All 2 are in this report’s" in due
    for fmt in ("xlsx", "csv", "pdf"):  # each file a link away
        assert f'href="/reports/monthly/2026-11.{fmt}' in due
    long = page[page.index('id="list-long_plans"') : page.index('id="list-late_not_agreed"')]
    assert "KidE Testcase" in long and "Showing the first" not in long  # one row: all shown
    assert "KidB Testcase" in spreadsheet and "KidA Testcase" in spreadsheet


def test_the_published_edition_has_no_lists_for_the_analyst_nor_the_manager(client, service):
    """The lists are the internal edition's: the published one (the analyst's, and the
    public website's) names no child and no chair, and IRO loads name chairs."""
    for who, query in ((service.analyst, ""), (service.iro_manager, "?edition=published")):
        client.force_login(who)
        with time_machine.travel(TODAY, tick=False):
            page = client.get(MONTH + query).content.decode()
        assert "Testcase" not in page
        assert "not yet booked" not in page
        assert "For managers: what needs doing" not in page


def test_every_format_carries_the_lists_in_the_internal_edition_only(client, service):
    for who, named in ((service.iro_manager, True), (service.iro_manager, False)):
        client.force_login(who)
        # The manager's internal edition names the children; the published one has no lists.
        query = "" if named else "?edition=published"
        for fmt in ("csv", "json", "pdf", "xlsx"):
            with time_machine.travel(TODAY, tick=False):
                response = client.get(f"/reports/monthly/2026-11.{fmt}{query}")
            assert response.status_code == 200, fmt
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if fmt == "json":
                lists = json.loads(body)["sections"].get("management", [])
                assert [lst["count"] for lst in lists[:2]] == ([2, 1] if named else [])
                assert ("KidB Testcase" in body.decode()) is named
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(body.decode())))
                assert any(r and r[0] == "KidE Testcase" for r in rows) is named
            if fmt == "xlsx":
                from openpyxl import load_workbook

                book = load_workbook(io.BytesIO(body))
                assert ("For managers" in book.sheetnames) is named
                if named:  # each list's sheet has a whole name, not a title cut at 31
                    assert {"Due, not booked", "Plans open 15 months or more"} <= set(
                        book.sheetnames
                    )
                    # A list with nothing in it keeps its sheet: the same sheets each month.
                    assert len([s for s in book.sheetnames if s not in FIXED_SHEETS]) == 5
                assert book.properties.title == "Monthly report November 2026"
                if named:  # counts are numbers and days are dates, to sort and sum
                    loads = list(book["Each IRO's load"].iter_rows(min_row=2, values_only=True))
                    assert loads and all(isinstance(n, int) for r in loads for n in r[1:])
                    due = list(book["Due, not booked"].iter_rows(min_row=2, values_only=True))
                    assert due and all(isinstance(r[3], datetime) for r in due)
                cells = {c.value for s in book.worksheets for r in s.iter_rows() for c in r}
                assert ("KidB Testcase" in cells) is named


FIXED_SHEETS = {"Measures", "Trend", "Comparisons", "Quotes", "Action plan", "Words",
                "Definitions", "For managers", "By team", "By chair"}  # fmt: skip


def test_the_pdfs_document_lists_the_children_for_the_manager_only(service):
    """The PDF is made from this HTML (``document.render_pdf``)."""
    from iro.reports import views
    from iro.reports.cache import cached_report
    from iro.reports.renderers.document import render_html

    with time_machine.travel(TODAY, tick=False):
        report = cached_report("monthly", NOVEMBER)
        manager = render_html(views._with_lists(service.iro_manager, report))
        analyst = render_html(views._with_lists(service.analyst, report))
    assert "KidB Testcase" in manager
    assert "Testcase" not in analyst
    assert escape(COUNTS_ONLY) in analyst


def test_a_role_without_reports_is_refused_the_monthly_report(client, service):
    client.force_login(service.social_worker)
    assert client.get(MONTH).status_code == 403


def test_the_children_listed_are_logged_as_read(client, service):
    from iro.access.models import AccessLogEntry

    client.force_login(service.iro_manager)
    with time_machine.travel(TODAY, tick=False):
        client.get(MONTH)
    logged = set(
        AccessLogEntry.objects.filter(user=service.iro_manager, child__isnull=False).values_list(
            "child__first_name", flat=True
        )
    )
    assert {"KidA", "KidB", "KidE"} <= logged


def test_the_lists_are_worked_out_once_until_the_records_change(service):
    lists_for(service.iro_manager)
    with CaptureQueriesContext(connection) as queries:
        again = lists_for(service.iro_manager)
    assert [lst.count for lst in again.values()] == [2, 1, 1, 0, 3]
    assert len(queries) <= 3  # the token and the kept lists, not the work behind them
    with time_machine.travel(TODAY, tick=False):  # KidA's review booked: a change
        hold_conference(
            kind=ConferenceKind.REVIEW,
            children=[(service.kids["A"], {"plan": service.kids["A"].plans.get()})],
            chair=service.iro,
            scheduled_date=date(2026, 12, 8),
        )
    assert [row[0] for row in lists_for(service.iro_manager)["conferences_due"].rows] == [
        "KidB Testcase"
    ]


def test_lists_kept_for_one_reader_are_never_given_to_another(service):
    """The manager's lists (names, every team) are kept first; each other reader still
    gets their own: the analyst only counts, the other team's social worker nothing of
    a team they do not see."""
    assert lists_for(service.iro_manager)["conferences_due"].count == 2
    analyst = lists_for(service.analyst)
    assert analyst["conferences_due"].count == 2 and analyst["conferences_due"].rows == ()
    outsider = lists_for(service.outsider)
    assert [outsider[key].count for key in ("conferences_due", "long_plans")] == [0, 0]


def test_a_child_restricted_after_the_lists_were_kept_leaves_them(service):
    assert lists_for(service.iro_manager)["conferences_due"].count == 2
    kid_b = service.kids["B"]
    kid_b.restricted = True
    kid_b.save()
    due = lists_for(service.iro_manager)["conferences_due"]
    assert [row[0] for row in due.rows] == ["KidA Testcase"]


def _lists_section(response) -> str:
    page = response.content.decode()
    return page[page.index('id="management"') : page.index('id="definitions"')]


def test_the_page_keeps_the_readers_lists_rendered_until_the_records_change(client, service):
    client.force_login(service.iro_manager)
    with time_machine.travel(TODAY, tick=False):
        first = client.get(MONTH)
        again = client.get(MONTH)
        assert "reports/_management_lists.html" in [t.name for t in first.templates]
        assert "reports/_management_lists.html" not in [t.name for t in again.templates]
        assert _lists_section(again) == _lists_section(first)
        assert "KidA Testcase" in _lists_section(again)
        hold_conference(  # KidA's review booked: a change, so the lists are made anew
            kind=ConferenceKind.REVIEW,
            children=[(service.kids["A"], {"plan": service.kids["A"].plans.get()})],
            chair=service.iro,
            scheduled_date=date(2026, 12, 8),
        )
        changed = client.get(MONTH)
    assert "reports/_management_lists.html" in [t.name for t in changed.templates]
    due = _lists_section(changed).split('id="list-long_plans"')[0]
    assert "KidB Testcase" in due and "KidA Testcase" not in due


def test_lists_kept_rendered_for_one_reader_are_never_given_to_another(client, service):
    """The service manager sees every team's children; the team manager, reading the
    same month's page after them, sees their own team's only."""
    with time_machine.travel(TODAY, tick=False):
        elsewhere = a_child(
            service, team=service.other_team, first_name="Wren", last_name="Farhill"
        )
        a_plan(service, date(2026, 9, 12), child=elsewhere)
        client.force_login(service.iro_manager)
        assert "Wren Farhill" in _lists_section(client.get(MONTH))
        client.force_login(service.team_manager)
        page = client.get(MONTH)
    assert page.status_code == 200
    assert "KidA Testcase" in _lists_section(page)
    assert "Wren" not in page.content.decode()
