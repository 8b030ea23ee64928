"""A child's journey page: the child's name as its one h1, every stage with its dates."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.journey.models import Assessment
from tests.factories import (
    ChildFactory,
    CinPlanPeriodFactory,
    EpisodeFactory,
    FamilyFactory,
    child_on_plan,
    make_staff,
)

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


def test_the_page_shows_every_module_of_a_census_return(client, staff):
    child = ChildFactory(team=staff.team, first_name="Wren", last_name="Ashdown")
    EpisodeFactory(child=child, referral_date=date(2024, 2, 5), referral_nfa=True,
                   closure_date=date(2024, 2, 5), closure_reason="RC7")  # fmt: skip
    episode = EpisodeFactory(
        child=child, referral_date=date(2025, 1, 6), icpc_date=date(2025, 2, 3)
    )
    CinPlanPeriodFactory(episode=episode, start_date=date(2025, 1, 20),
                         end_date=date(2025, 4, 11))  # fmt: skip
    CinPlanPeriodFactory(episode=episode, start_date=date(2025, 5, 2))
    Assessment.objects.create(
        episode=episode,
        start_date=date(2025, 1, 7),
        authorisation_date=date(2025, 1, 17),
        factors=["7A", "21"],
    )
    Assessment.objects.create(episode=episode, start_date=date(2025, 6, 9))
    client.force_login(staff.social_worker)
    with time_machine.travel(date(2025, 10, 10), tick=False):
        body = client.get(reverse("child_journey", args=[child.public_id])).content.decode()
    assert "Child in Need plan started</th>" in body
    assert body.count("Child in Need plan started") == 2
    assert "Child in Need plan ended</th>" in body
    for shown in ("20 Jan 2025", "11 Apr 2025", "2 May 2025", "Started 20 January 2025"):
        assert shown in body
    assert "No further action" in body
    assert body.count("Assessment started</th>") == 2
    assert "Assessment authorised</th>" in body
    assert "Factors: Young carer; No factors identified" in body
    assert "Date from a census return, with no Section 47 enquiry recorded" in body
    for shown in ("7 Jan 2025", "17 Jan 2025", "9 Jun 2025", "3 Feb 2025"):
        assert shown in body
    # Someone who may not see the child sees none of it.
    client.force_login(staff.outsider)
    refused = client.get(reverse("child_journey", args=[child.public_id]))
    assert refused.status_code == 403
    assert "Child in Need plan" not in refused.content.decode()
    assert "Assessment" not in refused.content.decode()
