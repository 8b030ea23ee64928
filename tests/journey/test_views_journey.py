"""A child's journey page: the child's name as its one h1, every stage with its dates."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.factories import FamilyFactory, child_on_plan, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def test_the_page_shows_each_stage_and_links_to_conferences_and_plans(client, staff):
    family = FamilyFactory()
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 24),
        reviews=(date(2025, 6, 20),), team=staff.team, family=family,
        first_name="Linnet", last_name="Millbeck",
    )  # fmt: skip
    child_on_plan(
        chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 24),
        team=staff.team, family=family, first_name="Marlo", last_name="Millbeck",
    )  # fmt: skip
    client.force_login(staff.social_worker)
    with time_machine.travel(date(2025, 10, 10), tick=False):
        body = client.get(reverse("child_journey", args=[journey.child.public_id])).content.decode()
    assert body.count("<h1") == 1
    assert '<h1 class="govuk-heading-xl">Linnet Millbeck</h1>' in body
    assert "<title>Linnet Millbeck – " in body
    assert reverse("conference_detail", args=[journey.icpc.public_id]) in body
    assert reverse("conference_detail", args=[journey.reviews[0].public_id]) in body
    assert reverse("plan_detail", args=[journey.plan.public_id]) in body
    assert "Marlo Millbeck</a>" in body  # a sibling the social worker may see
    for shown in ("24 Mar 2025", "20 Jun 2025", "24 Jun 2025", "20 Dec 2025", "Yes"):
        assert shown in body
    assert "15 working days after the S47 started" in body
