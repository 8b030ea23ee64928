"""Reports built from the measures: annual, quarterly and monthly.

A report holds the measures for its period and, under ``previous``, for the same period a
year earlier, optionally for one team or chair. Its JSON is the shape of metrics.md
(``report``, ``period``, ``measures``, ``previous``); what the contract does not define
goes under ``filters`` (only when a team or chair is chosen) and ``sections``:

- every report: ``edition``, ``narrative`` (the report's words), ``definitions`` (each
  measure in plain words), ``trend`` (chosen measures for each of the 12 months up to the
  period's end), ``feedback`` (the feedback's average rating per question and its
  themes, this period and the period a year earlier: ``measures.feedback_figures``);
- the annual report also: ``by_team`` and ``by_chair`` (measures per team and chair; no
  ``by_chair`` in the published edition),
  ``quotes`` (the quotes the IRO service manager approved and featured for the year:
  the approved wording, attributed by role, never the raw comment, never twice) and
  ``action_plan`` (next year's targets, and this year's progress against the targets set
  for it).

A period not yet over is **provisional**: the report reads it as at today (the as-at
date), so every measure, breakdown, trend month and drill-down takes the as-at date as the
period's last day (``timescales.Period.as_at``), the comparison is the same span a year
earlier, and targets are "on track" or "not on track". A period not yet begun has no
report (``timescales.PeriodNotBegun``).

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
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from iro import timescales
from iro.access.known_names import Lookup
from iro.challenge.models import (
    ATTRIBUTION,
    RATING_QUESTIONS,
    Comparison,
    ComparisonArea,
    ComparisonMeasure,
    Respondent,
    TargetMeasure,
    Theme,
)
from iro.challenge.selectors import featured_quotes, targets_for_year
from iro.children.models import Child
from iro.journey.models import ConferenceChild
from iro.journey.selectors import known_names_by_child
from iro.names import screen, screen_for_reader
from iro.narrative.selectors import known_in, report_sections, screened
from iro.people.models import Team, User
from iro.reports import definitions, measures
from iro.reports.measures import Ratio
from iro.timescales import ANNUAL, MONTHLY, QUARTERLY, Period, PeriodNotBegun, long_date

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
    "initial_conferences_held": "Initial conferences held (children)",
    "review_conferences_held": "Review conferences held (children)",
    "icpc_leading_to_plan": "Initial conferences that led to a plan",
    "late_icpc_reasons": "Late initial conferences, by reason",
    "late_review_reasons": "Late review conferences, by reason",
    "plans_open_two_years_or_more_at_period_end": (
        "Children on a plan for two years or more at the period end"
    ),
    "plans_started_within_two_years_of_previous": (
        "Plans started within two years of a previous plan ending"
    ),
    "children_on_plan_at_period_end_per_10000": (
        "Children on a plan at the period end, per 10,000 children"
    ),
    "children_on_plan_at_period_end_by_age": "Children on a plan at the end, by age",
    "children_on_plan_at_period_end_by_sex": "Children on a plan at the end, by sex",
    "children_on_plan_at_period_end_by_ethnicity": (
        "Children on a plan at the end, by ethnic group"
    ),
    "children_on_plan_at_period_end_with_disability": (
        "Children on a plan at the end with a disability"
    ),
    "participation_units": "Child conferences held where the child was 5 or over",
    "dispute_stage_responses_in_time": "Responses to a dispute stage received in time",
    "dispute_outcomes": "Disputes resolved, by outcome",
    "multi_agency_challenge_outcomes": "Multi-agency challenges closed, by outcome",
    "iro_caseload_per_fte_at_period_end": (
        "Children on a plan per full-time IRO at the period end"
    ),
    "feedback_received": "Feedback received, by who gave it",
}

# The feedback section's rows: the rating questions as asked, and the themes.
RATING_LABELS: dict[str, str] = dict(RATING_QUESTIONS)
THEME_LABELS: dict[str, str] = dict(Theme.choices)

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
    # feedback_received's keys
    "child": "Child or young person",
    "parent_or_carer": "Parent or carer",
    "professional": "Professional",
    "other": "Other",
    "interpreter": "Interpreter availability",
    "child_preparing": "Child wishes to attend and needs time to prepare",
    "unavailable": "Family or professional unavailable",
    "reports_not_ready": "Reports not ready",
    "transfer": "Transfer from another authority",
    "not_recorded": "Not recorded",
    "unborn": "Unborn",
    "under_1": "Under 1",
    "1_to_4": "1 to 4",
    "5_to_9": "5 to 9",
    "10_to_15": "10 to 15",
    "16_and_over": "16 and over",
    "male": "Male",
    "female": "Female",
    "unknown": "Not known",
    "white": "White",
    "mixed": "Mixed or multiple",
    "asian": "Asian or Asian British",
    "black": "Black or Black British",
    "not_known": "Not known (refused or not obtained)",
    "concern_addressed": "Concern addressed",
    "partly_addressed": "Concern partly addressed",
    "not_addressed": "Concern not addressed",
    "withdrawn": "Withdrawn",
    "upheld": "Upheld",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
}

NO_TEAM = "No team recorded"
NO_CHAIR = "No conference yet"


def as_at_today(period: Period) -> Period:
    """``period`` read as at today: provisional while it runs. Raises PeriodNotBegun."""
    return period.as_at(timezone.localdate())


def to_date_words(period: Period) -> str:
    """What a provisional period's figures cover: "year to date" or "period to date"."""
    return "year to date" if period.kind == ANNUAL else "period to date"


def provisional_words(period: Period) -> str | None:
    """What every format says of a provisional period, None for a completed one."""
    if not period.provisional:
        return None
    return f"Provisional: {to_date_words(period)}, as at {long_date(period.last_day)}"


def period_json(period: Period) -> dict:
    """The period's label and its own first and last days (for a provisional period, its
    last day, not the as-at date; ``as_at`` says that)."""
    whole = period.whole
    return {
        "label": whole.label,
        "first_day": whole.first_day.isoformat(),
        "last_day": whole.last_day.isoformat(),
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
    # The figure is for a period not yet over: ``met`` then says "on track", not "met".
    provisional: bool = False

    @property
    def verdict(self) -> str | None:
        """ "Met" or "Not met" for a completed year, "On track" or "Not on track" for one
        not yet over; None without a figure."""
        if self.met is None:
            return None
        if self.provisional:
            return "On track" if self.met else "Not on track"
        return "Met" if self.met else "Not met"

    def as_json(self) -> dict:
        data = {
            "measure": self.measure,
            "label": self.label,
            "direction": self.direction,
            "target": float(self.value),
            "action": self.action,
        }
        if self.actual is not None or self.met is not None or self.baseline is not None:
            data |= {"actual": self.actual, "previous": self.baseline}
            data |= {"on_track": self.met} if self.provisional else {"met": self.met}
        return data


@dataclass(frozen=True)
class ComparisonRow:
    """Another area's published figure for one measure, this year and the year before,
    each with its source: shown beside ours, never mixed into our measures."""

    area: str
    this: Decimal | None
    previous: Decimal | None
    this_source: str = ""
    previous_source: str = ""

    @property
    def label(self) -> str:
        sources = [s for s in (self.this_source, self.previous_source) if s]
        named = "; ".join(dict.fromkeys(sources))
        area = ComparisonArea(self.area).label
        return f"{area} (source: {named})" if named else area


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
    feedback: dict[str, Any] = field(default_factory=dict)
    previous_feedback: dict[str, Any] = field(default_factory=dict)
    next_year: str | None = None
    targets_next_year: list[TargetLine] = field(default_factory=list)
    progress: list[TargetLine] = field(default_factory=list)
    # Measure key -> other areas' figures for this year and last (annual reports).
    comparisons: dict[str, list[ComparisonRow]] = field(default_factory=dict)
    # Set by ``reports.cache`` on a report it keeps: the key it is kept under.
    cache_key: str = field(default="", compare=False, repr=False)
    # Set by ``reports.cache`` on a copy built for the records a little earlier, served
    # while the worker makes the new one: when its figures were made.
    figures_at: datetime | None = field(default=None, compare=False, repr=False)
    # The reader's management lists (monthly and quarterly reports): added for each
    # request by ``management_lists``, never kept with the cached report.
    management: list = field(default_factory=list, compare=False, repr=False)
    edition: str = INTERNAL
    # The report's words: (field, title, text) per written section, names screened out.
    narrative: list[tuple[str, str, str]] = field(default_factory=list)
    # The definitions appendix: (key, definition) per measure of the report.
    definitions: list[tuple[str, str]] = field(default_factory=list)
    # Set on the files made when a report is signed off for publication (``sign_off``):
    # who by (their role) and when, and the statement; each file says it.
    signed_off: str = field(default="", compare=False)

    @property
    def published(self) -> bool:
        return self.edition == PUBLISHED

    def words(self, section: str) -> str:
        """The text of one section of the report's words ("" when not written)."""
        return next((text for f, _, text in self.narrative if f == section), "")

    @property
    def title(self) -> str:
        kind = {ANNUAL: "Annual report", QUARTERLY: "Quarterly report", MONTHLY: "Monthly report"}
        return f"{kind[self.kind]} {self.period.name}"

    @property
    def title_in_sentence(self) -> str:
        """ "the quarterly report 2026-27 Q3, October to December 2026": the period's
        name as it is written."""
        head, _, label = self.title.partition(" report ")
        return f"{head.lower()} report {label}"

    @property
    def provisional(self) -> bool:
        return self.period.provisional

    @property
    def this_column(self) -> str:
        """The heading of this period's figures: "2026-27", or "2026-27 to 6 Dec" while it
        runs (its figures are to that day, not the whole year's)."""
        return label_to_day(self.period) if self.provisional else self.period.label

    @property
    def previous_column(self) -> str:
        """The heading of the year before's figures: the same stretch of it while this
        period runs ("2025-26 to 6 Dec"), not the whole of 2025-26."""
        return (
            label_to_day(self.previous_period) if self.provisional else self.previous_period.label
        )

    @property
    def as_at(self) -> date:
        """The day the figures are as at: the period's last day once it is over."""
        return self.period.last_day

    @property
    def provisional_note(self) -> str | None:
        """ "Provisional: year to date, as at 2 December 2026", None once the period is over."""
        return provisional_words(self.period)

    @property
    def scope(self) -> str:
        """Who the figures cover, in words."""
        parts = []
        if self.team is not None:
            name = self.team.name  # "Moorside Safeguarding Team" is not "team Moorside ... Team"
            parts.append(name if name.casefold().endswith("team") else f"team {name}")
        if self.chair is not None:
            parts.append(f"chair {self.chair.get_full_name() or self.chair.username}")
        return ", ".join(parts) if parts else "the whole service"

    def as_json(self) -> dict:
        data: dict[str, Any] = {
            "report": self.kind,
            "period": period_json(self.period),
            "provisional": self.provisional,
            "as_at": self.as_at.isoformat(),
            "measures": {k: measures.as_json(v) for k, v in self.measures.items()},
            "previous": {
                "period": period_json(self.previous_period),
                "as_at": self.previous_period.last_day.isoformat(),
                "measures": {k: measures.as_json(v) for k, v in self.previous.items()},
            },
        }
        if self.signed_off:
            data["signed_off"] = self.signed_off
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
                    **({"as_at": p.last_day.isoformat()} if p.provisional else {}),
                    "measures": {k: measures.as_json(v) for k, v in m.items()},
                }
                for p, m in self.trend
            ],
            "feedback": {
                **self.feedback,
                "previous": {"period": period_json(self.previous_period), **self.previous_feedback},
            },
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
            sections["comparisons"] = {
                key: [
                    {
                        "area": row.area,
                        "this_year": {
                            "year": self.period.label,
                            "value": None if row.this is None else float(row.this),
                            "source": row.this_source or None,
                        },
                        "previous_year": {
                            "year": self.previous_period.label,
                            "value": None if row.previous is None else float(row.previous),
                            "source": row.previous_source or None,
                        },
                    }
                    for row in rows
                ]
                for key, rows in self.comparisons.items()
            }
            sections["action_plan"] = {
                "next_year": self.next_year,
                "targets": [t.as_json() for t in self.targets_next_year],
                "progress": [t.as_json() for t in self.progress],
            }
        if self.management:
            sections["management"] = [lst.as_json() for lst in self.management]
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
    """The 12 months up to and including the month of the period's last day, in order; for
    a provisional period the last is the month to the as-at date."""
    months = [timescales.period_containing(MONTHLY, period.last_day).as_at(period.last_day)]
    while len(months) < TREND_MONTHS:
        earlier = timescales.add_months(months[-1].first_day, -1)
        months.append(timescales.period_containing(MONTHLY, earlier))
    return list(reversed(months))


def label_to_day(period: Period) -> str:
    """A period read only to its last day: "2026-12 to 6 Dec", "2025-26 to 6 Dec"."""
    return f"{period.label} to {period.last_day.day} {period.last_day:%b}"


def trend_label(month: Period) -> str:
    """A trend month's name: "2026-11", and the month not yet over "2026-12 to 6 Dec", so
    a part month is not read as a fall."""
    return label_to_day(month) if month.provisional else month.label


def _trend(period: Period, team, chair) -> list[tuple[Period, dict]]:
    months = trend_months(period)
    return list(zip(months, measures.monthly_series(months, team=team, chair=chair), strict=True))


def _named_groups(grouped: dict, names: dict, none_label: str) -> list[tuple[str, dict]]:
    rows = [
        (names.get(g, none_label) if g is not None else none_label, m) for g, m in grouped.items()
    ]
    return sorted(rows, key=lambda row: (row[0] == none_label, row[0].lower()))


def _normalised(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .!\"'\u201c\u201d")


def _quotes(period: Period, team, chair) -> list[Quote]:
    """The quotes approved and featured for the year by the IRO service manager: their
    approved wording (never the comment as given), attributed by the giver's role, each
    wording once. Approval already refused any name; every name recorded around the
    conference's children is screened out again (``iro.names``) should a name have been
    recorded after the approval."""
    feedback = featured_quotes(period.first_day, period.last_day, period.label)
    if chair is not None:
        feedback = feedback.filter(conference__chair=chair)
    if team is not None:
        feedback = feedback.filter(
            conference__children__child__team=team, conference__children__voided_at__isnull=True
        ).distinct()
    feedback = list(
        feedback.only("conference_id", "respondent", "published_wording", "received_on")
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

    # Names recorded elsewhere (another family's, a chair's): one query for every quote.
    elsewhere = Lookup(staff=True).prime(f.published_wording for f in feedback)
    quotes, seen = [], set()
    for f in feedback:
        text = screen(f.published_wording, around(f))
        text = screen_for_reader(text, frozenset(), elsewhere(text))
        if _normalised(text) in seen:
            continue
        seen.add(_normalised(text))
        attribution = ATTRIBUTION.get(f.respondent, ATTRIBUTION[Respondent.OTHER])
        quotes.append(Quote(text, attribution, f.received_on))
    return quotes


def target_lines(
    year: str,
    current: dict | None,
    previous: dict | None,
    *,
    targets: dict | None = None,
    provisional: bool = False,
) -> list[TargetLine]:
    targets = targets_for_year(year) if targets is None else targets
    # Published: screened again for names recorded since the actions were written.
    actions = [t.action for t in targets.values() if t.action]
    parts = known_in(actions) if actions else frozenset()
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
                action=screened(target.action, parts),
                actual=actual,
                baseline=baseline,
                met=target.is_met_by(actual) if current is not None else None,
                provisional=provisional,
            )
        )
    return lines


def build_report(
    kind: str,
    period: Period,
    *,
    team=None,
    chair=None,
    as_at: date | None = None,
    edition: str = INTERNAL,
) -> Report:
    """The report of ``kind`` for ``period`` (a Period of that kind), this period beside the
    same period a year earlier, for the whole service or one team or chair, in ``edition``
    (``EDITIONS``; the published edition cannot be for one chair).

    The period is read as at ``as_at`` (today by default): this is the one place a report's
    period is cut to the as-at date, so everything built from ``report.period`` (measures,
    previous year, trend, breakdowns, targets, drill-down links) reads the same span.
    Raises PeriodNotBegun for a period whose first day is after the as-at date."""
    if kind not in REPORT_KINDS:
        raise ValueError(timescales.UNKNOWN_PERIOD_KIND.format(kind=kind))
    if period.kind != kind:
        raise ValueError(f"A {kind} report cannot be for the {period.kind} period {period.label}")
    if edition not in EDITIONS:
        raise ValueError(UNKNOWN_EDITION.format(edition=edition))
    if edition == PUBLISHED and chair is not None:
        raise ValueError(PUBLISHED_FOR_A_CHAIR)
    period = period.as_at(timezone.localdate() if as_at is None else as_at)
    with measures.one_report(period, period.previous_year()):
        report = _build(kind, period, team, chair, edition)
    if report.published:
        from iro.reports.disclosure import protect

        protect(report)
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
        feedback=measures.feedback_figures(period, team=team, chair=chair),
        previous_feedback=measures.feedback_figures(previous_period, team=team, chair=chair),
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
    report.targets_next_year = target_lines(next_year.label, None, None)
    report.progress = target_lines(
        period.label, report.measures, report.previous, provisional=period.provisional
    )
    report.comparisons = comparisons_for(period.label, report.previous_period.label)


def comparisons_for(year: str, previous_year: str) -> dict[str, list[ComparisonRow]]:
    """The comparison figures recorded for two reporting years, by measure and area (in
    the order of ``ComparisonMeasure`` and ``ComparisonArea``), in one query."""
    found = {
        (c.measure, c.area, c.year): c
        for c in Comparison.objects.filter(year__in=[year, previous_year])
    }
    result: dict[str, list[ComparisonRow]] = {}
    for key in ComparisonMeasure.values:
        for area in ComparisonArea.values:
            this, last = found.get((key, area, year)), found.get((key, area, previous_year))
            if this is None and last is None:
                continue
            result.setdefault(key, []).append(
                ComparisonRow(
                    area,
                    this.value if this else None,
                    last.value if last else None,
                    this.source if this else "",
                    last.source if last else "",
                )
            )
    return result


def annual_report(label: str, **filters) -> Report:
    return build_report(ANNUAL, timescales.parse_period(ANNUAL, label), **filters)


def quarterly_report(label: str, **filters) -> Report:
    return build_report(QUARTERLY, timescales.parse_period(QUARTERLY, label), **filters)


def monthly_report(label: str, **filters) -> Report:
    return build_report(MONTHLY, timescales.parse_period(MONTHLY, label), **filters)


def targets_with_position(year: str, *, day: date) -> list[TargetLine]:
    """The targets set for reporting ``year`` with the year's figure so far: each target's
    measure (the report's own function) over the year read as at ``day`` (the whole year
    once it is over; no figure for a year not yet begun). ``met`` says whether the figure
    meets the target: "on track" while the year runs (``provisional``), "met" once over.
    One measure computed per target set."""
    try:
        so_far = timescales.parse_period(ANNUAL, year).as_at(day)
    except PeriodNotBegun:
        return target_lines(year, None, None)
    targets = targets_for_year(year)
    with measures.one_report():
        current = {key: measures.MEASURES[key](so_far) for key in targets}
    return target_lines(year, current, None, targets=targets, provisional=so_far.provisional)
