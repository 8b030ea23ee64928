"""A report reads its period and the same period a year earlier together: the review
rows, the conferences and the ICPCs once for both, each period's figures the same as
when it is read alone."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.journey.models import ChildAttendance, ConferenceKind
from iro.reports import measures
from iro.timescales import parse_period
from tests.reports.conftest import YEAR, a_child, a_plan, a_review, an_icpc, an_s47, build_authority

pytestmark = pytest.mark.django_db

LAST_YEAR = YEAR.previous_year()  # 2017-04-01 .. 2018-03-31


def _two_years(staff) -> None:
    """2018-19 (``build_authority``) and 2017-18, with plans open across the two years
    whose reviews fall in both, and a child whose latest conference is not a review."""
    build_authority(staff, 6)
    across = a_plan(staff, date(2017, 10, 2))
    a_review(across, date(2018, 1, 2), chair=staff.iro)
    a_review(across, date(2018, 7, 30), chair=staff.other_iro)  # late: due 2 July
    a_review(across, date(2019, 1, 14), chair=staff.other_iro)
    ended = a_plan(staff, date(2017, 6, 1), date(2018, 5, 1))
    a_review(ended, date(2017, 9, 1), chair=staff.iro)
    child = a_child(staff, team=staff.other_team)
    s47 = an_s47(staff, date(2017, 11, 1), child=child)
    an_icpc(s47, date(2017, 11, 20), chair=staff.iro, attendance=ChildAttendance.IN_PERSON)
    plan = a_plan(staff, date(2017, 11, 20), child=child)
    a_review(plan, date(2018, 2, 19), chair=staff.other_iro)
    later = an_s47(staff, date(2019, 1, 7), child=child)
    an_icpc(later, date(2019, 1, 21), chair=staff.iro_manager, kind=ConferenceKind.INITIAL)


def _figures(staff, periods) -> dict:
    figures = {p.label: measures.compute_all(p) for p in periods}
    for by in measures.GROUPINGS:
        figures[by] = measures.measures_by(periods[0], by)
    for key in ("team", "chair"):
        chosen = {"team": staff.other_team, "chair": staff.other_iro}[key]
        figures[f"{periods[0].label} {key}"] = measures.compute_all(periods[0], **{key: chosen})
    return figures


@pytest.mark.parametrize(
    "periods",
    [
        (YEAR, LAST_YEAR),
        (parse_period("quarterly", "2018-19-Q3"), parse_period("quarterly", "2017-18-Q3")),
        (parse_period("monthly", "2019-01"), parse_period("monthly", "2018-01")),
    ],
    ids=["years", "quarters", "months"],
)
def test_each_period_read_together_has_the_figures_it_has_alone(staff, periods):
    _two_years(staff)
    alone = _figures(staff, periods)
    with measures.one_report(*periods):
        together = _figures(staff, periods)
    assert together == alone
    assert all(alone[p.label]["children_on_plan_during_period"] for p in periods)


def test_last_years_reviews_count_only_what_was_held_by_its_end(staff):
    """Read with 2018-19, 2017-18 still ends on 31 March 2018: the plan across the two
    years is on time then, though its next review (30 July 2018) was late; the plan
    whose second review was due on 1 March 2018 is not."""
    _two_years(staff)
    with measures.one_report(YEAR, LAST_YEAR):
        last_year = measures.compute_all(LAST_YEAR)
    assert last_year["reviews_on_time"] == measures.Ratio(2, 3)
    assert last_year["review_conferences_in_timescale"] == measures.Ratio(3, 3)


def test_a_report_reads_the_review_rows_conferences_and_icpcs_once_for_both_years(staff):
    _two_years(staff)

    def read(sql: str) -> str:
        if sql.endswith('"journey_conferencechild"."conference_id" ASC'):
            return "review rows"
        if "lateness_reason" in sql and "GROUP BY" in sql:
            return "icpcs"
        return "other"

    with CaptureQueriesContext(connection) as alone:
        measures.compute_all(YEAR)
        measures.compute_all(LAST_YEAR)
    with CaptureQueriesContext(connection) as together, measures.one_report(YEAR, LAST_YEAR):
        measures.compute_all(YEAR)
        measures.compute_all(LAST_YEAR)
    kinds = [read(q["sql"]) for q in together.captured_queries]
    assert kinds.count("review rows") == 1
    assert kinds.count("icpcs") == 1
    assert len(together) < len(alone)


def test_periods_that_share_a_month_are_not_read_together():
    quarter = parse_period("quarterly", "2018-19-Q4")
    with (
        pytest.raises(ValueError, match="must not share a month"),
        measures.one_report(YEAR, quarter),
    ):
        pass


def test_the_latest_chairs_are_kept_by_child_and_a_child_with_none_has_none():
    chairs = measures.ChairsByChild([(3, 7), (3, 9), (5, None), (8, 2)])
    assert [chairs.get(child) for child in (1, 3, 5, 8, 9)] == [None, 7, None, 2, None]
