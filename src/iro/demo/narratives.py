"""The demo manager's words for each complete year's annual report (``iro.narrative``),
so the report and its summary read as the service would write them, and each of those
reports signed off for publication (``iro.reports.sign_off``), as the service would have
done after its year. Synthetic and general: the words name no one."""

from __future__ import annotations

from iro import timescales
from iro.narrative.services import version_now, write_narrative

CONTEXT = (
    "The service has a team of independent reviewing officers and a service manager. "
    "Each officer links with a social work team, goes to its meetings and gives advice. "
    "This year we chaired every child protection conference in the area."
)
WENT_WELL = (
    "More children and young people had their say: more came to their conference, and "
    "more shared their views through an advocate or in writing. Families told us that "
    "meetings were clear and that they felt listened to. We work closely with health, "
    "the police, schools and the advocacy service."
)
WAS_HARD = (
    "Some review meetings were late, often because a family member or a report was not "
    "ready in time. Too few young people come to their own conference. We raised "
    "disputes where plans were not moving on, mostly about delay in assessments."
)
NEXT_STEPS = (
    "Hold every first conference within 15 working days. Help more young people to come "
    "to their conference and make meetings child friendly. Keep plans clear, so that "
    "families and children understand them."
)


def write_year_words(*, years: list[str], manager) -> int:
    """The annual report's words for each of ``years`` (labels), by the demo manager."""
    for year in years:
        write_narrative(
            kind="annual",
            period=year,
            texts={
                "context": CONTEXT,
                "went_well": WENT_WELL,
                "was_hard": WAS_HARD,
                "next_steps": NEXT_STEPS,
            },
            acting_user=manager,
            expected_version=version_now("annual", year),
        )
    return len(years)


SIGNED_OFF = "Agreed by the safeguarding partnership board."


def sign_off_years(*, years: list[str], manager) -> int:
    """Sign off the annual report of each of ``years`` (labels of years that are over)."""
    from iro.reports.sign_off import sign_off

    for year in years:
        period = timescales.parse_period(timescales.ANNUAL, year)
        sign_off(kind="annual", period=period, statement=SIGNED_OFF, acting_user=manager)
    return len(years)
