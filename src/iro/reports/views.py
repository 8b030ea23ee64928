"""The report pages: choose a report, read it, download it, see the children behind a figure.

Thin views: every figure comes from ``builders``; children come through
``access.scope`` (in ``drilldown``). Reports need ``VIEW_REPORTS``; the children behind a
figure also need ``VIEW_CHILDREN``. Downloads say so in their name and headers and leave
an access-log row.

Each report page and download is in one edition (``?edition=internal|published``). Roles
that see names get the internal edition unless they choose the published one; roles that
see no names (``access.scope.shows_names``) get the published edition only. The published
edition has no chair filter, no by-chair table and no links to children.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import get_language

from iro import timescales
from iro.access import read_log
from iro.access.capabilities import Capability, has_capability
from iro.access.log import log_export
from iro.access.scope import display_name, shows_names
from iro.narrative.selectors import report_sections
from iro.people.models import Role, Team, User
from iro.reports import drilldown, measures, periods, presentation, sign_off, summary
from iro.reports.builders import (
    ANNUAL,
    INTERNAL,
    ITEM_LABELS,
    LABELS,
    PUBLISHED,
    PUBLISHED_FOR_A_CHAIR,
    REPORT_KINDS,
    Report,
    as_at_today,
    to_date_words,
)
from iro.reports.cache import (
    ReportBeingPrepared,
    cached_charts,
    page_report,
    page_report_ready,
)
from iro.reports.editions import edition_for
from iro.reports.keeping import place_in_queue
from iro.reports.management_lists import COUNTS_ONLY, management_lists
from iro.reports.measures import MEASURES
from iro.reports.models import SignedOffReport
from iro.reports.renderers import formats

NO_REPORTS = "Your role does not include performance reports."
NO_CHILDREN = (
    "Your role does not include children's records, so the children behind a figure are not shown."
)
UNKNOWN_PERIOD = "There is no such report period."
NO_SUCH_ITEM = "This figure has no such item: open it from the table in the report."
EXAMPLES = {"annual": "2018-19", "quarterly": "2018-19-Q3", "monthly": "2019-02"}
ENTER_A_PERIOD = "Enter a period, such as {example}"


def _require_reports(user) -> None:
    if not has_capability(user, Capability.VIEW_REPORTS):
        raise PermissionDenied(NO_REPORTS)


def _period(kind: str, label: str) -> timescales.Period:
    """The period a URL names, read as at today (provisional while it runs). Raises
    PeriodNotBegun for a period not yet begun, Http404 for one that is no period."""
    if kind not in REPORT_KINDS:
        raise Http404(UNKNOWN_PERIOD)
    try:
        period = timescales.parse_period(kind, label)
    except ValueError as error:
        raise Http404(str(error)) from None
    try:
        periods.after_earliest_record(period)  # no record is dated before it: nothing to build
    except ValueError as error:
        raise Http404(str(error)) from None
    return as_at_today(period)


def _not_begun(request: HttpRequest, error: timescales.PeriodNotBegun) -> HttpResponse:
    """A period not yet begun has no report: a page that says so (404, never zeros)."""
    current = timescales.period_containing(error.period.kind, error.day)
    return render(
        request,
        "reports/not_begun.html",
        {
            "period": error.period,
            "as_at": error.day,
            "current": current,
            "active_nav": "reports",
        },
        status=404,
    )


def _edition(request: HttpRequest) -> str:
    return edition_for(request.user, request.GET.get("edition"))


def _filters(request: HttpRequest, edition: str = INTERNAL) -> tuple[Team | None, User | None]:
    """The team (by id) and chair (by username) of the query string; 404 for unknown ones."""
    team = chair = None
    if team_id := request.GET.get("team"):
        team = Team.objects.filter(pk=team_id).first() if team_id.isdigit() else None
        if team is None:
            raise Http404("There is no such team.")
    if username := request.GET.get("chair"):
        if edition == PUBLISHED:
            raise Http404(PUBLISHED_FOR_A_CHAIR)
        chair = User.objects.filter(
            username=username, role__in=[Role.IRO, Role.IRO_MANAGER]
        ).first()
        if chair is None:
            raise Http404("There is no such chair.")
    return team, chair


def _query(team, chair, edition: str | None = None) -> str:
    """The query string of a report's filters and (when not the user's default) edition."""
    params: dict = {}
    if edition is not None:
        params["edition"] = edition
    if team is not None:
        params["team"] = team.pk
    if chair is not None:
        params["chair"] = chair.username
    return f"?{urlencode(params)}" if params else ""


def _choices() -> dict:
    return {
        "teams": Team.objects.order_by("name"),
        "chairs": User.objects.filter(role__in=[Role.IRO, Role.IRO_MANAGER]).order_by(
            "last_name", "first_name", "username"
        ),
    }


def index(request: HttpRequest) -> HttpResponse:
    """Choose a report: from the lists of years, quarters and months with data, or by
    kind, period, team and chair. GET only; the choice is a link."""
    _require_reports(request.user)
    kind = request.GET.get("kind", "")
    label = request.GET.get("period", "").strip()
    error = None
    if kind or label:
        if kind not in REPORT_KINDS:
            error = "Choose annual, quarterly or monthly."
        elif not label:
            error = ENTER_A_PERIOD.format(example=EXAMPLES[kind])
        else:
            try:
                period = as_at_today(periods.typed_period(kind, label))
            except ValueError as problem:  # PeriodNotBegun too
                error = str(problem)
            else:
                team, chair = _filters(request, _edition(request))
                url = reverse("report", args=[period.kind, period.label]) + _query(team, chair)
                return redirect(url)
    return render(
        request,
        "reports/index.html",
        {
            "error": error,
            "kind": kind,
            "label": label,
            # A role that gets only the published edition, which names no chair, is
            # offered no chairs to choose (``_filters.html``).
            "edition": _edition(request),
            "examples": EXAMPLES,
            "active_nav": "reports",
            **_pickers(request.GET.get("year", "")),
            **_choices(),
        },
    )


def _listed(period: timescales.Period) -> tuple[timescales.Period, str | None]:
    """A period to list, with "year to date" or "period to date" while it runs."""
    return period, to_date_words(period) if as_at_today(period).provisional else None


def _pickers(chosen: str) -> dict:
    """The years with data (newest first), and the quarters and months of the chosen year
    (the latest by default) that have begun."""
    today = _today()
    earliest = periods.earliest_record()
    years = periods.years_with_data(today, earliest)
    if not years:
        return {"years": [], "year": None, "quarters": [], "months": []}
    year = next((y for y in years if y.label == chosen), years[0])
    quarters, months = periods.quarters_and_months(year, today, earliest)
    return {
        "years": [_listed(y) for y in years],
        "year": year,
        "quarters": [_listed(q) for q in quarters],
        "months": [_listed(m) for m in months],
    }


def _today():
    from iro.journey.checks import today

    return today()


def _summary(request: HttpRequest, label: str):
    """The annual report summary for ``label`` (published edition: every report reader
    may have it); PeriodNotBegun for a year not yet begun."""
    _require_reports(request.user)
    period = _period(ANNUAL, label)
    return summary.build_summary(period.label, as_at=period.last_day)


def summary_page(request: HttpRequest, label: str) -> HttpResponse:
    """The annual report summary for families and partners, in the page."""
    try:
        found = _summary(request, label)
    except timescales.PeriodNotBegun as error:
        return _not_begun(request, error)
    return render(
        request, "reports/summary.html", {**summary.context(found), "active_nav": "reports"}
    )


def summary_download(request: HttpRequest, label: str, fmt: str) -> HttpResponse:
    """The annual report summary as a tagged A4 PDF, an HTML document or JSON."""
    try:
        found = _summary(request, label)
    except timescales.PeriodNotBegun as error:
        return _not_begun(request, error)
    content, content_type = summary.render(found, fmt)
    log_export(user=request.user, what=f"annual report summary {label} ({fmt.upper()})")
    response = HttpResponse(content, content_type=content_type)
    filename = f"iro-annual-report-summary-{found.year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The management lists' rows a report page shows (a large service's list of conferences
# due holds thousands); the spreadsheet, CSV and PDF hold every row.
LIST_ROWS_SHOWN = 100


def report_page(request: HttpRequest, kind: str, label: str) -> HttpResponse:
    _require_reports(request.user)
    try:
        period = _period(kind, label)
    except timescales.PeriodNotBegun as error:
        return _not_begun(request, error)
    edition = _edition(request)
    team, chair = _filters(request, edition)
    if "ready" in request.GET:  # the waiting page asking whether to look again
        ready = page_report_ready(kind, period, team=team, chair=chair, edition=edition)
        read_log.shown(request, pks=[])  # it names no child
        place = None if ready else _place(kind, period, team, chair, edition)
        return JsonResponse({"ready": ready, "place": place.words() if place else ""})
    try:
        report = _with_lists(request.user, _report(kind, period, team, chair, edition))
    except ReportBeingPrepared:
        return _being_prepared(request, kind, period, team, chair, edition)
    # A page shows the first rows of each list, and has read only their children; the
    # files hold them all.
    shorter = [replace(lst, limit=LIST_ROWS_SHOWN) for lst in report.management]
    report = replace(report, management=shorter)
    if report.figures_at is not None:
        # A copy made a little earlier, while the worker makes the new figures: its words
        # are read now (they are not figures), so words just saved show at once.
        report = replace(report, narrative=report_sections(report.kind, report.period.label))
    read_log.shown(request, pks=_children_listed(report))
    return render(request, "reports/report.html", _context(request, report, team, chair))


def _report(kind: str, period, team, chair, edition: str, *, recent_ok=True) -> Report:
    """The report as kept until the records change, read as at the period's cut day. A
    page may show a copy a little older while the worker makes the new one (it says so),
    or, with none, say the worker is making it (``ReportBeingPrepared``); a file never
    does either."""
    return page_report(
        kind,
        period,
        team=team,
        chair=chair,
        edition=edition,
        recent_ok=recent_ok,
        prepare=recent_ok,
    )


KIND_TITLES = {
    "annual": "Annual report",
    "quarterly": "Quarterly report",
    "monthly": "Monthly report",
}


def _place(kind: str, period, team, chair, edition: str):
    """Where the worker's build of the report stands (``keeping.Place``), or None."""
    return place_in_queue(
        kind, period.label, team.pk if team else None, chair.pk if chair else None, edition
    )


def _being_prepared(request: HttpRequest, kind: str, period, team, chair, edition) -> HttpResponse:
    """The page a reader sees while the worker builds the report they asked for: what it
    is, that it comes by itself, and a link to look again. 202: accepted, not yet made."""
    read_log.shown(request, pks=[])  # it names no child
    chosen = edition if request.GET.get("edition") else None
    url = reverse("report", args=[kind, period.label]) + _query(team, chair, chosen)
    return render(
        request,
        "reports/preparing.html",
        {
            "title": f"{KIND_TITLES[kind]} {period.name}",
            "period": period,
            "team": team,
            "chair": chair,
            "url": url,
            "poll_url": url + ("&" if "?" in url else "?") + "ready",
            "place": _place(kind, period, team, chair, edition),
            "active_nav": "reports",
        },
        status=202,
    )


def _with_lists(user, report: Report) -> Report:
    """The cached report with this reader's management lists (monthly and quarterly);
    none in the published edition, whose readers see no names (IRO loads name chairs)."""
    if report.published:
        return report
    lists = management_lists(
        user, report.period, day=_today(), team=report.team, chair=report.chair
    )
    return replace(report, management=lists) if lists else report


def _children_listed(report: Report) -> list[int]:
    return [pk for lst in report.management for pk in lst.shown_child_ids]


def _context(request: HttpRequest, report: Report, team, chair) -> dict:
    chosen = report.edition if request.GET.get("edition") else None
    query = _query(team, chair, chosen)
    base = reverse("report", args=[report.kind, report.period.label])
    may_choose = shows_names(request.user)
    downloads = [
        (
            fmt.upper(),
            reverse("report_download", args=[report.kind, report.period.label, fmt])
            + _query(team, chair, report.edition),
        )
        for fmt in ("pdf", "xlsx", "csv", "json")
    ]
    may_see_children = has_capability(request.user, Capability.VIEW_CHILDREN)
    may_see_children = may_see_children and not report.published
    children_base = base if may_see_children else None
    later = _neighbour(report.period, 1)
    # The body (contents, sections, charts, breakdowns, action plan) and the definitions
    # are kept rendered under the report's own key with all that shapes them for a
    # reader: the links to the children (role, team, chair), the language and whether
    # the reader has management lists. What they are made from is worked out only when
    # they are rendered (``SimpleLazyObject``).
    body_key = report.cache_key and "\x1f".join(
        map(
            str,
            (
                report.cache_key,
                children_base,
                query,
                get_language(),
                bool(report.management),
                # The words, which a copy made a little earlier reads anew.
                hashlib.sha256(repr(report.narrative).encode()).hexdigest(),
            ),
        )
    )
    # The reader's management lists are kept rendered under the key of what they were
    # made from (the reader, the records, the day) with the links and language.
    made_from = {lst.kept_as for lst in report.management}
    lists_key = (
        "\x1f".join((made_from.pop(), query, get_language(), str(LIST_ROWS_SHOWN)))
        if len(made_from) == 1 and "" not in made_from
        else ""
    )
    earlier, earliest = _neighbour(report.period, -1), periods.earliest_record()
    return {
        "counts_only": None if shows_names(request.user) else COUNTS_ONLY,
        "report": report,
        "body_key": body_key,
        "lists_key": lists_key,
        "sections": SimpleLazyObject(
            lambda: presentation.laid_out(report, cached_charts(replace(report, management=[])))
        ),
        "by_team": SimpleLazyObject(lambda: presentation.breakdown_rows(report.by_team)),
        "by_chair": SimpleLazyObject(lambda: presentation.breakdown_rows(report.by_chair)),
        "breakdown_columns": [title for _, title in presentation.BREAKDOWN_COLUMNS],
        "progress": SimpleLazyObject(lambda: presentation.progress_rows(report)),
        "targets": SimpleLazyObject(lambda: presentation.target_rows(report)),
        "downloads": downloads,
        "download_links": dict(downloads),  # by format, for the lists' "all of them" links
        "children_base": children_base,
        "query": query,
        # No link to a period before the records begin: it would be all noughts.
        "earlier": earlier if earliest is not None and earlier.last_day >= earliest else None,
        "records_begin": earliest,
        "before_records": earliest is None or report.period.last_day < earliest,
        # No link to a period not yet begun: it has no report.
        "later": later if later.first_day <= report.as_at else None,
        "active_nav": "reports",
        **_choices(),
        "team": team,
        "chair": chair,
        "edition": report.edition,
        "chosen_edition": chosen or "",
        "editions": (
            [
                (INTERNAL, "Internal", base + _query(team, chair, INTERNAL)),
                (PUBLISHED, "Published", base + _query(team, None, PUBLISHED)),
            ]
            if may_choose
            else []
        ),
        **presentation.words_and_definitions(report),
        "may_write": has_capability(request.user, Capability.WRITE_REPORT_NARRATIVE),
        **_signed_off(request.user, report),
    }


def _signed_off(user, report: Report) -> dict:
    """The report's standing sign-off, its files, whether the records changed since, and
    who signed it (by role for a reader who sees no names: the signer may chair too)."""
    signed = sign_off.standing(report.kind, report.period.label)
    if signed is None:
        return {
            "signed_off": None,
            "may_sign_off": sign_off.is_over(report.period),
        }
    return {
        "signed_off": signed,
        "signed_off_by": str(signed.signed_by)
        if shows_names(user)
        else signed.signed_by.get_role_display(),
        "signed_off_changed": sign_off.figures_changed(signed, report),
        "signed_off_files": [
            (
                fmt.upper(),
                reverse("report_signed_off_download", args=[report.kind, report.period.label, fmt]),
            )
            for fmt in SignedOffReport.FORMATS
        ],
    }


def _neighbour(period: timescales.Period, step: int) -> timescales.Period:
    months = {"annual": 12, "quarterly": 3, "monthly": 1}[period.kind]
    return timescales.period_containing(
        period.kind, timescales.add_months(period.first_day, step * months)
    )


def download(request: HttpRequest, kind: str, label: str, fmt: str) -> HttpResponse:
    """The report as a file: PDF (tagged, PDF/UA-1), XLSX, CSV or JSON."""
    _require_reports(request.user)
    try:
        period = _period(kind, label)
    except timescales.PeriodNotBegun as error:
        return _not_begun(request, error)
    edition = _edition(request)
    team, chair = _filters(request, edition)
    report = _report(kind, period, team, chair, edition, recent_ok=False)
    report = _with_lists(request.user, report)
    content, content_type = formats.render(report, fmt)
    log_export(
        user=request.user,
        what=f"{kind} report {label} ({fmt.upper()})"
        + (", published edition" if edition == PUBLISHED else ""),
        children=_children_listed(report),
        detail={"team": team.name if team else None, "chair": chair.username if chair else None},
    )
    response = HttpResponse(content, content_type=content_type)
    suffix = "-published" if edition == PUBLISHED else ""
    suffix += f"-{team.name}" if team else ""
    suffix += f"-{chair.username}" if chair else ""
    if period.provisional:  # figures to a day: files downloaded on two days differ
        suffix += f"-to-{period.last_day:%Y-%m-%d}"
    filename = f"iro-{kind}-report-{label}{suffix}.{fmt}".replace(" ", "-").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The children behind a figure, a page at a time (a national review measure has tens of
# thousands).
CHILDREN_PER_PAGE = 200


def _divided_by(measure: str, period, chair) -> str:
    """For a figure that is its children divided by something else, what it is divided
    by: the rows are the children, the figure is not their number."""
    if measure == "iro_caseload_per_fte_at_period_end":
        fte = measures.fte_at(period.last_day, None if chair is None else [chair.pk])
        return (
            f"The figure is these children divided by {fte.normalize():f} full-time IROs on "
            f"{period.last_day:%-d %B %Y} (from the IROs' hours recorded)."
        )
    if measure == "children_on_plan_at_period_end_per_10000":
        children = measures.population(period)
        if children:
            return (
                f"The figure is these children for every 10,000 of the {children:,} children "
                "living in the area (the population recorded for the year)."
            )
    return ""


def children_page(request: HttpRequest, kind: str, label: str, measure: str) -> HttpResponse:
    """The children behind one figure, for users who may see children's records."""
    _require_reports(request.user)
    if not has_capability(request.user, Capability.VIEW_CHILDREN):
        raise PermissionDenied(NO_CHILDREN)
    try:
        period = _period(kind, label)
    except timescales.PeriodNotBegun as error:
        return _not_begun(request, error)
    if measure not in MEASURES:
        raise Http404("There is no such measure.")
    # A reader who sees no names reads the published edition: no chair's figures either.
    team, chair = _filters(request, edition_for(request.user, None))
    item = request.GET.get("item", "")
    behind = drilldown.children_behind(request.user, measure, period, team=team, chair=chair)
    units = [unit for unit in behind.units if not item or unit.item == item]
    if item and not units and item not in ITEM_LABELS:  # no breakdown has it: a typo
        raise Http404(NO_SUCH_ITEM)
    hidden = behind.hidden if not item else None
    # Only the page's children are read (a national review measure has tens of thousands).
    page = Paginator(drilldown.RowsOf(request.user, units), CHILDREN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    read_log.shown(request, pks=[row.child.pk for row in page.object_list])

    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return "?" + query.urlencode()

    return render(
        request,
        "reports/children.html",
        {
            "measure": measure,
            "measure_label": LABELS[measure],
            "item_label": ITEM_LABELS.get(item, item),
            "period": period,
            "kind": kind,
            "count": len(units),
            "children": len({unit.child_id for unit in units}),
            "page": page,
            "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
            "next_url": page_url(page.next_page_number()) if page.has_next() else "",
            "rows": [(row, display_name(request.user, row.child)) for row in page.object_list],
            "is_ratio": any(unit.counted is not None for unit in units),
            "has_items": any(unit.item for unit in units),
            "hidden": hidden,
            "divided_by": _divided_by(measure, period, chair),
            "report_url": reverse("report", args=[kind, period.label]) + _query(team, chair),
            "team": team,
            "chair": chair,
            "active_nav": "reports",
        },
    )
