"""The plan every family document test starts from: Quilla's, with a worry, what is
working well, a score, an outcome with an action and a core group member."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey import plan_services
from iro.journey.models import InviteeRole
from tests.factories import child_on_plan, make_staff


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def plan(staff):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2024, 3, 1),
        icpc_on=date(2024, 3, 20),
        team=staff.team,
        first_name="Quilla",
        last_name="Ashcombe",
        social_worker=staff.social_worker,
    )
    row = journey.icpc.children.get()
    row.worries = "Quilla has missed a lot of school and there is not always food at home."
    row.working_well = "Quilla loves her gran, who lives close by."
    row.scaling_score = 4
    row.save()
    outcome = plan_services.add_outcome(
        plan=journey.plan, text="Quilla goes to school every day", acting_user=staff.iro
    )
    plan_services.add_action(
        plan=journey.plan, outcome=outcome, what="Walk Quilla to school each morning",
        who="Mum", by_when=date(2024, 7, 19), acting_user=staff.iro,
    )  # fmt: skip
    plan_services.add_core_group_member(
        plan=journey.plan, name="Fern Oakley", role=InviteeRole.SCHOOL,
        joined_on=date(2024, 3, 20), acting_user=staff.iro,
    )  # fmt: skip
    return journey.plan
