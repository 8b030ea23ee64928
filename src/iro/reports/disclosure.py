"""What the published edition withholds: small counts that could point to a child.

The published edition (read by the roles that see no names and published as the
service's report) names no child; a count of one or two children of a characteristic in
a small place can still point to one ("Sexual abuse: 1" for a team, "Black: 1" at the
end of the month). So, as official statistics do, it withholds:

- in the breakdowns of children by a characteristic (category, age, sex, ethnic group,
  how long their plan lasted) and of multi-agency challenges by agency, every count
  from 1 to ``SMALLEST_SHOWN - 1``, shown as "fewer than 5"; and where that leaves a
  single count withheld, the next smallest count too, so that it cannot be worked out
  from the total beside it;
- the totals those breakdowns add up to (children on a plan at the end, plans ended,
  challenges raised) and the children on a plan with a disability, when from 1 to 4;
- in the table by team, a count from 1 to 4 and a percentage of fewer than 5 children;
  and in a report for one team, the same of every figure (and of the action plan's
  progress beside it).

Totals, rates for the whole service and the internal edition are unchanged. The figures
are computed as ever (``measures``); only the published edition's copy is changed, once,
when it is built (``builders.build_report``), so every page, file and API answer made
from it says the same.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from iro.reports.measures import Ratio

SMALLEST_SHOWN = 5
WITHHELD_WORDS = f"fewer than {SMALLEST_SHOWN}"

# The breakdowns of children by a characteristic: each count names a few children.
CHILD_BREAKDOWNS = (
    "plans_at_period_end_by_latest_category",
    "plans_ended_by_duration",
    "children_on_plan_at_period_end_by_age",
    "children_on_plan_at_period_end_by_sex",
    "children_on_plan_at_period_end_by_ethnicity",
)


class Withheld:
    """A count the published edition does not give: it reads "fewer than 5"."""

    __slots__ = ()

    def __str__(self) -> str:
        return WITHHELD_WORDS

    def __repr__(self) -> str:
        return "WITHHELD"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Withheld)

    def __hash__(self) -> int:
        return hash(Withheld)

    def __reduce__(self):  # a kept report unpickles to the one WITHHELD
        return (_withheld, ())


WITHHELD = Withheld()


def _withheld() -> Withheld:
    return WITHHELD


def is_small(n: Any) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 < n < SMALLEST_SHOWN


def withhold_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """``counts`` with each small count withheld, and where that withholds only one, the
    next smallest count too (else the total beside it gives it away)."""
    small = [item for item, n in counts.items() if is_small(n)]
    if len(small) == 1:
        others = [(n, item) for item, n in counts.items() if item not in small and n]
        if others:
            small.append(min(others)[1])
    return {item: WITHHELD if item in small else n for item, n in counts.items()}


def _withhold_figure(value: Any) -> Any:
    """One figure of the table by team: a small count, or a rate over a few children."""
    if is_small(value):
        return WITHHELD
    if isinstance(value, Ratio) and 0 < value.denominator < SMALLEST_SHOWN:
        return WITHHELD
    return value


# Counts a breakdown above adds up to (a small one gives away the only item withheld),
# and a count of children by a characteristic of its own.
SMALL_TOTALS = (
    "children_on_plan_at_period_end",
    "plans_ended",
    "children_on_plan_at_period_end_with_disability",
)


def protect(report) -> None:
    """Withhold the small counts of ``report`` (its published edition), in place."""
    if report.team is not None:  # one team's figures: a small place throughout
        for figures in (report.measures, report.previous):
            for key, value in figures.items():
                figures[key] = _withhold_figure(value)
        report.progress = [
            replace(line, actual=None, baseline=None, met=None)
            if report.measures.get(line.measure) == WITHHELD
            else line
            for line in report.progress
        ]
    for figures in (report.measures, report.previous):
        for key in SMALL_TOTALS:
            if key in figures:
                figures[key] = _withhold_figure(figures[key])
        for key in CHILD_BREAKDOWNS:
            if isinstance(figures.get(key), dict):
                figures[key] = withhold_counts(figures[key])
        challenges = figures.get("multi_agency_challenges_raised")
        if isinstance(challenges, dict) and "by_agency" in challenges:
            figures["multi_agency_challenges_raised"] = challenges | {
                "count": _withhold_figure(challenges["count"]),
                "by_agency": withhold_counts(challenges["by_agency"]),
            }
    report.by_team = [
        (name, {key: _withhold_figure(value) for key, value in values.items()})
        for name, values in report.by_team
    ]
