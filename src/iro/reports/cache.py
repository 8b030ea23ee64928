"""Reports built once and kept until the records change.

Building the demo authority's annual report (every measure this year and last, the trend,
the breakdowns) and drawing its charts takes seconds; reading it again should not. So:

- **The records' version.** ``DataVersion`` (one row) holds a random token. Any save or
  delete of a model of the apps reports read (``SOURCE_APPS``), or a change to a
  many-to-many link between them, puts a new token in that row *in the same
  transaction* (once per transaction): the new token becomes visible exactly when the
  change does, and a change rolled back takes its token with it. A token is never
  reused, so whatever was cached under an old token is never read again. Signing in (which
  saves only ``last_login``) is not a change to the records, and nor is a save of the
  records of those apps that no report reads (``NOT_READ``: a plan's outcomes and
  actions, for one; progress on actions is recorded all day long).
- **The built report** is cached (Django's ``reports`` cache: a database table, shared by
  every app server) under its kind, period, every option it was built with (team, chair,
  and whatever later options ``build_report`` takes), today's date (a period not yet over
  is computed as at today, and lists of what is overdue depend on the day), the records'
  token and a fingerprint of the code. The whole report is cached, not measure by
  measure, so new measures and sections are cached without any change here.
- **Its charts** are cached under a hash of the whole built report, and **a PDF** under a
  hash of the HTML it is made from: the same figures always give the same charts and the
  same HTML the same PDF, so neither can be staler than the report, and a change to
  records a report does not count (another year's) redraws nothing.

The token is read before the report is built. A change committed while a report is being
built gets a new token, so the report stored under the old one is never served after it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from typing import Any, NamedTuple

from django.core.cache import caches
from django.db import connections, models, router
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from simple_history.models import HistoricalChanges

from iro.operations.code import code_fingerprint

# The apps whose records reports are built from (children, their journeys, plans and
# conferences, disputes and feedback, people and teams, and the reports' own inputs
# such as narratives and population figures).
SOURCE_APPS = frozenset({"children", "journey", "challenge", "people", "reports", "narrative"})
# The records of those apps that no report, chart or management list reads: what the
# plan says should happen, the chair's meetings before a conference, and the words a
# search looks through. Saving them (recording progress on an action, many times a day)
# keeps the token, so every kept report stays kept. tests/demo/authority/test_demo_casework.py
# builds every kind of report and the management lists over the demo authority, which
# has all of them, and checks that none of these tables is read.
NOT_READ = frozenset(
    {
        "journey.PlanOutcome",
        "journey.PlanAction",
        "journey.PreMeeting",
        "children.ChildSearchTerm",
        # What was signed off is kept apart from the figures: signing off changes none.
        "reports.SignedOffReport",
    }
)
CACHE_ALIAS = "reports"
TIMEOUT = 60 * 60 * 24  # a day: the key holds the date, so nothing older is ever read
SINGLETON = 1


def _cache():
    return caches[CACHE_ALIAS]


# --- The records' version -----------------------------------------------------------------


def bump(using: str = "default") -> str:
    """Give the records a new token (in the caller's transaction, if any)."""
    from iro.reports.models import DataVersion

    token = uuid.uuid4().hex
    now = timezone.now()
    rows = DataVersion.objects.using(using)
    if not rows.filter(pk=SINGLETON).update(token=token, changed_at=now):
        rows.bulk_create(
            [DataVersion(pk=SINGLETON, token=token, changed_at=now)], ignore_conflicts=True
        )
    return token


def current_token(using: str = "default") -> str:
    """The token of the records as they are now."""
    from iro.reports.models import DataVersion

    connection = connections[using]
    connection._iro_report_token_reads = _reads(connection) + 1
    token = DataVersion.objects.using(using).filter(pk=SINGLETON).values_list("token", flat=True)
    found = token.first()
    if found is None:
        bump(using)
        found = token.first()
    return found


class _Bumped:
    """Registered with ``on_commit`` to say "this transaction has bumped the token since
    the token was last read". A rollback (of the transaction, or of the savepoint it was
    registered in) removes it together with the bump, so the next change bumps again; a
    read of the token in between (a report built mid-transaction) makes it out of date,
    so the next change bumps again too."""

    def __init__(self, reads: int) -> None:
        self.reads = reads

    def __call__(self) -> None:
        pass


def _reads(connection) -> int:
    return getattr(connection, "_iro_report_token_reads", 0)


def _is_source(model) -> bool:
    from iro.reports.models import DataVersion

    if model._meta.app_label not in SOURCE_APPS or model is DataVersion:
        return False
    if model._meta.label in NOT_READ:
        return False
    if issubclass(model, HistoricalChanges):
        return False  # a history row: the save of the record itself is the change
    # Models of a migration's state (data migrations) are not the app's own classes.
    try:
        from django.apps import apps

        return apps.get_model(model._meta.label) is model
    except LookupError:
        return False


def record_changed(sender, using: str | None = None, **kwargs) -> None:
    """Signal receiver: a record reports read was saved, deleted or relinked."""
    if not _is_source(sender):
        return
    if kwargs.get("signal") is m2m_changed and not kwargs.get("action", "").startswith("post_"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in
    using = using or router.db_for_write(sender)
    connection = connections[using]
    if connection.in_atomic_block:
        reads = _reads(connection)
        if any(
            isinstance(func, _Bumped) and func.reads == reads
            for _, func, _ in connection.run_on_commit
        ):
            return  # already bumped in this transaction since the token was read
        bump(using)
        connection.on_commit(_Bumped(reads))
    else:
        bump(using)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(record_changed, dispatch_uid=f"iro-reports-{id(signal)}")


# --- Built reports, charts and PDFs -------------------------------------------------------


def option_key(value: Any) -> str:
    """How an option (a team, a chair, a word) is written in a cache key."""
    if isinstance(value, models.Model):
        return f"{value._meta.label}:{value.pk}"
    return repr(value)


def _key(prefix: str, name: str, period, middle: list[str], *, today, token: str) -> str:
    """A cache key: ``name`` and the period, ``middle``, the day, the records' token and
    the code's fingerprint, hashed."""
    parts = [
        name,
        period.kind,
        period.label,
        period.first_day.isoformat(),
        period.last_day.isoformat(),
        *middle,
        today.isoformat(),
        token,
        code_fingerprint(),
    ]
    return f"{prefix}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def report_key(kind: str, period, options: dict[str, Any], *, today, token: str) -> str:
    options_given = [f"{name}={option_key(value)}" for name, value in sorted(options.items())]
    return _key("report", kind, period, options_given, today=today, token=token)


def reader_key(name: str, user, period, *, today, token: str) -> str:
    """The key of what one reader's page adds to a report (its management lists): the
    records' token, the day, the code, and the reader (their account, role and the access
    setting: which children they see and whether names show). A change to the reader's
    role, team or access list is a change to the records, so it changes the token too."""
    from django.conf import settings

    reader = [
        f"user={user.pk}:{user.role}:{user.is_active}",
        f"access={settings.IRO_CHILD_ACCESS}",
    ]
    return _key("reader", name, period, reader, today=today, token=token)


class Kept(NamedTuple):
    """What ``kept_for_reader`` found or made, and the key it is kept under (the same
    key for the same reader and the same records: what is rendered from it can be kept
    under it too)."""

    value: Any
    key: str


def kept_for_reader(name: str, user, period, *, today, make) -> Kept:
    """``make()``, kept for this reader until the records change (``reader_key``)."""
    key = reader_key(name, user, period, today=today, token=current_token())
    return Kept(_kept_under(key, make), key)


def kept_or_recent_for_everyone(name: str, period, *, today, make, recent_ok: bool = True):
    """``(make(), None)``, kept until the records change or the day does: for what is
    the same for every reader (figures that name no one), under ``name`` and the period.
    With ``recent_ok`` (a page), when it is not kept for the records as they are now,
    ``(the copy made for them a little earlier, when it was made)`` instead, if it is
    at most ``IRO_REPORT_STALE_SECONDS`` old and a worker is keeping reports (it is
    making the new one: ``keeping.keep_reports``), as the report pages are given theirs."""
    key = _key("kept", name, period, [], today=today, token=current_token())
    latest = _key("latest", name, period, [], today=today, token="")
    found = _cache().get(key)
    if found is not None:
        return found, None
    if recent_ok:
        copy = _recent_value(latest)
        if copy is not None:
            return copy[1:]
    made_at = timezone.now()
    found = make()
    _cache().set(key, found, TIMEOUT)
    _cache().set(latest, (key, made_at), TIMEOUT)
    return found, None


def _kept_under(key: str, make):
    found = _cache().get(key)
    if found is None:
        found = make()
        _cache().set(key, found, TIMEOUT)
    return found


def _recent_value(latest: str):
    """``(key, value, made at)`` of the newest copy whose key is kept under ``latest``,
    if it is at most ``IRO_REPORT_STALE_SECONDS`` old while a worker keeps reports;
    else None. A report page's copy (``_recent_copy``) and the headline figures'."""
    from django.conf import settings

    from iro.reports.keeping import keeper_alive

    limit = settings.IRO_REPORT_STALE_SECONDS
    pointer = _cache().get(latest) if limit else None
    if pointer is None:
        return None
    key, made_at = pointer
    if (timezone.now() - made_at).total_seconds() > limit or not keeper_alive():
        return None
    value = _cache().get(key)
    return None if value is None else (key, value, made_at)


def _today():
    from iro.journey.checks import today

    return today()


class ReportBeingPrepared(Exception):
    """A report page asked for a report that is neither kept for the records as they are
    nor kept a little earlier, while a worker is keeping reports: the worker has been
    asked to build it (``iro.reports.keeping.prepare_report``), and the page says so and
    looks again, rather than hold a web worker for the seconds a large service's report
    takes to build."""


def cached_report(kind: str, period, *, recent_ok: bool = False, draw_charts=False, **options):
    """``build_report(kind, period, **options)``, built once per state of the records.

    With ``recent_ok`` (a report page), when it is not built for the records as they are
    now, a copy built for them a little earlier is served instead (``report.figures_at``
    says when) if a worker is keeping reports (``iro.reports.keeping``) and the copy is
    at most ``IRO_REPORT_STALE_SECONDS`` old: the worker is making the new one, so no
    reader waits for it. Otherwise (files, the API, the command line, the worker itself)
    it is built here and now.

    With ``draw_charts`` (the worker), its charts are drawn and kept before the report
    is: a page that finds the report finds its charts too, and never draws them."""
    from iro.reports.builders import build_report

    today = _today()
    key = report_key(kind, period, options, today=today, token=current_token())
    report = _kept(key, kind, period, options, today, recent_ok=recent_ok)
    if report is not None:
        return report
    built_at = timezone.now()
    report = build_report(kind, period, **options)
    if draw_charts:
        cached_charts(replace(report, management=[]))
    _cache().set(key, report, TIMEOUT)
    _cache().set(latest_key(kind, period, options, today=today), (key, built_at), TIMEOUT)
    report.cache_key = key
    return report


def _kept(key: str, kind: str, period, options: dict[str, Any], today, *, recent_ok: bool):
    """The report kept under ``key``, else (``recent_ok``) the copy built a little earlier."""
    report = _cache().get(key)
    if report is not None:
        report.cache_key = key
        return report
    return _recent_copy(kind, period, options, today) if recent_ok else None


def page_options(period, *, team=None, chair=None, edition: str) -> dict[str, Any]:
    """The options the report pages build a report with (``period`` as at today)."""
    return {"team": team, "chair": chair, "as_at": period.last_day, "edition": edition}


# How long a page's request for a report stands before another page may ask again (the
# worker may have been stopped before building it).
PREPARING_SECONDS = 120


def page_report(
    kind: str,
    period,
    *,
    team=None,
    chair=None,
    edition: str,
    recent_ok=False,
    prepare=False,
    draw_charts=False,
):
    """The report as the report pages read it: ``period`` as at today (``as_at_today``),
    read as at its cut day. The worker keeps the same ones ready.

    With ``prepare`` (a page; ``recent_ok`` too), a report neither kept nor kept a little
    earlier is not built in the request when a worker is keeping reports: the worker is
    asked to build it (once, however many readers ask) and ``ReportBeingPrepared`` is
    raised. Without a worker it is built here, as before."""
    from iro.reports.keeping import keeper_alive, prepare_report

    options = page_options(period, team=team, chair=chair, edition=edition)
    if prepare:
        today = _today()
        key = report_key(kind, period, options, today=today, token=current_token())
        report = _kept(key, kind, period, options, today, recent_ok=True)
        if report is not None:
            return report
        if keeper_alive():
            if _cache().add("preparing:" + key, True, PREPARING_SECONDS):
                prepare_report.enqueue(
                    kind,
                    period.label,
                    team.pk if team else None,
                    chair.pk if chair else None,
                    edition,
                )
            report = _kept(key, kind, period, options, today, recent_ok=True)
            if report is None:  # (a backend that runs tasks at once has built it already)
                raise ReportBeingPrepared(kind, period.label)
            return report
    return cached_report(kind, period, recent_ok=recent_ok, draw_charts=draw_charts, **options)


def page_report_ready(kind: str, period, *, team=None, chair=None, edition: str) -> bool:
    """Whether a report page would now show figures (kept, or kept a little earlier)."""
    options = page_options(period, team=team, chair=chair, edition=edition)
    today = _today()
    key = report_key(kind, period, options, today=today, token=current_token())
    return _kept(key, kind, period, options, today, recent_ok=True) is not None


def report_kept(kind: str, period, **options) -> bool:
    """Whether the report is kept for the records as they are now."""
    key = report_key(kind, period, options, today=_today(), token=current_token())
    return _cache().get(key) is not None


def latest_key(kind: str, period, options: dict[str, Any], *, today=None) -> str:
    """Where the key of the newest build of a report is kept (whatever the records'
    token): the report a reader may be given while the worker makes the new one."""
    return "latest:" + report_key(kind, period, options, today=today or _today(), token="")


def _recent_copy(kind: str, period, options: dict[str, Any], today):
    found = _recent_value(latest_key(kind, period, options, today=today))
    if found is None:
        return None
    key, report, built_at = found
    report.cache_key = key
    report.figures_at = built_at
    return report


def charts_key(report) -> str:
    """The key of a report's charts: a hash of everything the built report holds (its
    ``repr``), so the charts are drawn again exactly when some figure changed, and a
    change to records the report does not count (a later year's) keeps them."""
    return "charts:" + hashlib.sha256((code_fingerprint() + repr(report)).encode()).hexdigest()


def cached_charts(report) -> dict:
    """The report's charts, drawn once for the same figures."""
    from iro.reports.charts import charts_for

    key = charts_key(report)
    charts = _cache().get(key)
    if charts is None:
        charts = charts_for(report)
        _cache().set(key, charts, TIMEOUT)
    return charts


def pdf_key(html: str) -> str:
    return "pdf:" + hashlib.sha256((code_fingerprint() + html).encode()).hexdigest()


def cached_pdf(html: str, make) -> bytes:
    """The PDF of ``html`` (``make(html)``), made once for the same HTML."""
    key = pdf_key(html)
    pdf = _cache().get(key)
    if pdf is None:
        pdf = make(html)
        _cache().set(key, pdf, TIMEOUT)
    return pdf
