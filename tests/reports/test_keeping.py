"""The worker keeps the reports most read ready, so no reader of a report page waits for
one to be built; while it makes new ones after a change, a page is given the copy made a
little earlier and says so; files, the API and the command line never are."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from iro.operations.code import code_fingerprint
from iro.operations.models import WorkerHeartbeat
from iro.reports import builders, cache, charts, keeping
from tests.reports.conftest import a_plan

pytestmark = pytest.mark.django_db

ON_PLAN = "children_on_plan_during_period"
TODAY = date(2019, 2, 14)  # in 2018-19, 2018-19-Q4 and 2019-02


@pytest.fixture(autouse=True)
def _in_the_year():
    with time_machine.travel(TODAY, tick=False):
        yield


def a_worker_is_alive() -> None:
    WorkerHeartbeat.objects.create(
        worker_id="w1", beat_at=timezone.now(), host="h", pid=1, code=code_fingerprint()
    )


def test_the_reports_kept_are_this_and_the_last_period_of_each_kind():
    kept = [(kind, period.label) for kind, period in keeping.reports_to_keep(TODAY)]
    assert kept == [
        ("annual", "2018-19"), ("annual", "2017-18"),
        ("quarterly", "2018-19-Q4"), ("quarterly", "2018-19-Q3"),
        ("monthly", "2019-02"), ("monthly", "2019-01"),
    ]  # fmt: skip


def test_after_keeping_every_report_page_kept_is_read_without_building(staff, client,
                                                                       monkeypatch):  # fmt: skip
    a_plan(staff, date(2018, 5, 1))
    assert not keeping.reports_kept_now()
    assert keeping.keep_reports() == 12  # six periods, two editions
    assert keeping.reports_kept_now()
    assert keeping.keep_reports() == 0  # nothing changed: nothing to make
    monkeypatch.setattr(builders, "build_report", _refuse)
    client.force_login(staff.iro_manager)
    for url in ("/reports/annual/2018-19/", "/reports/quarterly/2018-19-Q4/",
                "/reports/monthly/2019-01/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200
        assert b"These figures were made at" not in response.content


def _refuse(*args, **kwargs):
    raise AssertionError("a report was built for the reader")


def test_after_a_change_a_page_gets_the_earlier_copy_while_a_worker_makes_the_new_one(
    staff, client, monkeypatch
):
    a_plan(staff, date(2018, 5, 1))
    keeping.keep_reports()
    a_plan(staff, date(2018, 6, 1))  # the records change: the kept reports are out of date
    a_worker_is_alive()
    monkeypatch.setattr(builders, "build_report", _refuse)
    client.force_login(staff.iro_manager)
    page = client.get("/reports/annual/2018-19/")
    assert page.status_code == 200
    assert b"These figures were made at" in page.content
    assert page.context["report"].measures[ON_PLAN] == 1  # the earlier copy's figure


def test_words_just_saved_show_at_once_on_the_earlier_copy_while_the_figures_are_made(
    staff, client, monkeypatch
):
    from iro.narrative.services import NONE_SAVED, write_narrative

    a_plan(staff, date(2018, 5, 1))
    keeping.keep_reports()
    a_worker_is_alive()
    write_narrative(
        kind="annual", period="2018-19", texts={"went_well": "Every review was on time."},
        acting_user=staff.iro_manager, expected_version=NONE_SAVED,
    )  # fmt: skip
    monkeypatch.setattr(builders, "build_report", _refuse)
    client.force_login(staff.iro_manager)
    page = client.get("/reports/annual/2018-19/").content.decode()
    assert "These figures were made at" in page  # the earlier copy's figures
    assert "Every review was on time." in page  # and the words as saved


def test_the_keeper_makes_the_new_report_and_pages_then_have_the_new_figures(staff, client):
    a_plan(staff, date(2018, 5, 1))
    keeper = keeping.ReportKeeper(interval=1)
    keeper.keep_if_changed()
    a_plan(staff, date(2018, 6, 1))
    a_worker_is_alive()
    keeper.keep_if_changed()
    keeper.keep_if_changed()  # nothing changed since: nothing made
    assert keeper.rounds == 2
    client.force_login(staff.iro_manager)
    page = client.get("/reports/annual/2018-19/")
    assert b"These figures were made at" not in page.content
    assert page.context["report"].measures[ON_PLAN] == 2


def test_without_a_worker_the_page_builds_the_new_report_itself(staff, client):
    a_plan(staff, date(2018, 5, 1))
    keeping.keep_reports()
    a_plan(staff, date(2018, 6, 1))
    client.force_login(staff.iro_manager)
    page = client.get("/reports/annual/2018-19/")
    assert page.context["report"].measures[ON_PLAN] == 2
    assert b"These figures were made at" not in page.content


def test_a_copy_older_than_the_limit_is_never_given(staff, client, settings):
    settings.IRO_REPORT_STALE_SECONDS = 60
    a_plan(staff, date(2018, 5, 1))
    keeping.keep_reports()
    a_plan(staff, date(2018, 6, 1))
    a_worker_is_alive()
    client.force_login(staff.iro_manager)
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        WorkerHeartbeat.objects.update(beat_at=timezone.now())
        page = client.get("/reports/annual/2018-19/")
    assert page.context["report"].measures[ON_PLAN] == 2


def test_files_the_api_and_the_command_line_always_have_the_newest_figures(staff, client):
    a_plan(staff, date(2018, 5, 1))
    keeping.keep_reports()
    a_plan(staff, date(2018, 6, 1))
    a_worker_is_alive()
    client.force_login(staff.iro_manager)
    download = client.get("/reports/annual/2018-19.json")
    assert download.status_code == 200, download.content[:200]
    assert download.json()["measures"][ON_PLAN] == 2
    period = builders.as_at_today(builders.timescales.parse_period("annual", "2018-19"))
    assert cache.cached_report("annual", period, edition="internal").measures[ON_PLAN] == 2


def test_keeping_is_off_when_its_interval_is_zero(staff, settings):
    settings.IRO_REPORT_KEEP_SECONDS = 0
    a_worker_is_alive()
    assert not keeping.keeper_alive()
    settings.IRO_REPORT_KEEP_SECONDS = 20
    assert keeping.keeper_alive()


@pytest.mark.django_db(transaction=True)
def test_the_keeper_thread_keeps_reports_then_stops():
    keeper = keeping.ReportKeeper(interval=60)
    keeper.start()
    keeper.stop()
    keeper.join(timeout=60)
    assert not keeper.is_alive()


def test_while_the_records_keep_changing_the_keeper_rests_as_long_as_its_last_round_took():
    keeper = keeping.ReportKeeper(interval=20)
    rounds = iter([45.0, 3.0, 0.0])  # seconds each round took (0: nothing had changed)
    pauses = []

    def wait(pause):
        pauses.append(pause)
        return len(pauses) > 3  # stopped after three rounds

    keeper._stopped.wait = wait
    keeper.keep_if_changed = lambda: next(rounds)
    keeper.run()
    assert pauses == [0.0, 45.0, 20, 20]  # at once, then never less than the interval


def test_with_a_worker_and_no_copy_the_page_asks_the_worker_once_and_says_the_report_is_coming(
    staff, client, monkeypatch
):
    a_plan(staff, date(2018, 5, 1))
    a_worker_is_alive()
    asked = []
    task = keeping.prepare_report
    monkeypatch.setattr(
        keeping, "prepare_report", SimpleNamespace(enqueue=lambda *a: asked.append(a))
    )
    monkeypatch.setattr(builders, "build_report", _refuse)  # never in the reader's request
    client.force_login(staff.iro_manager)
    url = f"/reports/quarterly/2018-19-Q3/?team={staff.team.pk}"
    for _ in range(3):
        waiting = client.get(url)
        assert waiting.status_code == 202
        assert b"Quarterly report 2018-19 Q3, October to December 2018" in waiting.content
        assert b"being worked out from the records" in waiting.content.lower()
        assert b'href="' + url.replace("&", "&amp;").encode() + b'"' in waiting.content
    assert asked == [("quarterly", "2018-19-Q3", staff.team.pk, None, "internal")]  # once
    assert client.get(url + "&ready").json() == {"ready": False, "place": ""}  # no queue here

    monkeypatch.undo()
    task.call(*asked[0])  # the worker runs the task
    monkeypatch.setattr(builders, "build_report", _refuse)
    monkeypatch.setattr(charts, "charts_for", _refuse)  # drawn by the worker, before
    assert client.get(url + "&ready").json() == {"ready": True, "place": ""}
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["report"].measures[ON_PLAN] == 1


def _queued(args, *, status="READY", minutes_ago=0, took=None):
    from django_tasks_db.models import DBTaskResult

    when = timezone.now() - timedelta(minutes=minutes_ago)
    task = DBTaskResult.objects.create(
        task_path=keeping.PREPARE_TASK,
        args_kwargs={"args": list(args), "kwargs": {}},
        status=status,
        priority=0,
        queue_name="default",
        backend_name="default",
        worker_ids=[],
    )
    DBTaskResult.objects.filter(pk=task.pk).update(  # enqueued_at is set on creation
        enqueued_at=when,
        started_at=when if took is not None else None,
        finished_at=when + timedelta(seconds=took) if took is not None else None,
    )


def test_the_waiting_page_says_how_many_reports_are_before_its_own_and_about_how_long(
    staff, client, monkeypatch
):
    a_worker_is_alive()
    mine = ("quarterly", "2018-19-Q3", staff.team.pk, None, "internal")
    for n in range(40):  # the last builds timed: 3 s each
        _queued(("monthly", f"2010-{n % 12 + 1:02d}", None, None, "internal"),
                status="SUCCESSFUL", minutes_ago=60 + n, took=3)  # fmt: skip
    _queued(("annual", "2017-18", None, None, "internal"), status="RUNNING", minutes_ago=3)
    for n in range(30):
        _queued(("monthly", f"2011-{n % 12 + 1:02d}", None, n, "internal"), minutes_ago=2)
    _queued(mine, minutes_ago=1)
    _queued(("annual", "2016-17", None, None, "internal"))  # asked for after: not before it
    place = keeping.place_in_queue(*mine)
    assert (place.running, place.ahead, place.seconds) == (False, 31, 96.0)
    assert place.words() == (
        "There are 31 other reports to work out before this one, so it should be ready in "
        "about 2 minutes."
    )
    # Asked of the queue above; never built in the reader's request.
    monkeypatch.setattr(keeping, "prepare_report", SimpleNamespace(enqueue=lambda *a: None))
    monkeypatch.setattr(builders, "build_report", _refuse)
    client.force_login(staff.iro_manager)
    url = f"/reports/quarterly/2018-19-Q3/?team={staff.team.pk}"
    page = client.get(url)
    assert page.status_code == 202
    assert b"There are 31 other reports to work out before this one" in page.content
    assert client.get(url + "&ready").json()["place"] == place.words()


def test_a_report_being_built_or_next_says_so():
    assert keeping.Place(running=True, ahead=0, seconds=3.0).words() == (
        "It is being worked out now."
    )
    assert keeping.Place(running=False, ahead=0, seconds=None).words() == (
        "It is the next to be worked out."
    )
    assert keeping.Place(running=False, ahead=1, seconds=20).words() == (
        "There is 1 other report to work out before this one, so it should be ready in "
        "about 1 minute."
    )


def test_a_worker_on_other_code_keeps_no_reports_and_the_page_builds_its_own(staff, client):
    # During an upgrade the worker may run the code before (or after) this web server's:
    # it would keep reports under its own code's fingerprint, where this page never looks,
    # and the page would say "being worked out" for ever.
    a_plan(staff, date(2018, 5, 1))
    WorkerHeartbeat.objects.create(
        worker_id="old", beat_at=timezone.now(), host="h", pid=1, code="0123456789abcdef"
    )
    assert not keeping.keeper_alive()
    client.force_login(staff.iro_manager)
    page = client.get(f"/reports/quarterly/2018-19-Q3/?team={staff.team.pk}")
    assert page.status_code == 200
    assert page.context["report"].measures[ON_PLAN] == 1
    # Once a worker runs this code, it keeps them again.
    a_worker_is_alive()
    assert keeping.keeper_alive()


def test_a_report_asked_for_is_made_for_a_team_or_period_still_there_only(staff):
    keeping.prepare_report.call("annual", "2030-31", None, None, "internal")  # not begun
    keeping.prepare_report.call("annual", "2018-19", 999999, None, "internal")  # no such team
    period = builders.as_at_today(builders.timescales.parse_period("annual", "2018-19"))
    assert not cache.report_kept("annual", period, **cache.page_options(period, edition="internal"))
    keeping.prepare_report.call("annual", "2018-19", None, None, "internal")
    assert cache.report_kept("annual", period, **cache.page_options(period, edition="internal"))


def test_whether_a_report_is_ready_is_told_only_to_those_who_may_read_reports(staff, client):
    a_worker_is_alive()
    client.force_login(staff.social_worker)
    assert client.get("/reports/annual/2018-19/?ready").status_code == 403


def _figures_on_plan(page) -> str:
    return {f.key: f.value for f in page.context["headlines"].figures}[
        "children_on_plan_at_period_end"
    ]


def _made_for_the_reader(*args, **kwargs):
    raise AssertionError("the headline figures were made for the reader")


def test_after_a_change_the_figures_page_gets_the_earlier_copy_while_a_worker_makes_them(
    staff, client, monkeypatch
):
    from iro.reports import headlines

    a_plan(staff, date(2018, 5, 1))
    keeping.keep_reports()  # the service's headline figures too
    a_plan(staff, date(2018, 6, 1))
    a_worker_is_alive()
    monkeypatch.setattr(headlines, "_made", _made_for_the_reader)
    client.force_login(staff.senior_manager)
    page = client.get("/work/figures/")
    assert page.status_code == 200
    assert b"These figures were made at" in page.content
    assert _figures_on_plan(page) == "1"  # the earlier copy's figure


def test_the_figures_page_has_the_new_figures_once_made_or_with_no_worker_or_an_old_copy(
    staff, client, settings
):
    settings.IRO_REPORT_STALE_SECONDS = 60
    a_plan(staff, date(2018, 5, 1))
    keeping.keep_reports()
    a_plan(staff, date(2018, 6, 1))
    client.force_login(staff.senior_manager)
    page = client.get("/work/figures/")  # no worker: made for the reader
    assert (_figures_on_plan(page), b"made at" in page.content) == ("2", False)
    a_plan(staff, date(2018, 7, 1))
    a_worker_is_alive()
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        WorkerHeartbeat.objects.update(beat_at=timezone.now())
        page = client.get("/work/figures/")  # the copy is over the limit
    assert (_figures_on_plan(page), b"made at" in page.content) == ("3", False)
    keeping.keep_reports()
    page = client.get("/work/figures/")
    assert (_figures_on_plan(page), b"made at" in page.content) == ("3", False)
