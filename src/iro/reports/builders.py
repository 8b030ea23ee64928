"""Reports built from the measures: annual, quarterly and monthly.

A report holds the measures for its period and, under ``previous``, for the same period a
year earlier, optionally for one team or chair. Its JSON is the shape of metrics.md
(``report``, ``period``, ``measures``, ``previous``); what the contract does not define
goes under ``filters`` (only when a team or chair is chosen) and ``sections``:

- every report: ``edition``, ``narrative`` (the report's words), ``definitions`` (each
  measure in plain words), ``trend`` (chosen measures for each of the 12 months up to the
  period's end);
- the annual report also: ``by_team`` and ``by_chair`` (measures per team and chair; no
  ``by_chair`` in the published edition),
  ``quotes`` (feedback whose giver agreed to be quoted) and ``action_plan`` (next year's
  targets, and this year's progress against the targets set for it).

Every report comes in one of two editions (``EDITIONS``): the **internal** edition keeps
the chairs' names (the by-chair table, a chair's filter) and is the one whose pages link
figures to the children behind them; the **published** edition, for the public website and
the roles that see no names, has no by-chair table, cannot be for one chair, and its
renderers draw no link to children. Both carry the report's words (``narrative``, written by
the IRO service manager, names screened out) and the definitions appendix
(``definitions``). The edition is a parameter of building, so a cache can key on it.

A report is read-only and costs a fixed number of queries whatever the number of
children: each measure is one or two queries, breakdowns are grouped in the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from iro import timescales
from iro.challenge.models import Respondent, TargetMeasure
from iro.challenge.selectors import quotable_feedback, targets_for_year
from iro.children.models import Child
from iro.journey.models import ConferenceChild
from iro.journey.selectors import known_names_by_child
from iro.names import screen
from iro.narrative.selectors import report_sections
from iro.people.models import Team, User
from iro.reports import definitions, measures
from iro.reports.measures import Ratio
from iro.timescales import ANNUAL, MONTHLY, QUARTERLY, Period

REPORT_KINDS = (ANNUAL, QUARTERLY, MONTHLY)

INTERNAL = "internal"
PUBLISHED = "published"
EDITIONS = (INTERNAL, PUBLISHED)
UNKNOWN_EDITION = 'Edition "{edition}" is not one of internal, published'
PUBLISHED_FOR_A_CHAIR = (
    "The published edition names no chair, so it cannot be for one chair: "
    "choose the whole service or a team."
)

# Measures shown month by month (the trend charts), all months in a few queries.
TREND_KEYS = measures.SERIES_KEYS
TREND_MONTHS = 12

# The measures' names as people read them (headings, tables, charts).
LABELS: dict[str, str] = {
    "children_on_plan_during_period": "Children subject to a plan during the period",
    "children_on_plan_at_period_end": "Children subject to a plan at the period end",
    "plans_started": "Plans started",
    "plans_ended": "Plans ended",
    "plans_started_second_or_subsequent": "Plans that were a second or later plan",
    "plans_at_period_end_by_latest_category": "Children on a plan at the end, by category",
    "plans_ended_by_duration": "Plans ended, by how long they lasted",
    "icpc_within_15_working_days": "Initial conferences within 15 working days",
    "reviews_on_time": "Children whose reviews were all on time",
    "review_conferences_in_timescale": "Review conferences in timescale",
    "children_with_dispute_raised": "Children with a dispute raised",
    "disputes_raised": "Disputes raised",
    "dispute_reasons": "Disputes by reason",
    "dispute_resolution_stage": "Disputes resolved, by stage",
    "multi_agency_challenges_raised": "Multi-agency challenges raised",
    "conferences_held": "Child conferences held",
    "child_attended": "The child attended",
    "child_views_represented": "The child's views were represented",
    "advocate_involved": "An advocate was involved",
    "pre_meetings_held": "The chair met the child and parents beforehand",
}

ITEM_LABELS: dict[str, str] = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "EMO": "Emotional abuse",
    "SAB": "Sexual abuse",
    "MUL": "Multiple",
    "under_3_months": "Under 3 months",
    "3_to_6_months": "3 to 6 months",
    "6_to_12_months": "6 to 12 months",
    "1_to_2_years": "1 to 2 years",
    "2_years_and_over": "2 years and over",
    "assessment": "Quality or delay in assessments",
    "planning": "Planning",
    "practice": "Practice",
    "progress": "Progress",
    "informal": "Informal challenge",
    "stage_2": "Stage 2",
    "stage_3": "Stage 3",
    "stage_4": "Stage 4",
    "stage_5_to_8": "Stages 5 to 8",
}

NO_TEAM = "No team recorded"
NO_CHAIR = "No conference yet"


def period_json(period: Period) -> dict:
    return {
        "label": period.label,
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
    }


def _number(value) -> float | int | None:
    """A measure's headline number: the count, or a ratio's percent."""
    if isinstance(value, Ratio):
        return None if value.percent is None else float(value.percent)
    if isinstance(value, int):
        return value
    return None


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str
    received_on: date


@dataclass(frozen=True)
class TargetLine:
    """One measure's target: what was set, and (for this year's) how the year went."""

    measure: str
    label: str
    direction: str
    value: Decimal
    action: str
    actual: float | int | None = None  # this year's figure (a percent for a ratio)
    baseline: float | int | None = None  # last year's figure
    met: bool | None = None

    def as_json(self) -> dict:
        data = {
            "measure": self.measure,
            "label": self.label,
            "direction": self.direction,
            "target": float(self.value),
            "action": self.action,
        }
        if self.actual is not None or self.met is not None or self.baseline is not None:
            data |= {"actual": self.actual, "previous": self.baseline, "met": self.met}
        return data


@dataclass
class Report:
    """A built report: figures only, ready for any renderer."""

    kind: str
    period: Period
    previous_period: Period
    measures: dict[str, Any]
    previous: dict[str, Any]
    team: Team | None = None
    chair: User | None = None
    trend: list[tuple[Period, dict[str, Any]]] = field(default_factory=list)
    by_team: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    by_chair: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    next_year: str | None = None
    targets_next_year: list[TargetLine] = field(default_factory=list)
    progress: list[TargetLine] = field(default_factory=list)
    edition: str = INTERNAL
    # The report's words: (field, title, text) per written section, names screened out.
    narrative: list[tuple[str, str, str]] = field(default_factory=list)
    # The definitions appendix: (key, definition) per measure of the report.
    definitions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.edition == PUBLISHED

    def words(self, section: str) -> str:
        """The text of one section of the report's words ("" when not written)."""
        return next((text for f, _, text in self.narrative if f == section), "")

    @property
    def title(self) -> str:
        kind = {ANNUAL: "Annual report", QUARTERLY: "Quarterly report", MONTHLY: "Monthly report"}
        return f"{kind[self.kind]} {self.period.label}"

    @property
    def scope(self) -> str:
        """Who the figures cover, in words."""
        parts = []
        if self.team is not None:
            parts.append(f"team {self.team.name}")
        if self.chair is not None:
            parts.append(f"chair {self.chair.get_full_name() or self.chair.username}")
        return ", ".join(parts) if parts else "the whole service"

    def as_json(self) -> dict:
        data: dict[str, Any] = {
            "report": self.kind,
            "period": period_json(self.period),
            "measures": {k: measures.as_json(v) for k, v in self.measures.items()},
            "previous": {
                "period": period_json(self.previous_period),
                "measures": {k: measures.as_json(v) for k, v in self.previous.items()},
            },
        }
        if self.team is not None or self.chair is not None:
            data["filters"] = {
                "team": self.team.name if self.team else None,
                "chair": self.chair.username if self.chair else None,
            }
        sections: dict[str, Any] = {
            "edition": self.edition,
            "trend": [
                {
                    "period": period_json(p),
                    "measures": {k: measures.as_json(v) for k, v in m.items()},
                }
                for p, m in self.trend
            ],
        }
        if self.kind == ANNUAL:
            sections["by_team"] = [
                {"team": name, "measures": {k: measures.as_json(v) for k, v in m.items()}}
                for name, m in self.by_team
            ]
            if not self.published:
                sections["by_chair"] = [
                    {"chair": name, "measures": {k: measures.as_json(v) for k, v in m.items()}}
                    for name, m in self.by_chair
                ]
            sections["quotes"] = [
                {
                    "text": q.text,
                    "attribution": q.attribution,
                    "received_on": q.received_on.isoformat(),
                }
                for q in self.quotes
            ]
            sections["action_plan"] = {
                "next_year": self.next_year,
                "targets": [t.as_json() for t in self.targets_next_year],
                "progress": [t.as_json() for t in self.progress],
            }
        sections["narrative"] = [
            {"section": f, "title": title, "text": text} for f, title, text in self.narrative
        ]
        sections["definitions"] = [
            {"measure": key, "label": LABELS.get(key, key), "definition": text}
            for key, text in self.definitions
        ]
        data["sections"] = sections
        return data


def trend_months(period: Period) -> list[Period]:
    """The 12 months up to and including the month of the period's last day, in order."""
    months = [timescales.period_containing(MONTHLY, period.last_day)]
    while len(months) < TREND_MONTHS:
        earlier = timescales.add_months(months[-1].first_day, -1)
        months.append(timescales.period_containing(MONTHLY, earlier))
    return list(reversed(months))


def _trend(period: Period, team, chair) -> list[tuple[Period, dict]]:
    months = trend_months(period)
    return list(zip(months, measures.monthly_series(months, team=team, chair=chair), strict=True))


def _named_groups(grouped: dict, names: dict, none_label: str) -> list[tuple[str, dict]]:
    rows = [
        (names.get(g, none_label) if g is not None else none_label, m) for g, m in grouped.items()
    ]
    return sorted(rows, key=lambda row: (row[0] == none_label, row[0].lower()))


def _quotes(period: Period, team, chair) -> list[Quote]:
    """Quotable feedback, with every name recorded around the conference's children
    screened out (``iro.names``): a report is read by roles that see no names and may
    be published, so a quote never names a child or their family."""
    feedback = quotable_feedback(period.first_day, period.last_day)
    if chair is not None:
        feedback = feedback.filter(conference__chair=chair)
    if team is not None:
        feedback = feedback.filter(conference__children__child__team=team).distinct()
    feedback = list(
        feedback.only("conference_id", "respondent", "attribution", "text", "received_on")
    )
    rows = ConferenceChild.objects.filter(
        conference_id__in={f.conference_id for f in feedback}
    ).select_related("child")
    children_of: dict[int, list[Child]] = defaultdict(list)
    for row in rows:
        children_of[row.conference_id].append(row.child)
    names = known_names_by_child({c for found in children_of.values() for c in found})

    def around(f) -> frozenset[str]:
        return frozenset().union(*(names[c.pk] for c in children_of[f.conference_id]))

    return [
        Quote(
            screen(f.text, around(f)),
            screen(f.attribution, around(f)) or Respondent(f.respondent).label,
            f.received_on,
        )
        for f in feedback
    ]


def _target_lines(
    year: str, current: dict | None, previous: dict | None, *, targets: dict | None = None
) -> list[TargetLine]:
    targets = targets_for_year(year) if targets is None else targets
    lines = []
    for key in TargetMeasure.values:
        target = targets.get(key)
        if target is None:
            continue
        actual = _number(current[key]) if current is not None else None
        baseline = _number(previous[key]) if previous is not None else None
        lines.append(
            TargetLine(
                measure=key,
                label=LABELS[key],
                direction=target.direction,
                value=target.value,
                action=target.action,
                actual=actual,
                baseline=baseline,
                met=target.is_met_by(actual) if current is not None else None,
            )
        )
    return lines


def build_report(
    kind: str, period: Period, *, team=None, chair=None, edition: str = INTERNAL
) -> Report:
    """The report of ``kind`` for ``period`` (a Period of that kind), this period beside the
    same period a year earlier, for the whole service or one team or chair, in ``edition``
    (``EDITIONS``; the published edition cannot be for one chair)."""
    if kind not in REPORT_KINDS:
        raise ValueError(timescales.UNKNOWN_PERIOD_KIND.format(kind=kind))
    if period.kind != kind:
        raise ValueError(f"A {kind} report cannot be for the {period.kind} period {period.label}")
    if edition not in EDITIONS:
        raise ValueError(UNKNOWN_EDITION.format(edition=edition))
    if edition == PUBLISHED and chair is not None:
        raise ValueError(PUBLISHED_FOR_A_CHAIR)
    with measures.one_report():
        report = _build(kind, period, team, chair, edition)
    report.narrative = report_sections(kind, period.label)
    report.definitions = definitions.for_measures(report.measures)
    return report


def _build(kind: str, period: Period, team, chair, edition: str = INTERNAL) -> Report:
    previous_period = period.previous_year()
    report = Report(
        kind=kind,
        period=period,
        previous_period=previous_period,
        measures=measures.compute_all(period, team=team, chair=chair),
        previous=measures.compute_all(previous_period, team=team, chair=chair),
        team=team,
        chair=chair,
        trend=_trend(period, team, chair),
        edition=edition,
    )
    if kind == ANNUAL:
        _add_annual_sections(report)
    return report


def _add_annual_sections(report: Report) -> None:
    period, team, chair = report.period, report.team, report.chair
    by_team = measures.measures_by(period, measures.TEAM, team=team, chair=chair)
    # The published edition names no chair: the by-chair figures are not even computed.
    by_chair = (
        {}
        if report.published
        else measures.measures_by(period, measures.CHAIR, team=team, chair=chair)
    )
    team_names = dict(
        Team.objects.filter(pk__in=[g for g in by_team if g]).values_list("pk", "name")
    )
    chair_names = {
        u.pk: u.get_full_name() or u.username
        for u in User.objects.filter(pk__in=[g for g in by_chair if g])
    }
    report.by_team = _named_groups(by_team, team_names, NO_TEAM)
    report.by_chair = _named_groups(by_chair, chair_names, NO_CHAIR)
    report.quotes = _quotes(period, team, chair)
    next_year = timescales.period_containing(ANNUAL, timescales.add_months(period.first_day, 12))
    report.next_year = next_year.label
    report.targets_next_year = _target_lines(next_year.label, None, None)
    report.progress = _target_lines(period.label, report.measures, report.previous)


def annual_report(label: str, **filters) -> Report:
    return build_report(ANNUAL, timescales.parse_period(ANNUAL, label), **filters)


def quarterly_report(label: str, **filters) -> Report:
    return build_report(QUARTERLY, timescales.parse_period(QUARTERLY, label), **filters)


def monthly_report(label: str, **filters) -> Report:
    return build_report(MONTHLY, timescales.parse_period(MONTHLY, label), **filters)


def targets_with_position(year: str, *, day: date) -> list[TargetLine]:
    """The targets set for reporting ``year`` with the year's figure so far: each target's
    measure (the report's own function) over the year from 1 April to ``day`` (the whole
    year once it is over; no figure for a year not yet begun). ``met`` says whether the
    figure so far meets the target. One measure computed per target set."""
    period = timescales.parse_period(ANNUAL, year)
    if day < period.first_day:
        return _target_lines(year, None, None)
    so_far = Period(ANNUAL, period.label, period.first_day, min(day, period.last_day))
    targets = targets_for_year(year)
    with measures.one_report():
        current = {key: measures.MEASURES[key](so_far) for key in targets}
    return _target_lines(year, current, None, targets=targets)
