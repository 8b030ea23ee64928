"""The children behind a figure: the units a measure counted, one row each.

Each measure's units come from the same querysets (or walks) the measure counts, so the
list and the figure cannot disagree: the rows are the denominator of a ratio (each
marked in or out of the numerator), the members of a count, or the items of a
breakdown (each with its key). Which children a user sees is ``access.scope``: rows of
children outside the user's scope are counted, never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, OuterRef, Subquery

from iro.access.scope import visible_ids, visible_to
from iro.challenge.models import stage_report_key
from iro.children.models import Child
from iro.journey import checks
from iro.journey.models import ConferenceChild
from iro.reports import cache
from iro.reports import measures as m
from iro.reports.builders import ITEM_LABELS
from iro.timescales import Period


@dataclass(frozen=True)
class Unit:
    """One row behind a figure: the child, the date that counted, what it shows."""

    child_id: int
    when: date | None
    detail: str
    counted: bool | None = None  # in the numerator of a ratio; None for counts
    item: str = ""  # the breakdown key, for breakdowns


@dataclass(frozen=True)
class Row:
    child: Child
    unit: Unit

    @property
    def item_label(self) -> str:
        return ITEM_LABELS.get(self.unit.item, self.unit.item)


def _plan_units(plans, detail: Callable[[dict], str], when: str = "start_date") -> list[Unit]:
    rows = plans.values("child_id", "start_date", "end_date", "latest_category").order_by(
        when, "pk"
    )
    return [Unit(r["child_id"], r[when], detail(r)) for r in rows]


def _plan_span(row: dict) -> str:
    ended = f", ended {row['end_date']:%-d %b %Y}" if row["end_date"] else ", open"
    return f"Plan from {row['start_date']:%-d %b %Y}{ended}"


def _ratio_rows(qs, condition, fields, detail, when) -> list[Unit]:
    rows = (
        qs.annotate(_counted=_case(condition))
        .values("_counted", "child_id", *fields)
        .order_by(when, "pk")
    )
    return [Unit(r["child_id"], r[when], detail(r), bool(r["_counted"])) for r in rows]


def _case(condition):
    from django.db.models import BooleanField, ExpressionWrapper

    return ExpressionWrapper(condition, output_field=BooleanField())


def _walk_detail(unit, period) -> str:
    """What the children behind "reviews all on time" say of a plan: why a child is not
    on time (a review held late, the next one overdue at the period's end), else the
    next review's due date."""
    start = f"Plan from {unit.start:%-d %b %Y}"
    said = []
    if unit.late_review is not None:
        said.append(f"review on {unit.late_review:%-d %b %Y} held after it was due")
    if unit.due < period.last_day:
        said.append(f"next review overdue since {unit.due:%-d %b %Y}")
    if said:
        return f"{start}; " + "; ".join(said)
    return f"{start}; next review due {unit.due:%-d %b %Y}"


def units(key: str, period: Period, *, team=None, chair=None) -> list[Unit]:
    """The units behind measure ``key`` for the period (and team or chair)."""
    if key not in m.MEASURES:
        raise KeyError(key)
    if key == "children_on_plan_during_period":
        return _plan_units(m.plans_during(period, team, chair), _plan_span)
    if key == "children_on_plan_at_period_end":
        return _plan_units(m.plans_at_end(period, team, chair), _plan_span)
    if key == "plans_started":
        return _plan_units(m.plans_started_in(period, team, chair), _plan_span)
    if key == "plans_ended":
        return _plan_units(m.plans_ended_in(period, team, chair), _plan_span, when="end_date")
    if key == "plans_started_second_or_subsequent":
        return _ratio_rows(
            m.plans_started_in(period, team, chair),
            m.is_repeat_plan(),
            ["start_date", "previous_plans"],
            lambda r: (
                f"Plan from {r['start_date']:%-d %b %Y}; "
                f"{r['previous_plans']} previous plan{'' if r['previous_plans'] == 1 else 's'} "
                "recorded"
            ),
            "start_date",
        )
    if key == "plans_at_period_end_by_latest_category":
        rows = (
            m.current_plans_at_end(period, team, chair)
            .values("child_id", "start_date", "end_date", "latest_category")
            .order_by("latest_category", "start_date", "pk")
        )
        return [
            Unit(r["child_id"], r["start_date"], _plan_span(r), item=r["latest_category"])
            for r in rows
        ]
    if key == "plans_ended_by_duration":
        qs = m._with_month_gap(m.plans_ended_in(period, team, chair))
        found = []
        for band, condition in m.duration_band_filters().items():
            rows = qs.filter(condition).values("child_id", "start_date", "end_date")
            found += [
                Unit(r["child_id"], r["end_date"], _plan_span(r), item=band)
                for r in rows.order_by("end_date", "pk")
            ]
        return found
    if key == "icpc_within_15_working_days":
        rows = (
            m.icpc_units(period, team, chair)
            .annotate(_counted=_case(m.icpc_in_time_filter(period)))
            .values(
                "_counted", "child_id", "section47__start_date", held_on=F("conference__held_on")
            )
            .order_by("conference__held_on", "pk")
        )
        return [
            Unit(
                r["child_id"],
                r["held_on"],
                f"S47 started {r['section47__start_date']:%-d %b %Y}; "
                f"ICPC {r['held_on']:%-d %b %Y}",
                bool(r["_counted"]),
            )
            for r in rows
        ]
    if key == "reviews_on_time":
        return [
            Unit(u.child_id, u.start, _walk_detail(u, period), u.on_time)
            for u in m.review_walk_units(period, team, chair)
        ]
    if key == "review_conferences_in_timescale":
        return [
            Unit(
                u.child_id,
                u.review,
                f"Review {u.review:%-d %b %Y}, due by {u.due:%-d %b %Y}",
                u.on_time,
            )
            for u in m.review_conference_units(period, team, chair)
        ]
    if key == "children_with_dispute_raised":
        # The figure counts children: a row each, however many disputes were raised.
        raised: dict[int, list[date]] = {}
        rows = m.disputes_raised_for_children(period, team, chair).values_list(
            "child_id", "raised_on"
        )
        for child_id, raised_on in rows.order_by("raised_on", "pk"):
            raised.setdefault(child_id, []).append(raised_on)
        return [
            Unit(
                child_id,
                days[0],
                f"Dispute raised {days[0]:%-d %b %Y}"
                if len(days) == 1
                else f"{len(days)} disputes raised, the first {days[0]:%-d %b %Y}",
            )
            for child_id, days in raised.items()
        ]
    if key in ("disputes_raised", "dispute_reasons"):
        rows = m.disputes_raised_in(period, team, chair).values("child_id", "raised_on", "reason")
        return [
            Unit(
                r["child_id"],
                r["raised_on"],
                f"Dispute raised {r['raised_on']:%-d %b %Y}",
                item=r["reason"] if key == "dispute_reasons" else "",
            )
            for r in rows.order_by("raised_on", "pk")
        ]
    if key == "dispute_resolution_stage":
        rows = m.disputes_resolved_in(period, team, chair).values(
            "child_id", "resolved_on", "stage"
        )
        return [
            Unit(
                r["child_id"],
                r["resolved_on"],
                f"Resolved {r['resolved_on']:%-d %b %Y}",
                item=stage_report_key(r["stage"]),
            )
            for r in rows.order_by("resolved_on", "pk")
        ]
    if key == "multi_agency_challenges_raised":
        rows = m.challenges_raised_in(period, team, chair).values(
            "child_id", "raised_on", "agency__name"
        )
        return [
            Unit(
                r["child_id"],
                r["raised_on"],
                f"Challenge raised {r['raised_on']:%-d %b %Y}",
                item=r["agency__name"],
            )
            for r in rows.order_by("raised_on", "pk")
        ]
    if key == "feedback_received":
        # One row per piece of feedback, under the first child of its conference.
        first_child = (
            ConferenceChild.objects.filter(conference=OuterRef("conference"))
            .order_by("pk")
            .values("child_id")[:1]
        )
        rows = (
            m.feedback_in(period, team, chair)
            .annotate(_child=Subquery(first_child))
            .values("_child", "received_on", "respondent")
        )
        return [
            Unit(
                r["_child"],
                r["received_on"],
                f"Feedback received {r['received_on']:%-d %b %Y}",
                item=r["respondent"],
            )
            for r in rows.order_by("received_on", "pk")
        ]
    more = _more_units(key, period, team, chair)
    if more is not None:
        return more
    conditions = {
        "child_attended": m.ATTENDED,
        "child_views_represented": m.VIEWS_REPRESENTED,
        "advocate_involved": m.ADVOCATE_INVOLVED,
        "pre_meetings_held": m.PRE_MEETINGS_HELD,
        "icpc_leading_to_plan": m.PARTICIPATION["initial_plan"],
    }
    rows_qs = m._with_age_parts(
        m.conferences_held_rows(period, team, chair),
        "child__date_of_birth",
        "conference__held_on",
    )
    if key in m.OVER_PARTICIPATION_UNITS:
        rows_qs = rows_qs.filter(m.OF_AN_AGE)
    elif key in ("initial_conferences_held", "icpc_leading_to_plan"):
        rows_qs = rows_qs.filter(conference__kind="initial")
    elif key == "review_conferences_held":
        rows_qs = rows_qs.filter(conference__kind="review")
    if key in (
        "conferences_held",
        "participation_units",
        "initial_conferences_held",
        "review_conferences_held",
    ):
        rows = rows_qs.values(
            "child_id", held_on=F("conference__held_on"), kind=F("conference__kind")
        )
        return [
            Unit(r["child_id"], r["held_on"], f"{r['kind'].replace('_', '-')} conference")
            for r in rows.order_by("conference__held_on", "pk")
        ]
    rows = (
        rows_qs.annotate(_counted=_case(conditions[key]))
        .values(
            "_counted", "child_id", held_on=F("conference__held_on"), kind=F("conference__kind")
        )
        .order_by("conference__held_on", "pk")
    )
    return [
        Unit(
            r["child_id"],
            r["held_on"],
            f"{r['kind'].replace('_', '-').capitalize()} conference",
            bool(r["_counted"]),
        )
        for r in rows
    ]


class RowsOf(Sequence[Row]):
    """The rows of ``units``, each with its child read (through the user's access) only
    when the row is asked for: a page of 200 reads 200 children, however many
    thousands a figure counts."""

    PER_READ = 500

    def __init__(self, user, units: list[Unit]) -> None:
        self._user = user
        self._units = units

    def __len__(self) -> int:
        return len(self._units)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._with_children(self._units[index])
        return self._with_children([self._units[index]])[0]

    def __iter__(self) -> Iterator[Row]:
        for start in range(0, len(self._units), self.PER_READ):
            yield from self._with_children(self._units[start : start + self.PER_READ])

    def _with_children(self, units: list[Unit]) -> list[Row]:
        children = visible_to(self._user).in_bulk({u.child_id for u in units})
        # (a child whose record was restricted from the user since is left out)
        return [Row(children[u.child_id], u) for u in units if u.child_id in children]


@dataclass(frozen=True)
class Behind:
    """The units a user may see behind a figure, and how many they may not. ``rows``
    gives them with their children, each read when asked for."""

    user: Any
    units: list[Unit]
    hidden: int

    @property
    def rows(self) -> RowsOf:
        return RowsOf(self.user, self.units)


def kept_units(key: str, period: Period, *, team=None, chair=None) -> list[Unit]:
    """``units``, kept until the records change or the day does: they are the same for
    every reader (child ids, dates and what counted; each reader's access is applied to
    them, and the children read, afterwards), and a region's year of review conferences
    takes 150 ms to work out. Never an earlier copy: the list must add up to the figure."""
    name = f"units:{key}:team={cache.option_key(team)}:chair={cache.option_key(chair)}"
    found, _ = cache.kept_or_recent_for_everyone(
        name,
        period,
        today=checks.today(),
        make=lambda: units(key, period, team=team, chair=chair),
        recent_ok=False,
    )
    return found


def children_behind(user, key: str, period: Period, *, team=None, chair=None) -> Behind:
    """The units of ``key`` of the children ``user`` may see (their records are read
    only for the rows shown: ``Behind.rows``)."""
    found = kept_units(key, period, team=team, chair=chair)
    visible = visible_ids(user, (u.child_id for u in found))
    shown = [u for u in found if u.child_id in visible]
    return Behind(user, shown, len(found) - len(shown))


def _more_units(key: str, period: Period, team, chair) -> list[Unit] | None:
    """The units of the measures of "More measures" that are not conference rows."""
    if key == "late_icpc_reasons":
        rows = (
            m.icpc_units(period, team, chair)
            .exclude(m.icpc_in_time_filter(period))
            .values("child_id", "conference__lateness_reason", held_on=F("conference__held_on"))
            .order_by("conference__held_on", "pk")
        )
        return [
            Unit(
                r["child_id"],
                r["held_on"],
                f"ICPC {r['held_on']:%-d %b %Y}, late",
                item=r["conference__lateness_reason"] or m.NOT_RECORDED,
            )
            for r in rows
        ]
    if key == "late_review_reasons":
        return [
            Unit(
                u.child_id,
                u.review,
                f"Review {u.review:%-d %b %Y}, due by {u.due:%-d %b %Y}",
                item=u.lateness_reason or m.NOT_RECORDED,
            )
            for u in m.review_conference_units(period, team, chair)
            if not u.on_time
        ]
    if key == "plans_open_two_years_or_more_at_period_end":
        plans = m.current_plans_at_end(period, team, chair).filter(
            start_date__lte=m.two_years_before(period.last_day)
        )
        return _plan_units(plans, _plan_span)
    if key == "plans_started_within_two_years_of_previous":
        return _ratio_rows(
            m.plans_started_in(period, team, chair),
            m.previous_plan_within_two_years(),
            ["start_date", "end_date"],
            lambda r: f"Plan from {r['start_date']:%-d %b %Y}",
            "start_date",
        )
    if key in (
        "children_on_plan_at_period_end_per_10000",
        "iro_caseload_per_fte_at_period_end",
    ):
        if team is not None or (chair is not None and key.endswith("10000")):
            return []
        return _plan_units(m.current_plans_at_end(period, team, chair), _plan_span)
    bands = {
        "children_on_plan_at_period_end_by_age": m._age_bands(period.last_day),
        "children_on_plan_at_period_end_by_sex": m.SEX_BANDS,
        "children_on_plan_at_period_end_by_ethnicity": m.ETHNICITY_BANDS,
        "children_on_plan_at_period_end_with_disability": {"": m.WITH_DISABILITY},
    }.get(key)
    if bands is not None:
        found = []
        for band, condition in bands.items():
            rows = (
                m.current_plans_at_end(period, team, chair)
                .filter(condition)
                .values("child_id", "start_date", "end_date")
                .order_by("start_date", "pk")
            )
            found += [Unit(r["child_id"], r["start_date"], _plan_span(r), item=band) for r in rows]
        return found
    if key == "dispute_stage_responses_in_time":
        return [
            Unit(u.child_id, u.responded_on, u.detail, u.in_time)
            for u in m.stage_response_units(period, team, chair)
        ]
    if key == "dispute_outcomes":
        found = m.disputes_resolved_in(period, team, chair)
        return _outcome_units(found, "resolved_on", "Resolved")
    if key == "multi_agency_challenge_outcomes":
        found = m.challenges_closed_in(period, team, chair)
        return _outcome_units(found, "responded_on", "Response")
    return None


def _outcome_units(found, day: str, words: str) -> list[Unit]:
    """A unit per dispute or challenge closed, by its outcome (``NOT_RECORDED`` for none)."""
    rows = found.values("child_id", day, "outcome").order_by(day, "pk")
    return [
        Unit(
            r["child_id"],
            r[day],
            f"{words} {r[day]:%-d %b %Y}",
            item=r["outcome"] or m.NOT_RECORDED,
        )
        for r in rows
    ]
