"""Disputes and multi-agency challenges written through the API: each call goes to the
service the page's form calls, refuses what the page refuses with the page's messages,
and a dispute changed from a stale version is refused (409, or 412 with If-Match)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from iro.api.errors import API_STALE as STALE_RECORD
from iro.api.errors import API_VERSION_MISSING as VERSION_MISSING
from iro.api.views import NO_SUCH_ADDRESSEE, NO_SUCH_AGENCY, NO_SUCH_PLAN
from iro.challenge import forms, services
from iro.challenge.models import (
    ChallengeOutcome,
    Dispute,
    DisputeOutcome,
    DisputeReason,
    MultiAgencyChallenge,
)
from iro.journey.checks import current_version
from iro.notices.models import Notice
from tests.factories import AgencyFactory, ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Northmoor Community Health")


@pytest.fixture
def dispute(case, staff):
    """A dispute about the case's plan, at stage 1, sent to the child's team manager."""
    return services.raise_dispute(
        child=case.journey.child,
        plan=case.journey.plan,
        raised_on=date(2026, 6, 1),
        reason=DisputeReason.PROGRESS,
        detail="The plan has drifted since the conference.",
        addressed_to=staff.team_manager,
        acting_user=staff.iro,
    )


@pytest.fixture
def challenge(case, staff, agency):
    return services.raise_multi_agency_challenge(
        child=case.journey.child,
        agency=agency,
        professional="Health visitor",
        concern="No health report was shared before the conference.",
        raised_on=date(2026, 6, 2),
        acting_user=staff.iro,
    )


def hidden_child(staff):
    """A child of the team on no one's access list: it does not exist for the IRO."""
    return ChildFactory(team=staff.team, restricted=True, la_child_id="LA-HIDDEN")


def without_none(body: dict) -> dict:
    """The body with the keys given as None left out (a version sent as If-Match)."""
    return {k: v for k, v in body.items() if v is not None}


def path(record, action: str = "") -> str:
    kind = "disputes" if isinstance(record, Dispute) else "challenges"
    return f"/api/{kind}/{record.public_id}/" + (f"{action}/" if action else "")


# ------------------------------------------------------------ raising a dispute


def raising(case, **changes) -> dict:
    return {
        "child": str(case.journey.child.public_id),
        "plan": str(case.journey.plan.public_id),
        "raised_on": "2026-06-10",
        "reason": DisputeReason.PLANNING,
        "addressed_to": "tess-manager",
        "detail": "No core group has met since the conference.",
    } | changes


def test_an_iro_raises_a_dispute_sent_to_the_childs_team_manager(case, staff, api_as):
    response = api_as(staff.iro).post("/api/disputes/", raising(case))
    assert response.status_code == 201, response.json()
    dispute = Dispute.objects.get()
    body = response.json()
    assert body["public_id"] == str(dispute.public_id)
    assert (body["stage"], body["plan"], body["raised_by"]) == (
        1, str(case.journey.plan.public_id), "ivy-iro",
    )  # fmt: skip
    assert body["stages"][0]["sent_to"].startswith("Tess Larkmoor")
    assert response["ETag"] == f'"{dispute.version}"'
    assert dispute.stages.get().addressed_to == staff.team_manager
    assert Notice.objects.filter(recipient=staff.team_manager).exists()


def test_a_dispute_without_its_worry_or_a_person_gets_the_pages_messages(case, staff, api_as):
    api = api_as(staff.iro)
    response = api.post("/api/disputes/", raising(case, detail="  ", addressed_to=""))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "detail": [services.DETAIL_REQUIRED],
        "addressed_to": [services.ADDRESSEE_REQUIRED],
    }
    no_reason = api.post("/api/disputes/", raising(case, reason=""))
    assert no_reason.json()["errors"] == {"reason": [forms.REASON_REQUIRED]}
    assert not Dispute.objects.exists()


def test_a_dispute_is_sent_only_to_someone_the_page_offers(case, staff, api_as):
    # Another team's social worker does not answer for this child.
    response = api_as(staff.iro).post("/api/disputes/", raising(case, addressed_to="oli-outsider"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"addressed_to": [NO_SUCH_ADDRESSEE]}
    assert not Dispute.objects.exists()


def test_a_plan_of_another_child_is_not_found_for_this_one(case, staff, api_as):
    other = ChildFactory(team=staff.team)
    response = api_as(staff.iro).post("/api/disputes/", raising(case, child=str(other.public_id)))
    assert response.status_code == 400
    assert response.json()["errors"] == {"plan": [NO_SUCH_PLAN]}
    assert not Dispute.objects.exists()


def test_a_role_that_raises_no_disputes_is_refused(case, staff, api_as):
    response = api_as(staff.social_worker).post("/api/disputes/", raising(case))
    assert response.status_code == 403
    assert not Dispute.objects.exists()


def test_a_dispute_about_a_child_the_iro_may_not_see_is_refused(case, staff, api_as, settings):
    hidden = hidden_child(staff)
    api = api_as(staff.iro)
    response = api.post("/api/disputes/", raising(case, child=str(hidden.public_id), plan=None))
    assert response.status_code == 404
    settings.IRO_CHILD_ACCESS = "chaired"  # Otto chairs none of this child's conferences
    assert api_as(staff.other_iro).post("/api/disputes/", raising(case)).status_code == 403
    assert not Dispute.objects.exists()


# ---------------------------------------------------------- escalating a dispute


def escalating(dispute, **changes) -> dict:
    return without_none(
        {
            "escalated_on": "2026-06-12",
            "addressed_to": "seren-senior",
            "note": "No answer at stage 1.",
            "version": dispute.version,
        }
        | changes
    )


def test_an_iro_escalates_a_dispute_with_the_version_read(dispute, staff, api_as):
    api = api_as(staff.iro)
    version = api.get(path(dispute))["ETag"]
    response = api.post(
        path(dispute, "escalate"), escalating(dispute, version=None), {"If-Match": version}
    )
    assert response.status_code == 200, response.json()
    dispute.refresh_from_db()
    assert response.json()["stage"] == dispute.stage == 2
    assert response["ETag"] == f'"{dispute.version}"' != version
    assert dispute.stages.get(stage=2).addressed_to == staff.senior_manager


def test_an_escalation_before_the_stage_began_gets_the_services_message(dispute, staff, api_as):
    response = api_as(staff.iro).post(
        path(dispute, "escalate"), escalating(dispute, escalated_on="2026-05-31")
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "escalated_on": [services.BEFORE_STAGE_START.format(date=date(2026, 6, 1))]
    }
    dispute.refresh_from_db()
    assert dispute.stage == 1


def test_an_escalation_from_a_stale_version_is_refused(dispute, staff, api_as):
    api = api_as(staff.iro)
    stale = dispute.version
    assert api.post(path(dispute, "escalate"), escalating(dispute)).status_code == 200
    again = api.post(path(dispute, "escalate"), escalating(dispute, version=stale))
    assert again.status_code == 409
    assert again.json()["errors"] == {"version": [STALE_RECORD]}
    by_header = api.post(
        path(dispute, "escalate"),
        escalating(dispute, version=None),
        {"If-Match": f'"{stale}"'},
    )
    assert by_header.status_code == 412
    missing = api.post(path(dispute, "escalate"), escalating(dispute, version=None))
    assert (missing.status_code, missing.json()["errors"]) == (428, {"version": [VERSION_MISSING]})
    dispute.refresh_from_db()
    assert dispute.stage == 2


def test_escalating_is_refused_to_the_addressee_and_to_an_iro_who_may_not_see_the_child(
    dispute, staff, api_as, settings
):
    # The team manager answers the dispute, and may read it, but does not escalate it.
    assert api_as(staff.team_manager).post(
        path(dispute, "escalate"), escalating(dispute)
    ).status_code == 403  # fmt: skip
    settings.IRO_CHILD_ACCESS = "chaired"
    assert api_as(staff.other_iro).post(
        path(dispute, "escalate"), escalating(dispute)
    ).status_code == 403  # fmt: skip
    dispute.refresh_from_db()
    assert (dispute.stage, dispute.version) == (1, 1)


# ------------------------------------------------------------ resolving a dispute


def resolving(dispute, **changes) -> dict:
    return without_none(
        {
            "resolved_on": "2026-06-14",
            "resolution": "A core group is booked for next week.",
            "outcome": DisputeOutcome.CONCERN_ADDRESSED,
            "version": dispute.version,
        }
        | changes
    )


def test_an_iro_resolves_a_dispute_with_the_outcome(dispute, staff, api_as):
    response = api_as(staff.iro).post(path(dispute, "resolve"), resolving(dispute))
    assert response.status_code == 200, response.json()
    dispute.refresh_from_db()
    assert (dispute.resolved_on, dispute.outcome) == (
        date(2026, 6, 14), DisputeOutcome.CONCERN_ADDRESSED,
    )  # fmt: skip
    assert response.json()["resolved_on"] == "2026-06-14"
    assert response["ETag"] == f'"{dispute.version}"'


def test_a_blank_resolution_and_no_outcome_get_the_resolve_forms_messages(dispute, staff, api_as):
    body = resolving(dispute, resolution=" ")
    del body["outcome"]
    response = api_as(staff.iro).post(path(dispute, "resolve"), body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "resolution": [forms.RESOLUTION_REQUIRED],
        "outcome": [forms.DISPUTE_OUTCOME_REQUIRED],
    }
    dispute.refresh_from_db()
    assert dispute.resolved_on is None


def test_a_resolution_from_a_stale_version_is_refused(dispute, staff, api_as):
    stale = dispute.version
    services.record_stage_response(
        dispute=dispute,
        responded_on=date(2026, 6, 5),
        response="The core group will meet.",
        acting_user=staff.team_manager,
        expected_version=stale,
    )
    api = api_as(staff.iro)
    assert api.post(path(dispute, "resolve"), resolving(dispute, version=stale)).status_code == 409
    by_header = api.post(
        path(dispute, "resolve"), resolving(dispute, version=None), {"If-Match": f'"{stale}"'}
    )
    assert by_header.status_code == 412
    dispute.refresh_from_db()
    assert dispute.resolved_on is None


def test_resolving_is_refused_to_a_role_that_raises_no_disputes_and_to_another_team(
    dispute, staff, api_as
):
    assert api_as(staff.social_worker).post(
        path(dispute, "resolve"), resolving(dispute)
    ).status_code == 403  # fmt: skip
    assert api_as(staff.outsider).post(
        path(dispute, "resolve"), resolving(dispute)
    ).status_code == 403  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.resolved_on is None


def test_a_dispute_of_a_child_off_the_iros_list_is_not_found(case, staff, api_as):
    hidden = hidden_child(staff)
    dispute = Dispute.objects.create(
        child=hidden,
        raised_by=staff.iro_manager,
        raised_on=date(2026, 6, 1),
        reason=DisputeReason.PRACTICE,
        detail="No visits recorded.",
    )
    response = api_as(staff.iro).post(path(dispute, "resolve"), resolving(dispute))
    assert response.status_code == 404


# ------------------------------------------------- the response at a dispute's stage


def responding(dispute, **changes) -> dict:
    return without_none(
        {
            "responded_on": "2026-06-08",
            "response": "A core group is booked for 22 June.",
            "version": dispute.version,
        }
        | changes
    )


def test_the_person_the_stage_went_to_answers_it_and_the_iro_is_told(dispute, staff, api_as):
    response = api_as(staff.team_manager).post(path(dispute, "responses"), responding(dispute))
    assert response.status_code == 200, response.json()
    stage = dispute.stages.get()
    assert (stage.responded_on, stage.responded_by) == (date(2026, 6, 8), staff.team_manager)
    assert response.json()["stages"][0]["responded_on"] == "2026-06-08"
    assert response["ETag"] == f'"{current_version(dispute)}"'
    assert Notice.objects.filter(
        recipient=staff.iro, subject__startswith=services.ANSWER_WAITING
    ).exists()


def test_the_iro_records_the_reply_at_an_older_stage_sent_to_no_one_in_iro(dispute, staff, api_as):
    dispute.stages.update(addressed_to=None, sent_to="Team manager, by email")
    response = api_as(staff.iro).post(path(dispute, "responses"), responding(dispute))
    assert response.status_code == 200, response.json()
    assert dispute.stages.get().responded_by == staff.iro


def test_a_blank_answer_gets_the_services_message(dispute, staff, api_as):
    response = api_as(staff.team_manager).post(
        path(dispute, "responses"), responding(dispute, response="")
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"response": [services.ANSWER_REQUIRED]}
    assert dispute.stages.get().responded_on is None


def test_an_answer_from_a_stale_version_is_refused(dispute, staff, api_as):
    stale = dispute.version
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2026, 6, 5),
        addressed_to=staff.team_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.iro,
        expected_version=stale,
    )
    api = api_as(staff.team_manager)
    refused = api.post(path(dispute, "responses"), responding(dispute, version=stale))
    assert refused.status_code == 409
    by_header = api.post(
        path(dispute, "responses"),
        responding(dispute, version=None),
        {"If-Match": f'"{stale}"'},
    )
    assert by_header.status_code == 412
    assert not dispute.stages.filter(responded_on__isnull=False).exists()


def test_only_the_person_the_stage_went_to_answers_it(dispute, staff, api_as):
    # The IRO raised it: the answer is the team manager's to give.
    iro = api_as(staff.iro).post(path(dispute, "responses"), responding(dispute))
    assert iro.status_code == 403
    # Another team's social worker neither sees the child nor was sent the dispute.
    other = api_as(staff.outsider).post(path(dispute, "responses"), responding(dispute))
    assert other.status_code == 403
    # The child's social worker sees the child but was not sent it.
    worker = api_as(staff.social_worker).post(path(dispute, "responses"), responding(dispute))
    assert worker.status_code == 403
    assert dispute.stages.get().responded_on is None


# ------------------------------------------------------ multi-agency challenges


def challenging(case, **changes) -> dict:
    return {
        "child": str(case.journey.child.public_id),
        "agency": "Northmoor Community Health",
        "professional": "School nurse",
        "concern": "Did not attend the core group.",
        "raised_on": "2026-06-10",
    } | changes


def test_an_iro_raises_a_challenge_about_an_agencys_professional(case, staff, agency, api_as):
    response = api_as(staff.iro).post("/api/challenges/", challenging(case))
    assert response.status_code == 201, response.json()
    challenge = MultiAgencyChallenge.objects.get()
    assert (challenge.agency, challenge.professional, challenge.raised_by) == (
        agency, "School nurse", staff.iro,
    )  # fmt: skip
    assert response.json()["agency"] == "Northmoor Community Health"
    assert response["ETag"] == f'"{challenge.version}"'
    assert Notice.objects.filter(recipient=staff.partnership).exists()


def test_a_challenge_missing_what_the_form_asks_gets_the_pages_messages(
    case, staff, agency, api_as
):
    api = api_as(staff.iro)
    response = api.post("/api/challenges/", challenging(case, professional="", concern=" "))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "professional": [services.TEXT_REQUIRED.format(what="professional's role")],
        "concern": [services.TEXT_REQUIRED.format(what="concern")],
    }
    no_agency = api.post("/api/challenges/", challenging(case, agency=""))
    assert no_agency.json()["errors"] == {"agency": [forms.AGENCY_REQUIRED]}
    unknown = api.post("/api/challenges/", challenging(case, agency="Nowhere Trust"))
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"agency": [NO_SUCH_AGENCY]}
    assert not MultiAgencyChallenge.objects.exists()


def test_raising_a_challenge_is_refused_to_the_partnership_and_for_a_hidden_child(
    case, staff, agency, api_as
):
    assert api_as(staff.partnership).post("/api/challenges/", challenging(case)).status_code == 403
    hidden = hidden_child(staff)
    response = api_as(staff.iro).post(
        "/api/challenges/", challenging(case, child=str(hidden.public_id))
    )
    assert response.status_code == 404
    assert not MultiAgencyChallenge.objects.exists()


def forwarding(**changes) -> dict:
    return {"forwarded_to": "Dana Pellow, health visiting lead", "forwarded_on": "2026-06-11"} | (
        changes
    )


def test_the_partnership_forwards_a_challenge_once(challenge, staff, api_as):
    api = api_as(staff.partnership)
    response = api.post(path(challenge, "forward"), forwarding())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["forwarded_on"], body["forwarded_to"]) == (
        "2026-06-11", "Dana Pellow, health visiting lead",
    )  # fmt: skip
    assert body["child"] is None  # the partnership sees no child's record
    # 20 working days from Thursday 11 June 2026 (no bank holiday between).
    assert (body["response_working_days"], body["response_due"]) == (20, "2026-07-09")
    challenge.refresh_from_db()
    assert response["ETag"] == f'"{challenge.version}"'
    # The service checks no version: a second forward is refused by the date of the first.
    again = api.post(path(challenge, "forward"), forwarding(forwarded_to="Someone else"))
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "forwarded_on": [services.ALREADY_FORWARDED.format(date=date(2026, 6, 11))]
    }


def test_a_forward_dated_before_the_challenge_gets_the_services_message(challenge, staff, api_as):
    response = api_as(staff.partnership).post(
        path(challenge, "forward"), forwarding(forwarded_on="2026-06-01")
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "forwarded_on": [services.BEFORE_RAISED.format(date=date(2026, 6, 2))]
    }
    challenge.refresh_from_db()
    assert challenge.forwarded_on is None


def test_only_the_partnership_forwards_a_challenge(challenge, staff, api_as):
    for user in (staff.iro, staff.social_worker, staff.outsider):
        assert api_as(user).post(path(challenge, "forward"), forwarding()).status_code == 403
    challenge.refresh_from_db()
    assert challenge.forwarded_on is None


def answering(**changes) -> dict:
    return {
        "responded_on": "2026-06-12",
        "outcome": ChallengeOutcome.UPHELD,
        "response": "The health visitor will attend from now on.",
    } | changes


def test_the_partnership_records_the_managers_response_and_outcome(challenge, staff, api_as):
    api = api_as(staff.partnership)
    assert api.post(path(challenge, "forward"), forwarding()).status_code == 200
    response = api.post(path(challenge, "responses"), answering())
    assert response.status_code == 200, response.json()
    challenge.refresh_from_db()
    assert (challenge.responded_on, challenge.outcome) == (
        date(2026, 6, 12), ChallengeOutcome.UPHELD,
    )  # fmt: skip
    assert response.json()["outcome"] == ChallengeOutcome.UPHELD


def test_a_response_before_forwarding_or_without_an_outcome_gets_the_pages_messages(
    challenge, staff, api_as
):
    api = api_as(staff.iro)
    response = api.post(path(challenge, "responses"), answering())
    assert response.status_code == 400
    assert response.json()["errors"] == {"outcome": [services.NOT_FORWARDED]}
    no_outcome = api.post(path(challenge, "responses"), answering(outcome=""))
    assert no_outcome.json()["errors"] == {"outcome": [forms.OUTCOME_REQUIRED]}
    challenge.refresh_from_db()
    assert challenge.responded_on is None


def test_recording_a_response_is_refused_to_roles_without_challenges_and_to_other_iros(
    challenge, staff, api_as, settings
):
    withdrawn = answering(outcome=ChallengeOutcome.WITHDRAWN)
    for user in (staff.social_worker, staff.analyst):
        assert api_as(user).post(path(challenge, "responses"), withdrawn).status_code == 403
    settings.IRO_CHILD_ACCESS = "chaired"
    assert api_as(staff.other_iro).post(path(challenge, "responses"), withdrawn).status_code == 403
    challenge.refresh_from_db()
    assert challenge.responded_on is None


def test_the_partnership_reads_the_professional_without_the_familys_names(
    case, staff, agency, api_as
):
    surname = case.journey.child.last_name
    challenge = services.raise_multi_agency_challenge(
        child=case.journey.child,
        agency=agency,
        professional=f"Health visitor for the {surname} family",
        concern="No health report was shared.",
        raised_on=date(2026, 6, 2),
        acting_user=staff.iro,
    )
    body = api_as(staff.partnership).get(path(challenge)).json()
    assert body["professional"] == "Health visitor for the [name] family"
    assert api_as(staff.iro).get(path(challenge)).json()["professional"] == (
        f"Health visitor for the {surname} family"
    )


def test_every_reader_is_told_which_child_as_the_pages_name_them(case, staff, agency, api_as):
    child = case.journey.child
    challenge = services.raise_multi_agency_challenge(
        child=child, agency=agency, professional="Health visitor", concern="No report.",
        raised_on=date(2026, 6, 2), acting_user=staff.iro,
    )  # fmt: skip
    body = api_as(staff.partnership).get(path(challenge)).json()
    assert body["child"] is None
    assert body["child_label"] == f"Child {child.la_child_id}"
    body = api_as(staff.iro).get(path(challenge)).json()
    assert body["child_label"] == f"{child.first_name} {child.last_name}"
    assert body["child"]["la_child_id"] == child.la_child_id
