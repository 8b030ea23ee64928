"""The figures the reports need, as the demo's IRO service manager records them: the
population aged 0 to 17 per year, each IRO's hours, and other areas' figures. All
synthetic (each source says so), of a plausible size: about 60,000 children, England
about 40 per 10,000 on a plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from iro.challenge import figure_services
from iro.people.models import User
from iro.timescales import Period

DEMO_SOURCE = "Demo figure (synthetic), in the shape of {table} {year}"
POPULATION_TABLE = "ONS mid-year population estimates"
CIN_TABLE = "DfE Characteristics of children in need"
BASE_POPULATION = 59_400
GROWTH_PER_YEAR = 310
# Per year from the first shown: England, the region, statistical neighbours.
PER_10000 = ((42.8, 45.1, 44.2), (41.4, 43.9, 42.6), (42.1, 44.0, 43.5), (43.2, 45.6, 44.8))
SECOND_OR_LATER = ((22.1, 23.4, 21.8), (22.5, 23.0, 22.9), (23.3, 24.1, 23.0), (23.8, 24.6, 23.6))
ICPC_IN_TIME = ((77.6, 80.2, 79.0), (79.1, 81.0, 78.4), (78.0, 79.6, 80.1), (77.2, 78.8, 79.5))
AREAS = ("england", "region", "neighbours")
# Most IROs full time; two part time; the manager chairs a little.
PART_TIME = {2: "0.8", 5: "0.6"}
MANAGER_FTE = "0.2"


def record_figures(*, years: list[Period], manager: User, chairs: list[User], since: date) -> int:
    """Record the figures for ``years`` and everyone's hours from ``since``; how many."""
    made = 0
    for n, period in enumerate(years):
        figure_services.record_population(
            year=period.label,
            children=BASE_POPULATION + GROWTH_PER_YEAR * n,
            source=DEMO_SOURCE.format(table=POPULATION_TABLE, year=period.first_day.year),
            acting_user=manager,
        )
        made += 1
        row = min(n, len(PER_10000) - 1)
        for measure, table in (
            ("children_on_plan_at_period_end_per_10000", PER_10000),
            ("plans_started_second_or_subsequent", SECOND_OR_LATER),
            ("icpc_within_15_working_days", ICPC_IN_TIME),
        ):
            source = DEMO_SOURCE.format(table=CIN_TABLE, year=period.label)
            figure_services.record_comparisons(
                year=period.label,
                measure=measure,
                figures={
                    area: (str(Decimal(str(value))), source)
                    for area, value in zip(AREAS, table[row], strict=True)
                },
                acting_user=manager,
            )
            made += len(AREAS)
    for n, person in enumerate(chairs):
        fte = MANAGER_FTE if person.pk == manager.pk else PART_TIME.get(n, "1")
        figure_services.record_working_hours(
            person=person, starts_on=since, fte=fte, acting_user=manager
        )
        made += 1
    return made
