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

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from iro import timescales
from iro.access import read_log
from iro.access.capabilities import Capability, has_capability
from iro.access.log import log_export
from iro.access.scope import display_name, shows_names
from iro.people.models import Role, Team, User
from iro.reports import drilldown, presentation
from iro.reports.builders import (
    EDITIONS,
    INTERNAL,
    ITEM_LABELS,
    LABELS,
    PUBLISHED,
    PUBLISHED_FOR_A_CHAIR,
    REPORT_KINDS,
    Report,
    build_report,
)
from iro.reports.charts import charts_for
from iro.reports.measures import MEASURES
from iro.reports.renderers import formats

NO_REPORTS = "Your role does not include performance reports."
NO_CHILDREN = (
    "Your role does not include children's records, so the children behind a figure are not shown."
)
UNKNOWN_PERIOD = "There is no such report period."
EXAMPLES = {"annual": "2018-19", "quarterly": "2018-19-Q3", "monthly": "2019-02"}
UNKNOWN_EDITION = "There is no such edition: choose internal or published."
PUBLISHED_ONLY = (
    "Your role sees no names, so it reads the published edition of reports, "
    "which names no chair and no child."
)


def _require_reports(user) -> None:
    if not has_capability(user, Capability.VIEW_REPORTS):
        raise PermissionDenied(NO_REPORTS)


def _period(kind: str, label: str) -> timescales.Period:
    if kind not in REPORT_KINDS:
        raise Http404(UNKNOWN_PERIOD)
    try:
        return timescales.parse_period(kind, label)
    except ValueError as error:
        raise Http404(str(error)) from None


def _edition(request: HttpRequest) -> str:
    """The edition asked for, or the user's default: internal for roles that see names,
    published (the only one they may have) for roles that see none."""
    may_see_internal = shows_names(request.user)
    edition = request.GET.get("edition") or (INTERNAL if may_see_internal else PUBLISHED)
    if edition not in EDITIONS:
        raise Http404(UNKNOWN_EDITION)
    if edition == INTERNAL and not may_see_internal:
        raise PermissionDenied(PUBLISHED_ONLY)
    return edition


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
    """Choose a report: kind, period, team, chair. GET only; the choice is a link."""
    _require_reports(request.user)
    kind = request.GET.get("kind", "")
    label = request.GET.get("period", "").strip()
    error = None
    if kind or label:
        if kind not in REPORT_KINDS:
            error = "Choose annual, quarterly or monthly."
        else:
            try:
                timescales.parse_period(kind, label)
            except ValueError as problem:
                error = str(problem)
            else:
                team, chair = _filters(request)
                url = reverse("report", args=[kind, label]) + _query(team, chair)
                return redirect(url)
    today = timescales.period_containing(timescales.ANNUAL, _today())
    recent_years = [today.previous_year()]
    while len(recent_years) < 4:
        recent_years.append(recent_years[-1].previous_year())
    return render(
        request,
        "reports/index.html",
        {
            "error": error,
            "kind": kind,
            "label": label,
            "examples": EXAMPLES,
            "recent_years": [today, *recent_years],
            "active_nav": "reports",
            **_choices(),
        },
    )


def _today():
    from iro.journey.checks import today

    return today()


def report_page(request: HttpRequest, kind: str, label: str) -> HttpResponse:
    _require_reports(request.user)
    period = _period(kind, label)
    edition = _edition(request)
    team, chair = _filters(request, edition)
    report = build_report(kind, period, team=team, chair=chair, edition=edition)
    return render(request, "reports/report.html", _context(request, report, team, chair))


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
    charts = charts_for(report)
    return {
        "report": report,
        "sections": presentation.laid_out(report, charts),
        "by_team": presentation.breakdown_rows(report.by_team),
        "by_chair": presentation.breakdown_rows(report.by_chair),
        "breakdown_columns": [title for _, title in presentation.BREAKDOWN_COLUMNS],
        "progress": [
            (
                line,
                presentation.target_text(line),
                presentation.figure_text(line, line.actual),
                presentation.figure_text(line, line.baseline),
                presentation.progress_text(line),
            )
            for line in report.progress
        ],
        "targets": [(line, presentation.target_text(line)) for line in report.targets_next_year],
        "downloads": downloads,
        "children_base": base if may_see_children else None,
        "query": query,
        "earlier": _neighbour(report.period, -1),
        "later": _neighbour(report.period, 1),
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
    }


def _neighbour(period: timescales.Period, step: int) -> timescales.Period:
    months = {"annual": 12, "quarterly": 3, "monthly": 1}[period.kind]
    return timescales.period_containing(
        period.kind, timescales.add_months(period.first_day, step * months)
    )


def download(request: HttpRequest, kind: str, label: str, fmt: str) -> HttpResponse:
    """The report as a file: PDF (tagged, PDF/UA-1), XLSX, CSV or JSON."""
    _require_reports(request.user)
    period = _period(kind, label)
    edition = _edition(request)
    team, chair = _filters(request, edition)
    report = build_report(kind, period, team=team, chair=chair, edition=edition)
    content, content_type = formats.render(report, fmt)
    log_export(
        user=request.user,
        what=f"{kind} report {label} ({fmt.upper()})"
        + (", published edition" if edition == PUBLISHED else ""),
        detail={"team": team.name if team else None, "chair": chair.username if chair else None},
    )
    response = HttpResponse(content, content_type=content_type)
    suffix = "-published" if edition == PUBLISHED else ""
    suffix += f"-{team.name}" if team else ""
    suffix += f"-{chair.username}" if chair else ""
    filename = f"iro-{kind}-report-{label}{suffix}.{fmt}".replace(" ", "-").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def children_page(request: HttpRequest, kind: str, label: str, measure: str) -> HttpResponse:
    """The children behind one figure, for users who may see children's records."""
    _require_reports(request.user)
    if not has_capability(request.user, Capability.VIEW_CHILDREN):
        raise PermissionDenied(NO_CHILDREN)
    period = _period(kind, label)
    if measure not in MEASURES:
        raise Http404("There is no such measure.")
    team, chair = _filters(request)
    item = request.GET.get("item", "")
    behind = drilldown.children_behind(request.user, measure, period, team=team, chair=chair)
    rows = [row for row in behind.rows if not item or row.unit.item == item]
    hidden = behind.hidden if not item else None
    read_log.shown(request, pks=[row.child.pk for row in rows])
    return render(
        request,
        "reports/children.html",
        {
            "measure": measure,
            "measure_label": LABELS[measure],
            "item_label": ITEM_LABELS.get(item, item),
            "period": period,
            "kind": kind,
            "rows": [(row, display_name(request.user, row.child)) for row in rows],
            "is_ratio": any(row.unit.counted is not None for row in rows),
            "has_items": any(row.unit.item for row in rows),
            "hidden": hidden,
            "report_url": reverse("report", args=[kind, period.label]) + _query(team, chair),
            "team": team,
            "chair": chair,
            "active_nav": "reports",
        },
    )
