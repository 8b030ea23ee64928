"""The void and restore pages: a manager voids a record with a reason, lands on the
record shown as voided (when, by whom, why) with a Restore form, and restores it; an
IRO and an analyst are refused; refusals go into the error summary."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from iro.access.models import AccessLogEntry
from iro.challenge.models import Dispute
from iro.journey import corrections
from iro.journey.models import Conference, ConferenceKind, Plan, PlanEndReason
from tests.challenge.factories import DisputeFactory
from tests.factories import (
    ChildFactory,
    ConferenceChildFactory,
    EpisodeFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

WHY = "Entered on the wrong child's record."
BACK = "It was the right child after all."


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    return child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27), team=staff.team,
        first_name="Wren", last_name="Ashcombe",
    )  # fmt: skip


def test_a_manager_voids_a_conference_and_sees_it_voided_with_a_restore(client, staff, journey):
    client.force_login(staff.iro_manager)
    detail = client.get(reverse("conference_detail", args=[journey.icpc.public_id]))
    void_url = reverse("conference_void", args=[journey.icpc.public_id])
    assert void_url in detail.content.decode()

    page = client.get(void_url).content.decode()
    assert page.count("<h1") == 1 and "Void this record" in page
    name = str(journey.child).replace("'", "&#x27;")
    assert f"{name}&#x27;s plan from 27 January 2025 is voided with it." in page
    assert "Initial child protection conference held 27 January 2025" in page

    response = client.post(void_url, {"reason": WHY})
    restore_url = reverse("conference_restore", args=[journey.icpc.public_id])
    assert response.status_code == 302 and response["Location"] == restore_url
    assert not Conference.objects.exists()

    page = client.get(restore_url).content.decode()
    assert "Voided" in page and WHY.replace("'", "&#x27;") in page
    assert str(staff.iro_manager) in page
    child_url = reverse("child_journey", args=[journey.child.public_id])
    assert f'<a href="{child_url}" class="govuk-back-link">' in page  # back to the child
    journey_page = client.get(child_url)
    assert restore_url in journey_page.content.decode()
    # The voided conference's own address leads the manager to its restore page; an IRO
    # finds nothing there.
    detail_url = reverse("conference_detail", args=[journey.icpc.public_id])
    assert client.get(detail_url)["Location"] == restore_url
    client.force_login(staff.iro)
    assert client.get(detail_url).status_code == 404
    client.force_login(staff.iro_manager)

    response = client.post(restore_url, {"reason": BACK})
    assert response["Location"] == reverse("conference_detail", args=[journey.icpc.public_id])
    # The record's history says it was voided and restored, once each.
    history = client.get(reverse("conference_history", args=[journey.icpc.public_id])).text
    assert history.count("Voided on ") == 1 and history.count("Restored on ") == 1
    assert f"by {staff.iro_manager}. The reason given: " in history
    assert Conference.objects.count() == 1
    assert Plan.objects.count() == 1
    # Each page read is in the access log under the child.
    assert AccessLogEntry.objects.filter(child=journey.child, what="conference_restore").exists()


def test_a_missing_reason_is_shown_in_the_error_summary(client, staff, journey):
    client.force_login(staff.iro_manager)
    url = reverse("conference_void", args=[journey.icpc.public_id])
    page = client.post(url, {"reason": ""}).content.decode()
    assert "govuk-error-summary" in page
    assert corrections.VOID_REASON_REQUIRED in page
    assert "<title>Error: " in page
    assert Conference.objects.count() == 1


def test_a_refusal_names_what_depends_on_the_record(client, staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27),
        reviews=(date(2025, 4, 20),), team=staff.team,
    )  # fmt: skip
    client.force_login(staff.iro_manager)
    page = client.post(
        reverse("conference_void", args=[journey.icpc.public_id]), {"reason": WHY}
    ).content.decode()
    assert "1 later conference of its own (held 20 April 2025): void it first." in page
    assert Conference.objects.count() == 2
    # Said before a reason is typed, with no form to fill in.
    page = client.get(reverse("conference_void", args=[journey.icpc.public_id])).text
    assert 'id="void-blocked"' in page and "(held 20 April 2025): void it first." in page
    assert 'name="reason"' not in page


@pytest.mark.parametrize("who", ["iro", "analyst"])
def test_an_iro_and_an_analyst_are_refused(client, staff, journey, who):
    client.force_login(getattr(staff, who))
    for name in ("conference_void", "conference_restore"):
        url = reverse(name, args=[journey.icpc.public_id])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": WHY}).status_code == 403
    assert Conference.objects.count() == 1


def test_an_iro_sees_no_void_link(client, staff, journey):
    client.force_login(staff.iro)
    page = client.get(reverse("conference_detail", args=[journey.icpc.public_id]))
    assert reverse("conference_void", args=[journey.icpc.public_id]) not in page.content.decode()


def test_a_dispute_is_voided_and_restored_through_its_pages(client, staff):
    dispute = DisputeFactory(child=ChildFactory(team=staff.team))
    client.force_login(staff.iro_manager)
    response = client.post(reverse("dispute_void", args=[dispute.public_id]), {"reason": WHY})
    assert response["Location"] == reverse("dispute_restore", args=[dispute.public_id])
    assert client.get(reverse("dispute_detail", args=[dispute.public_id])).status_code == 404
    client.post(reverse("dispute_restore", args=[dispute.public_id]), {"reason": BACK})
    assert Dispute.objects.count() == 1


def test_a_plan_end_is_voided_and_restored_through_the_plan_pages(client, staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27),
        ended_on=date(2025, 3, 1), end_reason=PlanEndReason.TRANSFERRED_OUT, team=staff.team,
    )  # fmt: skip
    client.force_login(staff.iro_manager)
    plan_page = client.get(reverse("plan_detail", args=[journey.plan.public_id]))
    void_url = reverse("plan_end_void", args=[journey.plan.public_id])
    assert void_url in plan_page.content.decode()
    response = client.post(void_url, {"reason": WHY})
    restore_url = reverse("plan_end_restore", args=[journey.plan.public_id])
    assert response["Location"] == restore_url
    journey.plan.refresh_from_db()
    assert journey.plan.end_date is None
    page = client.get(restore_url).content.decode()
    assert "End of the plan from 27 January 2025 on 1 March 2025" in page
    plan_page = client.get(reverse("plan_detail", args=[journey.plan.public_id]))
    assert restore_url in plan_page.content.decode()
    client.post(restore_url, {"reason": BACK})
    journey.plan.refresh_from_db()
    assert journey.plan.end_date == date(2025, 3, 1)


def test_an_end_a_review_decided_is_voided_through_that_review_from_the_plan_page(client, staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27),
        ended_on=date(2025, 4, 20), end_reason=PlanEndReason.CLOSED, team=staff.team,
    )  # fmt: skip
    review = hold_conference(
        kind=ConferenceKind.REVIEW, chair=staff.iro, held_on=date(2025, 4, 20),
        children=[(journey.child, {"plan": journey.plan, "decision": "end"})],
    )  # fmt: skip
    client.force_login(staff.iro_manager)
    page = client.get(reverse("plan_detail", args=[journey.plan.public_id])).text
    assert reverse("conference_void", args=[review.public_id]) in page
    assert "the review of 20 April 2025 that ended this plan" in page
    assert reverse("plan_end_void", args=[journey.plan.public_id]) not in page


def test_a_strategy_discussion_is_voided_from_the_childs_page(client, staff):
    child = ChildFactory(team=staff.team)
    from tests.factories import s47_for

    s47 = s47_for(child, referral=date(2025, 10, 1), strategy=date(2025, 10, 2))
    client.force_login(staff.iro_manager)
    void_url = reverse(
        "strategy_discussion_void", args=[child.public_id, s47.strategy_discussion_id]
    )
    assert void_url in client.get(reverse("child_journey", args=[child.public_id])).content.decode()
    client.post(void_url, {"reason": WHY})
    page = client.get(reverse("child_journey", args=[child.public_id])).content.decode()
    assert "Voided and restored records" in page
    assert "<s>Strategy discussion on 2 October 2025</s>" in page


def test_a_referral_is_voided_from_the_childs_page_and_restored(client, staff):
    child = ChildFactory(team=staff.team)
    episode = EpisodeFactory(child=child, referral_date=date(2025, 10, 1))
    journey_url = reverse("child_journey", args=[child.public_id])
    void_url = reverse("referral_void", args=[child.public_id, episode.pk])
    client.force_login(staff.iro_manager)
    assert void_url in client.get(journey_url).text
    assert "must be voided first" in client.get(void_url).text  # what voiding does
    response = client.post(void_url, {"reason": WHY}, follow=True)
    assert "Voided: Referral of 1 October 2025." in response.text
    page = client.get(journey_url).text
    assert "<s>Referral of 1 October 2025</s>" in page
    assert void_url not in page
    restore_url = reverse("referral_restore", args=[child.public_id, episode.pk])
    assert restore_url in page
    client.post(restore_url, {"reason": BACK})
    assert void_url in client.get(journey_url).text


def test_a_referral_with_a_discussion_is_refused_saying_what_to_void_first(client, staff):
    child = ChildFactory(team=staff.team)
    s47 = s47_for(child, referral=date(2025, 10, 1), strategy=date(2025, 10, 2))
    client.force_login(staff.iro_manager)
    response = client.post(
        reverse("referral_void", args=[child.public_id, s47.episode_id]), {"reason": WHY}
    )
    assert "has a strategy discussion recorded in its episode: void it first" in response.text


def test_a_coordinator_sees_no_referral_void_link_and_is_refused(client, staff):
    child = ChildFactory(team=staff.team)
    episode = EpisodeFactory(child=child, referral_date=date(2025, 10, 1))
    void_url = reverse("referral_void", args=[child.public_id, episode.pk])
    client.force_login(staff.coordinator)
    assert void_url not in client.get(reverse("child_journey", args=[child.public_id])).text
    assert client.post(void_url, {"reason": WHY}).status_code == 403
    episode.refresh_from_db()
    assert episode.voided_at is None


def _brother_at(staff, journey):
    """A brother listed at his sister's held initial conference (with no decision)."""
    brother = ChildFactory(
        team=staff.team, family=journey.child.family, first_name="Brannoc", last_name="Ashcombe"
    )
    s47 = s47_for(brother, referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    return ConferenceChildFactory(conference=journey.icpc, child=brother, section47=s47)


def test_a_manager_takes_one_child_off_a_held_conference_and_can_put_them_back(
    client, staff, journey
):
    row = _brother_at(staff, journey)
    client.force_login(staff.iro_manager)
    detail_url = reverse("conference_detail", args=[journey.icpc.public_id])
    void_url = reverse("conference_child_void", args=[journey.icpc.public_id, row.pk])
    detail = client.get(detail_url).text
    assert void_url in detail
    assert "Take Brannoc Ashcombe off this conference's record" in detail

    page = client.get(void_url).text
    assert "Listed at the initial child protection conference held 27 January 2025" in page
    assert "Brannoc Ashcombe leaves this conference&#x27;s record" in page

    response = client.post(void_url, {"reason": WHY})
    restore_url = reverse("conference_child_restore", args=[journey.icpc.public_id, row.pk])
    assert response["Location"] == restore_url
    detail = client.get(detail_url).text
    assert "Brannoc Ashcombe was taken off this conference's record on" in detail
    assert restore_url in detail
    assert void_url not in detail  # only Wren is left: the whole conference is voided instead
    # The brother's page keeps the correction, with its restore.
    brother_page = client.get(reverse("child_journey", args=[row.child.public_id])).text
    assert restore_url in brother_page

    response = client.post(restore_url, {"reason": BACK})
    assert response["Location"] == detail_url
    assert "was taken off this conference" not in client.get(detail_url).text


@pytest.mark.parametrize("who", ["iro", "coordinator", "analyst"])
def test_taking_a_child_off_is_refused_to_all_but_the_manager(client, staff, journey, who):
    row = _brother_at(staff, journey)
    client.force_login(getattr(staff, who))
    void_url = reverse("conference_child_void", args=[journey.icpc.public_id, row.pk])
    assert client.get(void_url).status_code == 403
    assert client.post(void_url, {"reason": WHY}).status_code == 403
    assert journey.icpc.children.count() == 2


def test_a_manager_who_may_not_see_the_brother_is_refused_his_row(client, staff, journey):
    row = _brother_at(staff, journey)
    row.child.restricted = True
    row.child.save(update_fields=["restricted"])
    client.force_login(staff.iro_manager)
    void_url = reverse("conference_child_void", args=[journey.icpc.public_id, row.pk])
    assert client.get(void_url).status_code in (403, 404)
    assert client.post(void_url, {"reason": WHY}).status_code in (403, 404)
    assert journey.icpc.children.count() == 2


def test_the_last_child_cannot_be_taken_off_and_the_page_says_why(client, staff, journey):
    row = journey.icpc.children.get()
    client.force_login(staff.iro_manager)
    void_url = reverse("conference_child_void", args=[journey.icpc.public_id, row.pk])
    page = client.post(void_url, {"reason": WHY}).text
    assert "only child left on this conference&#x27;s record: void the conference" in page
    assert "govuk-error-summary" in page
