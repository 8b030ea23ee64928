"""The planned disputes, multi-agency challenges and feedback at full size, no database.

Like test_planner.py: planning is pure and fast, so the figures the annual report will
show (the seed report's: about 57-66 children with a dispute a year, mostly about
progress, mostly resolved informally or at stage 2) are checked at full size here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date

import pytest

from iro import timescales
from iro.demo import challenges, planner
from iro.demo.builder import plan_authority, window
from iro.demo.staff import christmas_closures
from tests.demo.conftest import SEED, TODAY

CHAIRS = planner.Chairs(capacity=[1.0] * 8 + [0.6, 0.15], demo=0)
TEAMS = planner.Teams(workers=[4, 3, 5, 4, 3, 4, 5, 3, 4, 4, 5, 3], demo_team=0, demo_worker=0)


@pytest.fixture(scope="module")
def full():
    start, shown = window(TODAY)
    closures = frozenset(christmas_closures(start.year - 4, TODAY.year + 1))
    plan = plan_authority(
        seed=SEED, today=TODAY, scale=1.0, closures=closures, chairs=CHAIRS, teams=TEAMS
    )
    worries = challenges.plan_worries(
        seed=SEED, plan=plan, calendar=planner.Calendar(closures), scale=1.0
    )
    return plan, worries, closures, shown


def year_of(d: date) -> str:
    return timescales.period_containing(timescales.ANNUAL, d).label


def years_compared(shown) -> list[str]:
    """The three years shown and the year before the first (its comparison)."""
    return [shown[0].previous_year().label, *(p.label for p in shown)]


def test_each_year_has_about_57_to_66_children_with_a_dispute(full):
    _, worries, _, shown = full
    children = defaultdict(set)
    disputes = Counter()
    for dispute in worries.disputes:
        children[year_of(dispute.raised_on)].add(dispute.child)
        disputes[year_of(dispute.raised_on)] += 1
    for label in years_compared(shown):
        assert 55 <= len(children[label]) <= 70, (label, len(children[label]))
        assert len(children[label]) <= disputes[label] <= len(children[label]) + 8


def test_most_disputes_are_about_progress_then_the_other_three_reasons(full):
    _, worries, _, shown = full
    for label in years_compared(shown):
        reasons = Counter(d.reason for d in worries.disputes if year_of(d.raised_on) == label)
        assert reasons.most_common(1)[0][0] == "progress", (label, reasons)
        assert set(reasons) == {"progress", "assessment", "planning", "practice"}
        assert reasons["progress"] / sum(reasons.values()) >= 0.35


def test_most_disputes_are_resolved_informally_or_at_stage_2_and_few_beyond_stage_4(full):
    _, worries, _, _ = full
    resolved = [d for d in worries.disputes if d.resolved_on]
    stages = Counter(d.stages[-1].stage for d in resolved)
    total = sum(stages.values())
    assert (stages[1] + stages[2]) / total >= 0.65, stages
    assert stages[3] + stages[4] > 0
    assert 0 < sum(n for stage, n in stages.items() if stage >= 5) / total <= 0.08, stages


def test_stages_follow_one_another_and_most_responses_come_within_the_timescale(full):
    _, worries, closures, _ = full
    in_time = answered = 0
    for dispute in worries.disputes:
        assert [s.stage for s in dispute.stages] == list(range(1, len(dispute.stages) + 1))
        assert dispute.stages[0].started_on == dispute.raised_on
        for before, after in zip(dispute.stages, dispute.stages[1:], strict=False):
            assert after.started_on > before.started_on
            if before.responded_on:
                assert before.responded_on <= after.started_on
            else:  # escalated because nobody answered within the timescale
                due = timescales.add_working_days(
                    before.started_on,
                    challenges.STAGE_WORKING_DAYS[before.stage],
                    closures=closures,
                )
                assert after.started_on > due
        for stage in dispute.stages:
            if stage.responded_on:
                answered += 1
                due = timescales.add_working_days(
                    stage.started_on, challenges.STAGE_WORKING_DAYS[stage.stage], closures=closures
                )
                in_time += stage.responded_on <= due
        if dispute.resolved_on:
            assert dispute.resolved_on >= dispute.stages[-1].responded_on
            assert dispute.resolution
        assert max(s.responded_on or s.started_on for s in dispute.stages) <= TODAY
    assert 0.8 <= in_time / answered < 1.0


def test_a_dispute_is_raised_while_the_child_is_on_the_plan_by_their_chair(full):
    plan, worries, _, _ = full
    families = {f.key: f for f in plan.families}
    for dispute in worries.disputes:
        family = families[dispute.family]
        spans = [(s, e) for key, s, e in planner.plan_spans(family) if key == dispute.child]
        assert any(
            s == dispute.plan_start
            and s < dispute.raised_on
            and (e is None or dispute.raised_on < e)
            for s, e in spans
        )
        held = [
            m
            for inv in family.involvements
            for m in inv.meetings
            if m.held and m.on <= dispute.raised_on and dispute.child in {r.child for r in m.rows}
        ]
        assert dispute.chair == max(held, key=lambda m: m.on).chair


def test_challenges_go_to_several_agencies_and_are_forwarded_before_they_are_answered(full):
    _, worries, _, shown = full
    for label in years_compared(shown):
        raised = [c for c in worries.challenges if year_of(c.raised_on) == label]
        assert 20 <= len(raised) <= 36, (label, len(raised))
        assert len({c.agency for c in raised}) >= 6
    for challenge in worries.challenges:
        if challenge.forwarded_on:
            assert challenge.raised_on < challenge.forwarded_on <= TODAY
            assert challenge.forwarded_to
        if challenge.responded_on:
            assert challenge.outcome and challenge.response
            assert challenge.responded_on > (challenge.forwarded_on or challenge.raised_on)
            assert challenge.forwarded_on or challenge.outcome == "withdrawn"
    outcomes = Counter(c.outcome for c in worries.challenges if c.outcome)
    assert outcomes.most_common(1)[0][0] == "upheld"


def test_the_partnership_always_has_the_newest_challenges_to_forward(full):
    _, worries, _, _ = full
    waiting = [c for c in worries.challenges if not c.forwarded_on and not c.responded_on]
    assert len(waiting) >= challenges.WAITING_TO_FORWARD
    assert all((TODAY - c.raised_on).days <= 21 for c in waiting)


def test_feedback_comes_from_parents_children_and_professionals_mostly_quotable(full):
    _, worries, _, shown = full
    for label in years_compared(shown):
        given = [f for f in worries.feedback if year_of(f.received_on) == label]
        assert 100 <= len(given) <= 300, (label, len(given))
        respondents = Counter(f.respondent for f in given)
        assert {"parent_or_carer", "child", "professional"} <= set(respondents)
        assert 0.55 <= sum(f.consent for f in given) / len(given) <= 0.9
    for feedback in worries.feedback:
        assert feedback.meeting.held
        assert feedback.meeting.on <= feedback.received_on <= TODAY
        assert feedback.text and feedback.attribution


def test_a_target_is_a_step_on_last_years_figure_within_0_and_100():
    assert challenges.target_value("icpc_within_15_working_days", 80.4) == ("at_least", 82.0)
    assert challenges.target_value("icpc_within_15_working_days", 99.0) == ("at_least", 100.0)
    assert challenges.target_value("plans_started_second_or_subsequent", 0.4) == ("at_most", 0.0)
    assert challenges.target_value("child_attended", None) is None
    assert challenges.target_value("children_on_plan_at_period_end", 410) is None


DIGEST = """
import hashlib
from datetime import date
from iro.demo import challenges, planner
plan = planner.plan_journeys(
    seed="7:0", start=date(2022, 4, 1), today=date(2025, 6, 30), scale=0.3,
    closures=frozenset(), chairs=planner.Chairs(capacity=[1.0] * 9 + [0.15], demo=0),
    teams=planner.Teams(workers=[4] * 12, demo_team=0, demo_worker=0),
)
w = challenges.plan_worries(seed=7, plan=plan, calendar=planner.Calendar(()), scale=0.3)
text = repr([w.disputes, w.challenges, [(f.received_on, f.text) for f in w.feedback]])
print(hashlib.sha256(text.encode()).hexdigest())
"""


def test_the_worries_do_not_depend_on_python_hash_randomisation():
    digests = {
        subprocess.run(
            [sys.executable, "-c", DIGEST],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1
