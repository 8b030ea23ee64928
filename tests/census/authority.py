"""A small authority's records, each child testing one part of what a return holds."""

from __future__ import annotations

from datetime import date

from iro.journey.models import CinPlanPeriod, ConferenceKind, Decision
from tests.factories import (
    ChildFactory,
    EpisodeFactory,
    PlanFactory,
    child_on_plan,
    hold_conference,
    s47_for,
)


def small_authority(staff):
    """Children whose records test each part of what belongs in the 2023-24 return."""
    chair = staff.iro
    # On a plan from an ICPC in the year, reviewed twice; one more review after the year.
    current = child_on_plan(
        chair=chair, strategy=date(2023, 6, 5), icpc_on=date(2023, 6, 22),
        reviews=(date(2023, 9, 14), date(2024, 3, 7), date(2024, 6, 6)),
        la_child_id="A001", category="EMO",
    )  # fmt: skip
    # An earlier plan, ended before the year: not in the return, but it counts as previous.
    PlanFactory(
        child=current.child, episode=EpisodeFactory(child=current.child,
        referral_date=date(2020, 1, 6), closure_date=date(2021, 3, 1), closure_reason="RC7"),
        start_date=date(2020, 2, 3), end_date=date(2021, 2, 1),
    )  # fmt: skip
    # A plan from 2022, still running, reviewed before and during the year.
    child_on_plan(
        chair=chair, strategy=date(2022, 5, 9), icpc_on=date(2022, 5, 26),
        reviews=(date(2022, 8, 25), date(2023, 2, 16), date(2023, 8, 10)),
        la_child_id="A002",
    )  # fmt: skip
    # A plan that ends after the year: open in the return.
    child_on_plan(
        chair=chair, strategy=date(2023, 10, 2), icpc_on=date(2023, 10, 19),
        ended_on=date(2024, 5, 2), end_reason="step_down_cin", la_child_id="A003",
    )  # fmt: skip
    # An enquiry in the year whose ICPC was after the year: open at the reference date.
    late = ChildFactory(la_child_id="A004")
    s47 = s47_for(late, referral=date(2024, 3, 20), strategy=date(2024, 3, 21))
    hold_conference(
        kind=ConferenceKind.INITIAL, chair=chair, held_on=date(2024, 4, 12),
        children=[(late, {"section47": s47, "decision": Decision.NO_PLAN})],
    )  # fmt: skip
    # An enquiry that needed no conference; the episode closed in the year.
    nfa = ChildFactory(la_child_id="A005")
    s47 = s47_for(nfa, referral=date(2023, 7, 3), strategy=date(2023, 7, 4), icpc_not_required=True)
    s47.episode.closure_date, s47.episode.closure_reason = date(2023, 8, 1), "RC8"
    s47.episode.save()
    CinPlanPeriod.objects.create(episode=s47.episode, start_date=date(2023, 7, 10),
                                 end_date=date(2023, 8, 1))  # fmt: skip
    # Nothing in the year: not in the return.
    old = ChildFactory(la_child_id="A006")
    EpisodeFactory(child=old, referral_date=date(2019, 1, 7), closure_date=date(2019, 6, 3),
                   closure_reason="RC7")  # fmt: skip
    return current
