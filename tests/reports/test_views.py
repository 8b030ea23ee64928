"""The report pages: who may read them, downloads, and the children behind a figure."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from iro.access.capabilities import Capability
from iro.access.models import AccessLogEntry
from iro.reports import views
from tests.reports.conftest import a_child, a_plan, build_authority

pytestmark = pytest.mark.django_db

REPORT = "/reports/annual/2018-19/"


@pytest.fixture
def authority(staff):
    build_authority(staff, 4)
    return staff


@pytest.mark.parametrize("who", ["iro", "senior_manager", "partnership"])
def test_staff_who_read_reports_see_the_annual_report(client, authority, who):
    client.force_login(getattr(authority, who))
    response = client.get(REPORT)
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert response.content.decode().count("<h1") == 1
    assert response.context["report"].measures["children_on_plan_during_period"] == 4


@pytest.mark.parametrize("who", ["social_worker", "coordinator", "admin", "outsider"])
@pytest.mark.parametrize(
    "url",
    ["/reports/", REPORT, "/reports/annual/2018-19.pdf", "/reports/monthly/2018-04/plans_started/"],
)
def test_staff_without_reports_are_refused(client, authority, who, url):
    client.force_login(getattr(authority, who))
    response = client.get(url)
    assert response.status_code == 403
    assert views.NO_REPORTS in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, authority):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_links_each_figure_to_its_children_for_those_who_may_see_them(client, authority):
    client.force_login(authority.senior_manager)
    page = client.get(REPORT).content.decode()
    assert 'href="/reports/annual/2018-19/icpc_within_15_working_days/"' in page
    assert 'href="/reports/annual/2018-19/plans_at_period_end_by_latest_category/?item=NEG"' in page
    client.force_login(authority.partnership)
    page = client.get(REPORT).content.decode()
    assert "/reports/annual/2018-19/icpc_within_15_working_days/" not in page


def test_the_page_has_charts_with_alt_text_and_data_tables(client, authority):
    client.force_login(authority.analyst)
    page = client.get(REPORT).content.decode()
    assert '<svg role="img" aria-labelledby="trend_counts-title trend_counts-desc"' in page
    assert '<desc id="trend_counts-desc">Line and bar chart over 12 months' in page
    assert "The data in “Children on a plan, month by month”" in page


def test_the_children_behind_a_figure_are_those_the_user_may_see(client, authority):
    client.force_login(authority.social_worker)  # no reports: refused outright
    assert client.get("/reports/annual/2018-19/children_on_plan_during_period/").status_code == 403
    client.force_login(authority.team_manager)  # reports, and only the team's children
    response = client.get("/reports/annual/2018-19/children_on_plan_during_period/")
    assert response.status_code == 200
    shown = {row.child.team_id for row, _ in response.context["rows"]}
    assert shown == {authority.team.pk}
    assert len(response.context["rows"]) == 2
    assert response.context["hidden"] == 2
    assert (
        "2 more rows belong to children whose records you cannot see" in response.content.decode()
    )


def test_an_analyst_sees_identifiers_not_names(client, authority):
    client.force_login(authority.analyst)
    response = client.get("/reports/annual/2018-19/plans_started/")
    names = [name for _, name in response.context["rows"]]
    assert names and all(name.startswith("Child T") for name in names)


def test_the_partnership_reads_reports_but_not_the_children_behind_them(client, authority):
    client.force_login(authority.partnership)
    response = client.get("/reports/annual/2018-19/plans_started/")
    assert response.status_code == 403
    assert escape(views.NO_CHILDREN) in response.content.decode()


def test_a_breakdown_item_shows_only_its_children(client, staff):
    a_plan(staff, date(2018, 5, 1), initial_category="NEG")
    a_plan(staff, date(2018, 5, 1), initial_category="PHY")
    client.force_login(staff.iro)
    response = client.get(
        "/reports/annual/2018-19/plans_at_period_end_by_latest_category/?item=PHY"
    )
    assert [row.unit.item for row, _ in response.context["rows"]] == ["PHY"]
    assert response.context["item_label"] == "Physical abuse"


@pytest.mark.parametrize(
    "url",
    [
        "/reports/annual/2018-2019/",
        "/reports/weekly/2018-19/",
        "/reports/monthly/2019-13/",
        "/reports/annual/2018-19/happiness/",
        "/reports/annual/2018-19/?team=999999",
        "/reports/annual/2018-19/?team=abc",
        "/reports/annual/2018-19/?chair=sam-social-worker",
    ],
)
def test_unknown_periods_measures_teams_and_chairs_are_not_found(client, authority, url):
    client.force_login(authority.iro)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/reports/annual/1900-01/", "/reports/monthly/1950-01.pdf"])
def test_a_period_before_any_record_may_be_dated_is_not_built(client, authority, url):
    client.force_login(authority.iro)
    response = client.get(url)
    assert response.status_code == 404
    assert "ends before 1 January 1990, the earliest date a record may have" in (
        response.content.decode()
    )


def test_a_team_and_chair_narrow_the_page(client, authority):
    client.force_login(authority.iro)
    response = client.get(f"{REPORT}?team={authority.team.pk}&chair=ivy-iro")
    report = response.context["report"]
    assert (report.team, report.chair) == (authority.team, authority.iro)
    assert "Moorside Safeguarding Team, chair Ivy Coldharbour" in response.content.decode()


def test_choosing_a_report_goes_to_its_page_and_a_bad_period_says_why(client, authority):
    client.force_login(authority.iro)
    response = client.get("/reports/", {"kind": "quarterly", "period": "2018-19-Q3"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/quarterly/2018-19-Q3/"
    response = client.get("/reports/", {"kind": "quarterly", "period": "2018-19-Q5"})
    assert response.status_code == 200
    assert "“2018-19-Q5” is not a quarter: enter it as 2018-19-Q3" in response.content.decode()


def test_a_period_typed_before_any_record_is_refused_on_the_form(client, authority):
    client.force_login(authority.iro)
    response = client.get("/reports/", {"kind": "annual", "period": "1900-01"})
    assert response.status_code == 200
    assert "1900-01 ends before 1 January 1990, the earliest date a record may have" in (
        response.content.decode()
    )


def test_a_month_typed_with_the_annual_choice_left_goes_to_the_month(client, authority):
    client.force_login(authority.iro)
    response = client.get("/reports/", {"kind": "annual", "period": "February 2019"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/monthly/2019-02/"


@pytest.mark.parametrize(
    ("kind", "example"),
    [("annual", "2018-19"), ("quarterly", "2018-19-Q3"), ("monthly", "2019-02")],
)
def test_an_empty_period_is_refused_asking_for_one_of_the_kind_chosen(
    client, authority, kind, example
):
    client.force_login(authority.iro)
    response = client.get("/reports/", {"kind": kind, "period": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Enter a period, such as {example}" in page
    assert "is not a" not in page


def test_a_quarter_typed_with_a_small_q_and_spaces_goes_to_its_page(client, authority):
    client.force_login(authority.iro)
    response = client.get("/reports/", {"kind": "quarterly", "period": " 2018-19-q3 "})
    assert response.status_code == 302
    assert response["Location"] == "/reports/quarterly/2018-19-Q3/"
    assert client.get("/reports/quarterly/2018-19-q3/").status_code == 404  # the address: Q


@pytest.mark.parametrize("who", ["analyst", "partnership"])
def test_a_role_that_reads_only_the_published_edition_is_offered_no_chair(client, authority, who):
    client.force_login(getattr(authority, who))
    page = client.get("/reports/").content.decode()
    assert 'name="team"' in page
    assert 'name="chair"' not in page
    assert "Choose a report by its period or team</h2>" in page
    assert "chair" not in page.split("<h1")[1].split("</h2>")[0]  # nor offered in words
    assert authority.iro.get_full_name() not in page
    response = client.get("/reports/", {"kind": "annual", "period": "2018-19", "team": ""})
    assert response["Location"] == "/reports/annual/2018-19/"
    response = client.get("/reports/annual/2018-19/", {"chair": authority.iro.username})
    assert response.status_code == 404
    assert "The published edition names no chair, so it cannot be for one chair" in (
        response.content.decode()
    )
    client.force_login(authority.iro)
    assert 'name="chair"' in client.get("/reports/").content.decode()


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("csv", "text/csv; charset=utf-8", b"measure,label,item,2018-19,2017-18,note"),
        ("json", "application/json", b"{"),
    ],
)
def test_downloads_are_files_with_a_name_and_an_access_log_row(
    client, authority, fmt, content_type, start
):
    client.force_login(authority.analyst)  # who sees no names: the published edition
    response = client.get(f"/reports/annual/2018-19.{fmt}?team={authority.team.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        'attachment; filename="iro-annual-report-2018-19-published-'
        f'Moorside-Safeguarding-Team.{fmt}"'
    )
    assert response.content.startswith(start)
    entry = AccessLogEntry.objects.get(user=authority.analyst)
    assert entry.what == f"annual report 2018-19 ({fmt.upper()}), published edition"
    assert entry.detail == {"team": "Moorside Safeguarding Team", "chair": None}


def test_a_download_of_a_period_not_over_names_the_day_its_figures_run_to(client, authority):
    client.force_login(authority.iro_manager)
    with time_machine.travel(date(2018, 12, 3), tick=False):
        response = client.get("/reports/annual/2018-19.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="iro-annual-report-2018-19-to-2018-12-03.csv"'
    )


def test_a_child_of_another_team_is_not_named_on_the_page_of_a_team_manager(client, staff):
    hidden = a_child(staff, team=staff.other_team, first_name="Quilla", last_name="Larkmoor")
    a_plan(staff, date(2018, 5, 1), child=hidden)
    client.force_login(staff.team_manager)
    response = client.get("/reports/annual/2018-19/plans_started/")
    assert "Quilla" not in response.content.decode()
    assert response.context["hidden"] == 1


def test_a_report_page_read_again_is_given_its_sections_as_kept_not_rendered_anew(
    client, authority
):
    client.force_login(authority.senior_manager)
    first = client.get(REPORT)
    again = client.get(REPORT)
    assert "reports/_report_body.html" in [t.name for t in first.templates]
    assert "reports/_report_body.html" not in [t.name for t in again.templates]
    assert "icpc_within_15_working_days" in _body(again)
    assert _body(again) == _body(first)


def test_kept_sections_are_never_given_to_a_reader_whose_links_differ(
    client, authority, monkeypatch
):
    """The same report, kept rendered for a reader with links to the children, read by
    one who may not see children: their sections have no such links."""
    client.force_login(authority.senior_manager)
    assert (
        "/reports/annual/2018-19/icpc_within_15_working_days/"
        in client.get(REPORT).content.decode()
    )
    allowed = views.has_capability
    monkeypatch.setattr(
        views,
        "has_capability",
        lambda user, cap: cap != Capability.VIEW_CHILDREN and allowed(user, cap),
    )
    page = client.get(REPORT).content.decode()
    assert "/reports/annual/2018-19/icpc_within_15_working_days/" not in page
    assert "Each figure links to the children behind it" not in page


def _body(response) -> str:
    page = response.content.decode()
    return page[page.index('id="contents-title"') : page.index('id="definitions"')]


def test_a_period_before_the_records_begin_says_so_and_is_not_offered_as_previous(
    client, authority
):
    client.force_login(authority.iro)
    this_year = client.get(REPORT).content.decode()
    assert 'href="/reports/annual/2017-18/">Previous: 2017-18' in this_year
    assert 'id="before-records"' not in this_year
    first_year = client.get("/reports/annual/2017-18/").content.decode()  # its last weeks
    assert "Previous:" not in first_year and 'id="before-records"' not in first_year
    long_ago = client.get("/reports/annual/1990-91/").content.decode()
    assert 'id="before-records"' in long_ago
    assert "This period ends before the records begin" in long_ago
