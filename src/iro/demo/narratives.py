"""The demo manager's words for each complete year's annual report (``iro.narrative``),
so the report and its summary read as the service would write them. Synthetic and
general: the words name no one."""

from __future__ import annotations

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
