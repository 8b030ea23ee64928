"""Reports are built once per state of the records and never served stale."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from iro.challenge import services as challenge_services
from iro.journey import plan_services
from iro.journey.models import ActionStatus, Decision
from iro.reports import cache
from iro.reports.renderers.document import render_pdf
from tests.reports.conftest import YEAR, a_child, a_plan, a_review, an_icpc, an_s47

pytestmark = pytest.mark.django_db

ON_PLAN = "children_on_plan_during_period"
REPORT = "/reports/annual/2018-19/"


def token() -> str:
    """The token as a report reads it (so the next change in the test's transaction
    changes it again, as the next change after a report does)."""
    return cache.current_token()


def report():
    return cache.cached_report("annual", YEAR)


def test_the_same_report_asked_again_is_read_from_the_cache_without_measuring(staff):
    a_plan(staff, date(2018, 5, 1))
    first = report()
    with CaptureQueriesContext(connection) as queries:
        again = report()
    assert again.measures == first.measures
    assert again.cache_key == first.cache_key
    assert len(queries) <= 3  # the token and the cached row, not the measures' dozens


def test_a_plan_recorded_after_a_report_is_in_the_next_report(staff):
    a_plan(staff, date(2018, 5, 1))
    assert report().measures[ON_PLAN] == 1
    a_plan(staff, date(2018, 6, 1))
    assert report().measures[ON_PLAN] == 2


def test_a_review_recorded_after_a_report_is_in_the_next_report(staff):
    plan = a_plan(staff, date(2018, 5, 1))
    assert report().measures["review_conferences_in_timescale"].denominator == 0
    a_review(plan, date(2018, 7, 20), chair=staff.iro)
    assert report().measures["review_conferences_in_timescale"].denominator == 1


def test_an_initial_conference_recorded_after_a_report_is_in_the_next_report(staff):
    s47 = an_s47(staff, date(2018, 5, 1))
    assert report().measures["icpc_within_15_working_days"].denominator == 0
    an_icpc(s47, date(2018, 5, 10), chair=staff.iro, decision=Decision.PLAN)
    assert report().measures["icpc_within_15_working_days"].denominator == 1
    assert report().measures["icpc_within_15_working_days"].numerator == 1


def test_a_plan_ended_after_a_report_is_in_the_next_report(staff):
    plan = a_plan(staff, date(2018, 5, 1))
    assert report().measures["plans_ended"] == 0
    plan.end_date, plan.end_reason = date(2018, 9, 1), "closed"
    plan.save()
    assert report().measures["plans_ended"] == 1


def test_a_target_set_through_its_service_is_in_the_next_report(staff):
    assert report().progress == []
    challenge_services.set_target(
        year="2018-19",
        measure="child_attended",
        value=50,
        action="Ask every child.",
        acting_user=staff.iro_manager,
    )
    assert [line.measure for line in report().progress] == ["child_attended"]


def test_the_reports_words_written_after_a_report_are_in_the_next_one(staff):
    from iro.narrative.services import write_narrative

    assert report().narrative == []
    write_narrative(
        kind="annual",
        period="2018-19",
        texts={"went_well": "More children came to their conference."},
        acting_user=staff.iro_manager,
        expected_version=0,
    )
    assert report().words("went_well") == "More children came to their conference."


def test_a_team_renamed_after_a_report_is_named_anew(staff):
    a_plan(staff, date(2018, 5, 1))
    assert staff.team.name in [name for name, _ in report().by_team]
    staff.team.name = "Renamed team"
    staff.team.save()
    assert "Renamed team" in [name for name, _ in report().by_team]


def test_each_filter_is_its_own_report(staff):
    a_plan(staff, date(2018, 5, 1), child=a_child(staff, team=staff.other_team))
    whole = cache.cached_report("annual", YEAR)
    team = cache.cached_report("annual", YEAR, team=staff.team)
    assert whole.measures[ON_PLAN] == 1
    assert team.measures[ON_PLAN] == 0
    assert whole.cache_key != team.cache_key


def test_a_report_asked_on_another_day_is_built_again(staff):
    with time_machine.travel(date(2026, 12, 2)):
        first = report().cache_key
    with time_machine.travel(date(2026, 12, 3)):
        assert report().cache_key != first


def test_each_save_changes_the_token_and_a_rolled_back_change_does_not(staff):
    before = token()
    a_child(staff)
    changed = token()
    assert changed != before
    with pytest.raises(RuntimeError), transaction.atomic():
        a_child(staff)
        raise RuntimeError("rolled back")
    assert token() == changed


def test_a_transaction_changes_the_token_once_however_many_records_it_writes(staff):
    before = token()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        a_child(staff)
        a_child(staff)
        a_child(staff)
    writes = [q for q in queries if "reports_dataversion" in q["sql"]]
    assert len(writes) == 1
    assert token() != before


def test_a_savepoint_rolled_back_with_the_token_change_changes_it_again(staff):
    before = token()
    with transaction.atomic():
        try:
            with transaction.atomic():
                a_child(staff)
                raise RuntimeError("rolled back to the savepoint")
        except RuntimeError:
            pass
        a_child(staff)
    assert token() != before


def test_signing_in_is_not_a_change_to_the_records(client, staff):
    before = token()
    client.force_login(staff.senior_manager)
    assert token() == before


def test_a_conference_recorded_after_the_page_was_read_is_on_the_next_page(client, staff):
    client.force_login(staff.senior_manager)
    plan = a_plan(staff, date(2018, 5, 1))
    assert client.get(REPORT).context["report"].measures["conferences_held"] == 0
    a_review(plan, date(2018, 7, 20), chair=staff.iro)
    page = client.get(REPORT)
    assert page.context["report"].measures["conferences_held"] == 1


def test_the_charts_are_drawn_once_for_the_same_figures_and_again_when_they_change(staff):
    a_plan(staff, date(2018, 5, 1))
    charts = cache.cached_charts(report())
    assert cache._cache().get(cache.charts_key(report())).keys() == charts.keys()
    a_child(staff)  # a record that changes no figure: the same charts
    assert cache._cache().get(cache.charts_key(report())) is not None
    a_review(a_plan(staff, date(2018, 6, 1)), date(2018, 8, 1), chair=staff.iro)
    assert cache._cache().get(cache.charts_key(report())) is None
    redrawn = cache.cached_charts(report())
    assert redrawn["trend_counts"].rows != charts["trend_counts"].rows


def test_the_pdf_of_the_same_report_is_made_once_and_a_changed_one_anew(staff):
    from iro.reports.renderers.document import render_html

    a_plan(staff, date(2018, 5, 1))
    first = render_pdf(report())
    assert first.startswith(b"%PDF")
    assert cache._cache().get(cache.pdf_key(render_html(report()))) == first
    assert render_pdf(report()) == first
    a_plan(staff, date(2018, 6, 1))
    html = render_html(report())
    assert cache._cache().get(cache.pdf_key(html)) is None
    assert render_pdf(report()) != first


def test_recording_progress_on_an_action_keeps_the_token_and_every_kept_report(staff):
    """No report reads a plan's outcomes or actions (cache.NOT_READ), so the progress an
    IRO or social worker records on them all day long rebuilds nothing."""
    plan = a_plan(staff, date(2018, 5, 1))
    outcome = plan_services.add_outcome(
        plan=plan, text="Sam is safe at home", acting_user=staff.iro
    )
    action = plan_services.add_action(
        plan=plan, what="Attend the parenting course", who="Parents",
        by_when=date(2018, 9, 1), outcome=outcome, acting_user=staff.iro,
    )  # fmt: skip
    first, before = report(), token()
    plan_services.record_action_progress(
        action=action, status=ActionStatus.IN_PROGRESS, progress="Two sessions attended",
        acting_user=staff.iro, expected_version=action.version,
    )  # fmt: skip
    assert token() == before
    assert report().cache_key == first.cache_key
    a_review(plan, date(2018, 8, 1), chair=staff.iro)  # a change a report counts
    assert token() != before
