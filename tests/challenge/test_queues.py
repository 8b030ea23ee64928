"""The work queues of disputes, challenges and targets: exactly the records waiting for
each role, none that must not be there, at a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.challenge import queues, services
from iro.challenge.models import DisputeReason, StageTimescale
from iro.children.models import RestrictedAccess
from iro.journey.checks import current_version
from tests.challenge.factories import MultiAgencyChallengeFactory
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

TODAY = date(2024, 7, 1)  # a Monday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def timescales(db):
    StageTimescale.objects.create(stage=1, working_days=5)
    StageTimescale.objects.create(stage=2, working_days=10)


def raise_for(staff, name: str, raised_on: date, *, to=None):
    first, last = name.split()
    child = ChildFactory(team=staff.team, first_name=first, last_name=last)
    return services.raise_dispute(
        child=child,
        raised_on=raised_on,
        reason=DisputeReason.PLANNING,
        detail="The plan has drifted.",
        addressed_to=to or staff.team_manager,
        acting_user=staff.iro,
    )


def escalate(staff, dispute, to, on=date(2024, 6, 17)):
    return services.escalate_dispute(
        dispute=dispute,
        escalated_on=on,
        addressed_to=to,
        note="The last stage did not resolve it.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )


def answer(dispute, by, on=date(2024, 6, 7)):
    services.record_stage_response(
        dispute=dispute,
        responded_on=on,
        response="Done.",
        acting_user=by,
        expected_version=current_version(dispute),
    )


def names(queue) -> list[str]:
    return [row.cells[0] for row in queue.rows]


# ------------------------------------------------------------------- disputes


def test_waiting_for_my_answer_lists_only_the_open_unanswered_stages_sent_to_me(staff):
    raise_for(staff, "Ayla Dunmere", date(2024, 6, 3))  # due 10 June: overdue
    raise_for(staff, "Brin Elmstead", date(2024, 6, 26))  # due 3 July
    answer(raise_for(staff, "Cato Fallowfield", date(2024, 6, 3)), staff.team_manager)
    escalate(staff, raise_for(staff, "Dela Greyfriar", date(2024, 6, 3)), staff.senior_manager)
    resolved = raise_for(staff, "Emry Hartwell", date(2024, 6, 3))
    services.resolve_dispute(
        dispute=resolved, resolved_on=date(2024, 6, 5), resolution="Agreed.",
        acting_user=staff.iro, expected_version=current_version(resolved),
    )  # fmt: skip
    raise_for(staff, "Fenn Inchbrook", date(2024, 6, 3), to=staff.social_worker)

    queue = queues.disputes_waiting_for_answer(staff.team_manager, day=TODAY)
    assert names(queue) == ["Ayla Dunmere", "Brin Elmstead"]
    assert [row.flag for row in queue.rows] == ["overdue", ""]
    assert queue.rows[0].cells[3] == "15 working days late"
    assert queue.rows[1].cells[3] == "3 Jul 2024"
    assert names(queues.disputes_waiting_for_answer(staff.senior_manager, day=TODAY)) == [
        "Dela Greyfriar"
    ]
    assert names(queues.disputes_waiting_for_answer(staff.social_worker, day=TODAY)) == [
        "Fenn Inchbrook"
    ]


def test_waiting_for_my_answer_leaves_out_a_restricted_child_once_off_the_list(staff):
    dispute = raise_for(staff, "Gale Jessamy", date(2024, 6, 3))
    dispute.child.restricted = True
    dispute.child.save(update_fields=["restricted"])
    assert names(queues.disputes_waiting_for_answer(staff.team_manager, day=TODAY)) == []
    RestrictedAccess.objects.create(
        child=dispute.child, user=staff.team_manager, added_by=staff.iro_manager
    )
    assert names(queues.disputes_waiting_for_answer(staff.team_manager, day=TODAY)) == [
        "Gale Jessamy"
    ]


@pytest.mark.parametrize("who", ["iro", "analyst", "partnership", "admin"])
def test_waiting_for_my_answer_is_empty_for_those_who_do_not_answer(staff, who):
    raise_for(staff, "Ayla Dunmere", date(2024, 6, 3))
    assert queues.disputes_waiting_for_answer(getattr(staff, who), day=TODAY).rows == ()


def test_overdue_answers_list_only_those_past_the_stage_timescale(staff):
    raise_for(staff, "Ayla Dunmere", date(2024, 6, 3))  # due 10 June
    raise_for(staff, "Brin Elmstead", date(2024, 6, 26))  # due 3 July
    answer(raise_for(staff, "Cato Fallowfield", date(2024, 6, 3)), staff.team_manager)
    escalate(
        staff,
        raise_for(staff, "Dela Greyfriar", date(2024, 6, 3)),
        staff.senior_manager,
        on=date(2024, 6, 10),
    )  # fmt: skip  (stage 2 due 24 June)
    queue = queues.dispute_responses_overdue(staff.iro_manager, day=TODAY)
    assert names(queue) == ["Ayla Dunmere", "Dela Greyfriar"]
    assert queue.rows[0].cells[2] == "Tess Larkmoor, Team manager"
    assert queue.rows[1].cells[3] == "5 working days late"
    assert queues.dispute_responses_overdue(staff.team_manager, day=TODAY).rows == ()


def test_dispute_queues_cost_the_same_queries_for_one_or_many(staff):
    raise_for(staff, "Hollis Kettlewick", date(2024, 6, 3))
    counts = []
    for extra in ([], ["Ione Larkmoor", "Jory Millbeck", "Kestrel Northolme"]):
        for n, name in enumerate(extra):
            raise_for(staff, name, date(2024, 6, 3 + n))
            answer(raise_for(staff, name, date(2024, 6, 3 + n)), staff.team_manager)
        with CaptureQueriesContext(connection) as waiting:
            queues.disputes_waiting_for_answer(staff.team_manager, day=TODAY)
        with CaptureQueriesContext(connection) as overdue:
            queues.dispute_responses_overdue(staff.iro_manager, day=TODAY)
        with CaptureQueriesContext(connection) as to_decide:
            queues.answers_to_decide(staff.iro, day=TODAY)
        counts.append((len(waiting), len(overdue), len(to_decide)))
    assert counts[0] == counts[1]


def test_answers_to_decide_lists_the_iros_open_disputes_answered_at_their_stage(staff):
    answered = raise_for(staff, "Ayla Dunmere", date(2024, 6, 3))
    answer(answered, staff.team_manager)
    raise_for(staff, "Brin Elmstead", date(2024, 6, 3))  # not answered yet
    moved_on = raise_for(staff, "Cato Fallowfield", date(2024, 6, 3))
    answer(moved_on, staff.team_manager)
    escalate(staff, moved_on, staff.senior_manager)  # the new stage waits for its answer
    queue = queues.answers_to_decide(staff.iro, day=TODAY)
    assert names(queue) == ["Ayla Dunmere"]
    assert queue.rows[0].cells[2:] == ("Tess Larkmoor, Team manager", "7 Jun 2024")
    assert queues.answers_to_decide(staff.other_iro, day=TODAY).rows == ()  # not theirs
    assert queues.answers_to_decide(staff.team_manager, day=TODAY).rows == ()


# ------------------------------------------------------ multi-agency challenges


def test_challenges_to_forward_and_without_response_for_the_partnership(staff):
    child = ChildFactory(team=staff.team, la_child_id="LA5501")
    waiting = MultiAgencyChallengeFactory(child=child, raised_on=date(2024, 6, 20))
    late = MultiAgencyChallengeFactory(
        child=child,
        raised_on=date(2024, 5, 1),
        forwarded_on=date(2024, 5, 2),
        forwarded_to="Ward manager",
        forwarded_by=staff.partnership,
    )  # fmt: skip  (due 20 working days on, before today)
    MultiAgencyChallengeFactory(
        child=child,
        raised_on=date(2024, 6, 20),
        forwarded_on=date(2024, 6, 21),
        forwarded_to="Practice manager",
        forwarded_by=staff.partnership,
    )  # fmt: skip  (still in time)
    MultiAgencyChallengeFactory(
        child=child,
        raised_on=date(2024, 5, 1),
        forwarded_on=date(2024, 5, 2),
        responded_on=date(2024, 5, 20),
        response="Agreed.",
        outcome="upheld",
    )  # fmt: skip  (answered)

    to_forward = queues.challenges_to_forward(staff.partnership, day=TODAY)
    assert [row.href for row in to_forward.rows] == [f"/challenges/{waiting.public_id}/"]
    assert names(to_forward) == ["Child LA5501"]  # never a name for the partnership
    no_response = queues.challenges_without_response(staff.partnership, day=TODAY)
    assert [row.href for row in no_response.rows] == [f"/challenges/{late.public_id}/"]
    assert no_response.rows[0].cells[2:] == (
        "Ward manager", "2 May 2024", "3 Jun 2024", "20 working days late",
    )  # fmt: skip
    for who in ("iro", "analyst", "team_manager"):
        assert queues.challenges_to_forward(getattr(staff, who), day=TODAY).rows == ()
        assert queues.challenges_without_response(getattr(staff, who), day=TODAY).rows == ()


def test_challenge_queues_cost_the_same_queries_for_one_or_many(staff):
    counts = []
    for n in (1, 4):
        for _ in range(n):
            MultiAgencyChallengeFactory(raised_on=date(2024, 6, 3))
            MultiAgencyChallengeFactory(
                raised_on=date(2024, 5, 1), forwarded_on=date(2024, 5, 2), forwarded_to="X"
            )
        with CaptureQueriesContext(connection) as both:
            queues.challenges_to_forward(staff.partnership, day=TODAY)
            queues.challenges_without_response(staff.partnership, day=TODAY)
        counts.append(len(both))
    assert counts[0] == counts[1]


# ------------------------------------------------------------------- targets


def test_the_targets_queue_shows_this_years_position_from_the_reports(staff):
    services.set_target(
        year="2024-25", measure="children_with_dispute_raised", value=1,
        direction="at_most", action="Resolve worries early.", acting_user=staff.iro_manager,
    )  # fmt: skip
    services.set_target(
        year="2023-24", measure="children_with_dispute_raised", value=1,
        direction="at_most", action="Last year's.", acting_user=staff.iro_manager,
    )  # fmt: skip
    raise_for(staff, "Ayla Dunmere", date(2024, 6, 3))
    raise_for(staff, "Brin Elmstead", date(2024, 6, 26))
    raise_for(staff, "Cato Fallowfield", date(2024, 3, 26))  # last reporting year
    queue = queues.targets_this_year(staff.iro_manager, day=TODAY)
    assert queue.title == "Targets for 2024-25"
    (row,) = queue.rows
    assert row.cells == ("Children with a dispute raised", "At most 1 child", "2 children")
    assert (row.flag, row.tone) == ("Not on track", "red")  # the position once, as a tag
    assert not queue.counted  # not work waiting: no count among the queues' counts
    assert queues.targets_this_year(staff.iro, day=TODAY).rows == ()
    assert queues.targets_this_year(staff.analyst, day=TODAY).rows == ()
