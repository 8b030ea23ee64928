"""Keeping the reports people read ready, so that no reader waits for one to be built.

A change to the records makes every kept report out of date (``iro.reports.cache``).
``iro worker`` runs a ``ReportKeeper`` beside its tasks: every
``IRO_REPORT_KEEP_SECONDS`` it looks at the records' token and today's date, and when
either has changed since it last looked it builds the reports most read, as the report
pages read them, with their charts: this year and last, this quarter and last, this
month and last, for the whole service, in both editions, and the service's headline
figures. Until a new one is ready the pages are given the copy built a little earlier
(at most ``IRO_REPORT_STALE_SECONDS`` old, and saying when its figures were made), but
only while a worker is alive to make the new one; without one, a page builds what it
needs itself, as before.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone

from iro import timescales
from iro.operations.background import background
from iro.operations.code import code_fingerprint
from iro.reports.builders import ANNUAL, INTERNAL, MONTHLY, PUBLISHED, QUARTERLY, as_at_today

log = logging.getLogger(__name__)

KINDS = (ANNUAL, QUARTERLY, MONTHLY)
EDITIONS = (INTERNAL, PUBLISHED)


def reports_to_keep(day) -> list[tuple[str, timescales.Period]]:
    """The periods most read on ``day``: the current and the previous of each kind."""
    periods = []
    for kind in KINDS:
        current = timescales.period_containing(kind, day)
        before = timescales.period_containing(kind, current.first_day - timedelta(days=1))
        periods += [(kind, current), (kind, before)]
    return periods


def _kept_periods():
    """Each report ``keep_reports`` keeps, as (kind, period cut to today)."""
    for kind, period in reports_to_keep(timezone.localdate()):
        try:
            yield kind, as_at_today(period)
        except timescales.PeriodNotBegun:
            continue


def reports_kept_now() -> bool:
    """Whether every report ``keep_reports`` keeps is kept for the records as they are
    now (the load benchmark waits for this, as a service's reports are kept all day)."""
    from iro.reports.cache import page_options, report_kept

    return all(
        report_kept(kind, period, **page_options(period, edition=edition))
        for kind, period in _kept_periods()
        for edition in EDITIONS
    )


def keep_reports() -> int:
    """Build (if not already built for the records as they are) each report most read,
    with its charts. Returns how many were built or drawn here."""
    from iro.reports.cache import cached_charts, page_options, page_report, report_kept
    from iro.reports.headlines import headlines

    made = 0
    for kind, period in _kept_periods():
        for edition in EDITIONS:
            fresh = not report_kept(kind, period, **page_options(period, edition=edition))
            report = page_report(kind, period, edition=edition, draw_charts=True)
            made += fresh
            cached_charts(replace(report, management=[]))  # (kept already if built here)
    headlines(timezone.localdate())  # the service figures' page, made from the same records
    return made


def keeper_alive() -> bool:
    """Whether a worker is keeping this process's reports: keeping is on and a worker
    running the same code beat lately. Reports are kept under the code's fingerprint, so
    during an upgrade a worker still on the old code (or already on the new one, before
    this web server) would file them where this process never looks, and a page would
    wait for them for ever: until a worker runs this code, pages build their own."""
    from iro.operations.models import WorkerHeartbeat

    if not settings.IRO_REPORT_KEEP_SECONDS:
        return False
    since = timezone.now() - timedelta(seconds=settings.IRO_WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(beat_at__gte=since, code=code_fingerprint()).exists()


class ReportKeeper(threading.Thread):
    """Runs ``keep_reports`` whenever the records or the date have changed, looking every
    ``IRO_REPORT_KEEP_SECONDS``, on its own database connection, until ``stop()``."""

    def __init__(self, interval: float | None = None):
        super().__init__(name="iro-report-keeper", daemon=True)
        self.interval = interval or settings.IRO_REPORT_KEEP_SECONDS
        self._stopped = threading.Event()
        self.last_state = None
        self.rounds = 0  # how many times it has built (tests and the log)

    def run(self) -> None:
        pause = 0.0  # at once: a worker that starts makes the reports ready
        while not self._stopped.wait(pause):
            pause = self.interval
            try:
                # While the records keep changing, rest at least as long as the last
                # round took: at most half the worker's time goes on rebuilding, the
                # rest to tasks and to the web on the same machine (readers meanwhile
                # have the copy made a little earlier).
                pause = max(self.interval, self.keep_if_changed())
            except DatabaseError as error:
                log.warning("reports not kept this time (%s); trying again", error)
            except Exception:
                log.exception("reports not kept this time; trying again")
            finally:
                connections.close_all()

    def keep_if_changed(self) -> float:
        """Keep the reports if the records or the date changed; the seconds it took."""
        from iro.reports.cache import current_token

        state = (current_token(), timezone.localdate())
        if state == self.last_state:
            return 0.0
        started = time.monotonic()
        made = keep_reports()
        self.last_state = state
        self.rounds += 1
        took = time.monotonic() - started
        log.info("kept %s reports ready in %.1f s", made, took)
        return took

    def stop(self) -> None:
        self._stopped.set()


@background(attempts=1)
def prepare_report(
    kind: str, label: str, team_id: int | None, chair_id: int | None, edition: str
) -> None:
    """Build, with its charts, the report a page asked for and found neither kept nor
    kept a little earlier (``iro.reports.cache.page_report``); the page then shows it.
    A period, team or chair that is no more (between the asking and the building) is
    nothing to build."""
    from iro.people.models import Team, User
    from iro.reports.cache import cached_charts, page_report

    try:
        period = as_at_today(timescales.parse_period(kind, label))
    except (ValueError, timescales.PeriodNotBegun):
        return
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    chair = User.objects.filter(pk=chair_id).first() if chair_id else None
    if (team_id and team is None) or (chair_id and chair is None):
        return
    report = page_report(kind, period, team=team, chair=chair, edition=edition, draw_charts=True)
    cached_charts(replace(report, management=[]))  # (kept already if built here)


PREPARE_TASK = f"{__name__}.prepare_report"
_UNFINISHED = ("READY", "RUNNING")
_DURATIONS_READ = 20  # the last builds whose time gives the estimate


@dataclass(frozen=True)
class Place:
    """Where the build of a report a reader waits for stands in the worker's queue."""

    running: bool  # the worker is building it now
    ahead: int  # reports the worker builds before it
    seconds: float | None  # about how long until it is ready, when builds have been timed

    def words(self) -> str:
        """The place in words, for the waiting page."""
        if self.running:
            return "It is being worked out now."
        said = (
            f"There {'is' if self.ahead == 1 else 'are'} {self.ahead} other "
            f"report{'s' if self.ahead != 1 else ''} to work out before this one"
            if self.ahead
            else "It is the next to be worked out"
        )
        if self.seconds is not None:
            minutes = max(1, math.ceil(self.seconds / 60))
            said += f", so it should be ready in about {minutes} minute{'s' if minutes > 1 else ''}"
        return said + "."


def place_in_queue(
    kind: str, label: str, team_id: int | None, chair_id: int | None, edition: str
) -> Place | None:
    """Where the worker's build of this report stands among the reports it is asked to
    build (its other tasks are quick), or None when none is waiting (made already, or
    asked of no queue: tests run tasks at once)."""
    from django_tasks_db.models import DBTaskResult

    args = [kind, label, team_id, chair_id, edition]
    mine = next(
        (
            task
            for task in DBTaskResult.objects.filter(
                task_path=PREPARE_TASK, status__in=_UNFINISHED
            ).only("status", "enqueued_at", "priority", "args_kwargs")
            if (task.args_kwargs or {}).get("args") == args
        ),
        None,
    )
    if mine is None:
        return None
    seconds_each = _seconds_per_build()
    if mine.status == "RUNNING":
        return Place(running=True, ahead=0, seconds=seconds_each)
    ahead = (
        DBTaskResult.objects.filter(task_path=PREPARE_TASK, status__in=_UNFINISHED)
        .filter(
            Q(status="RUNNING")
            | Q(priority__gt=mine.priority)
            | Q(priority=mine.priority, enqueued_at__lt=mine.enqueued_at)
        )
        .count()
    )
    seconds = None if seconds_each is None else seconds_each * (ahead + 1)
    return Place(running=False, ahead=ahead, seconds=seconds)


def _seconds_per_build() -> float | None:
    """The mean time of the worker's last report builds, None before any: read once a
    minute (the task results are many and not indexed for it; waiting pages ask often)."""
    seconds = caches["default"].get_or_set(_BUILD_SECONDS_KEY, _timed_builds, 60)
    return None if seconds < 0 else seconds


_BUILD_SECONDS_KEY = "reports:seconds-per-build"


def _timed_builds() -> float:
    """The mean time of the worker's last report builds, -1 before any (the cache keeps
    no None)."""
    from django_tasks_db.models import DBTaskResult

    timed = DBTaskResult.objects.filter(
        task_path=PREPARE_TASK,
        status="SUCCESSFUL",
        started_at__isnull=False,
        finished_at__isnull=False,
    ).order_by("-finished_at")[:_DURATIONS_READ]
    took = [(t.finished_at - t.started_at).total_seconds() for t in timed]
    return sum(took) / len(took) if took else -1.0
