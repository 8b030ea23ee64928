"""What the published edition withholds: small counts that could point to a child.

The published edition (read by the roles that see no names and published as the
service's report) names no child; a count of one or two children of a characteristic in
a small place can still point to one ("Sexual abuse: 1" for a team, "Black: 1" at the
end of the month). So, as official statistics do, it withholds:

- in the breakdowns of children by a characteristic (category, age, sex, ethnic group,
  how long their plan lasted) and of multi-agency challenges by agency, every count
  from 1 to ``SMALLEST_SHOWN - 1``, shown as "fewer than 5"; and beside them the
  smallest count that is not small, shown as "not shown" (never "fewer than 5": it is
  not), so that the small ones cannot be worked out from the total beside them;
- the totals those breakdowns add up to (children on a plan at the end, plans ended,
  challenges raised) and the children on a plan with a disability, when from 1 to 4;
- in the table by team, a count from 1 to 4 and a percentage of fewer than 5 children;
  and in a report for one team, the same of every figure, month by month too (and of
  the action plan's progress beside it), who gave feedback, and the ratings given by
  fewer than 5 people.

Totals, rates for the whole service and the internal edition are unchanged. The figures
are computed as ever (``measures``); only the published edition's copy is changed, once,
when it is built (``builders.build_report``), so every page, file and API answer made
from it says the same.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from iro.reports.measures import Ratio

SMALLEST_SHOWN = 5
WITHHELD_WORDS = f"fewer than {SMALLEST_SHOWN}"
BESIDE_WORDS = "not shown"

# The breakdowns of children by a characteristic: each count names a few children.
CHILD_BREAKDOWNS = (
    "plans_at_period_end_by_latest_category",
    "plans_ended_by_duration",
    "children_on_plan_at_period_end_by_age",
    "children_on_plan_at_period_end_by_sex",
    "children_on_plan_at_period_end_by_ethnicity",
)


class Withheld:
    """A count the published edition does not give. A small count reads "fewer than 5";
    a larger one withheld beside it (so that the small one cannot be worked out from the
    total) reads "not shown": it is not fewer than 5, and must not say so. Either is
    equal to ``WITHHELD`` (withheld is withheld, wherever a page asks)."""

    __slots__ = ("words",)

    def __init__(self, words: str) -> None:
        self.words = words

    def __str__(self) -> str:
        return self.words

    def __repr__(self) -> str:
        return "WITHHELD" if self.words == WITHHELD_WORDS else "WITHHELD_BESIDE"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Withheld)

    def __hash__(self) -> int:
        return hash(Withheld)

    def __reduce__(self):  # a kept report unpickles to the one WITHHELD or WITHHELD_BESIDE
        return (_withheld, (self.words == WITHHELD_WORDS,))


WITHHELD = Withheld(WITHHELD_WORDS)
WITHHELD_BESIDE = Withheld(BESIDE_WORDS)


def _withheld(small: bool = True) -> Withheld:
    return WITHHELD if small else WITHHELD_BESIDE


def is_small(n: Any) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 < n < SMALLEST_SHOWN


def withhold_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """``counts`` with each small count withheld ("fewer than 5") and, beside them, the
    smallest count that is not small ("not shown"). With only small counts withheld the
    total would give them away: one alone is the total less the rest, and three that
    leave 3 between them are 1 each. With a larger one among them, they cannot be told."""
    small = [item for item, n in counts.items() if is_small(n)]
    beside = None
    if small:
        others = [
            (n, item)
            for item, n in counts.items()
            if item not in small and isinstance(n, int) and not isinstance(n, bool) and n
        ]
        if others:
            beside = min(others)[1]
    return {
        item: WITHHELD if item in small else WITHHELD_BESIDE if item == beside else n
        for item, n in counts.items()
    }


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
        # Copies, so that nothing another edition holds is changed.
        report.trend = [(month, dict(figures)) for month, figures in report.trend]
        report.feedback, report.previous_feedback = (
            copy.deepcopy(report.feedback),
            copy.deepcopy(report.previous_feedback),
        )
        for figures in (report.measures, report.previous, *(m for _, m in report.trend)):
            for key, value in figures.items():
                figures[key] = _withhold_figure(value)
            received = figures.get("feedback_received")
            if isinstance(received, dict):  # who gave feedback: a professional alone
                figures["feedback_received"] = withhold_counts(received)
        for feedback in (report.feedback, report.previous_feedback):
            _withhold_feedback(feedback)
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


def _withhold_feedback(feedback: dict) -> None:
    """A team's ratings given by fewer than 5 people, and its small counts of themes."""
    for field, rating in (feedback.get("ratings") or {}).items():
        if is_small(rating.get("answers")):
            feedback["ratings"][field] = {"average": WITHHELD, "answers": WITHHELD}
    if isinstance(feedback.get("themes"), dict):
        feedback["themes"] = {
            theme: WITHHELD if is_small(n) else n for theme, n in feedback["themes"].items()
        }
