"""The dispute pages: a child's disputes, raising one, its stages, the response,
escalation and resolution; who may do what, and how bad input is refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.access.models import AccessLogEntry
from iro.challenge import forms, services
from iro.challenge.forms import DISPUTE_OUTCOME_REQUIRED, REASON_REQUIRED
from iro.challenge.models import Dispute, DisputeReason, DisputeStage, Stage
from iro.journey.checks import STALE_RECORD, current_version
from tests.challenge.view_helpers import date_data, error_summary_links, html, shows
from tests.factories import ChildFactory, PlanFactory

pytestmark = pytest.mark.django_db

TODAY = date(2024, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def child(staff):
    return ChildFactory(
        team=staff.team, first_name="Linnet", last_name="Ashcombe", la_child_id="LA4410"
    )


@pytest.fixture
def plan(child):
    return PlanFactory(child=child, start_date=date(2024, 2, 5))


@pytest.fixture
def dispute(staff, child, plan):
    return services.raise_dispute(
        child=child,
        plan=plan,
        raised_on=date(2024, 6, 3),
        reason=DisputeReason.ASSESSMENT,
        detail="The parenting assessment is three months late.",
        addressed_to=staff.team_manager,
        acting_user=staff.iro,
    )


def dispute_urls(dispute) -> dict[str, str]:
    return {
        name: reverse(name, args=[dispute.public_id])
        for name in ("dispute_detail", "dispute_response", "dispute_escalate", "dispute_resolve")
    }


# ------------------------------------------------------------------ access


def test_every_dispute_page_refuses_a_social_worker_of_another_team(client, staff, dispute):
    client.force_login(staff.outsider)
    child = dispute.child
    for name in ("child_worries", "dispute_new", "challenge_new"):
        assert client.get(reverse(name, args=[child.public_id])).status_code == 403, name
    assert client.get(dispute_urls(dispute)["dispute_detail"]).status_code == 403
    for name in ("dispute_response", "dispute_escalate", "dispute_resolve"):
        assert client.post(dispute_urls(dispute)[name], {}).status_code == 403, name
    assert not AccessLogEntry.objects.filter(user=staff.outsider).exists()


def test_a_partnership_officer_sees_no_dispute(client, staff, dispute):
    client.force_login(staff.partnership)
    assert client.get(dispute_urls(dispute)["dispute_detail"]).status_code == 403
    assert client.get(reverse("child_worries", args=[dispute.child.public_id])).status_code == 403
    assert client.get(reverse("dispute_list")).status_code == 403


def test_the_childs_social_worker_sees_the_dispute_but_cannot_change_it(client, staff, dispute):
    client.force_login(staff.social_worker)
    page = client.get(reverse("child_worries", args=[dispute.child.public_id]))
    assert page.status_code == 200
    assert shows(page, "Linnet Ashcombe")
    assert reverse("dispute_new", args=[dispute.child.public_id]) not in html(page)
    detail = client.get(dispute_urls(dispute)["dispute_detail"])
    assert detail.status_code == 200
    assert "Escalate the dispute" not in html(detail)
    journey = reverse("child_journey", args=[dispute.child.public_id])
    assert f'<a class="govuk-link" href="{journey}">Linnet Ashcombe</a>' in html(detail)
    assert client.get(reverse("dispute_new", args=[dispute.child.public_id])).status_code == 403
    response = client.post(
        dispute_urls(dispute)["dispute_escalate"],
        {"version": "1", **date_data("escalated_on", TODAY)},
    )
    assert response.status_code == 403
    assert Dispute.objects.get().stage == Stage.INFORMAL


def test_an_unknown_dispute_is_not_found(client, staff):
    client.force_login(staff.iro)
    url = reverse("dispute_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_the_state_changing_pages_refuse_get(client, staff, dispute):
    client.force_login(staff.iro)
    for name in ("dispute_response", "dispute_escalate", "dispute_resolve"):
        assert client.get(dispute_urls(dispute)[name]).status_code == 405, name
    assert Dispute.history.count() == 1


def test_viewing_a_dispute_is_logged_against_the_child(client, staff, dispute):
    client.force_login(staff.iro_manager)
    client.get(dispute_urls(dispute)["dispute_detail"])
    entry = AccessLogEntry.objects.get(user=staff.iro_manager)
    assert (entry.child, entry.what) == (dispute.child, "dispute_detail")


# ------------------------------------------------------------ raising one


def test_the_childs_journey_links_to_their_disputes(client, staff, child):
    client.force_login(staff.iro)
    page = client.get(reverse("child_journey", args=[child.public_id]))
    assert reverse("child_worries", args=[child.public_id]) in html(page)


def test_an_iro_raises_a_dispute_about_the_childs_open_plan(client, staff, child, plan):
    client.force_login(staff.iro)
    url = reverse("dispute_new", args=[child.public_id])
    form = client.get(url)
    assert form.status_code == 200
    assert f'value="{plan.public_id}" checked' in html(form)
    response = client.post(
        url,
        {
            "reason": DisputeReason.PROGRESS,
            "plan": str(plan.public_id),
            "detail": "No core group has met since the conference.",
            "addressed_to": str(staff.team_manager.pk),
            **date_data("raised_on", date(2024, 6, 28)),
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dispute_detail", args=[dispute.public_id])
    assert (dispute.plan, dispute.reason, dispute.raised_by) == (plan, "progress", staff.iro)
    stage = dispute.stages.get()
    assert (stage.stage, stage.started_on, stage.addressed_to) == (
        1,
        date(2024, 6, 28),
        staff.team_manager,
    )


def test_raising_a_dispute_refuses_bad_input_with_field_level_errors(client, staff, child, plan):
    client.force_login(staff.iro)
    response = client.post(
        reverse("dispute_new", args=[child.public_id]),
        {"plan": str(plan.public_id), **date_data("raised_on", date(2024, 7, 2))},
    )
    assert response.status_code == 200
    assert not Dispute.objects.exists()
    assert shows(response, REASON_REQUIRED)
    assert html(response).count("govuk-error-message") >= 1
    # Everything missing at once, the service's required answers too: never a second round.
    assert error_summary_links(response) == ["id_reason", "id_detail", "id_addressed_to"]
    assert html(response).count(services.DETAIL_REQUIRED) == 2  # summary and field, once each
    # The service's refusal of a future date shows on its field once the form is whole.
    response = client.post(
        reverse("dispute_new", args=[child.public_id]),
        {"reason": "planning", "plan": "", **date_data("raised_on", date(2024, 7, 2))},
    )
    assert shows(response, "The date the dispute was raised cannot be in the future.")
    assert shows(response, services.ADDRESSEE_REQUIRED)
    assert shows(response, services.DETAIL_REQUIRED)
    assert error_summary_links(response) == ["id_detail", "id_addressed_to", "id_raised_on_day"]
    assert "<title>Error: " in html(response)
    assert not Dispute.objects.exists()


def test_a_date_that_is_not_real_is_refused(client, staff, child):
    client.force_login(staff.iro)
    response = client.post(
        reverse("dispute_new", args=[child.public_id]),
        {"reason": "planning", "raised_on_day": "31", "raised_on_month": "2",
         "raised_on_year": "2024"},
    )  # fmt: skip
    assert shows(response, "The date the dispute was raised must be a real date")
    assert not Dispute.objects.exists()


# ------------------------------------------------------- its stages, changes


def test_the_dispute_page_shows_each_stage_it_reached(client, staff, dispute):
    services.record_stage_response(
        dispute=dispute,
        responded_on=date(2024, 6, 10),
        response="We will finish it by the end of the month.",
        acting_user=staff.team_manager,
        expected_version=current_version(dispute),
    )
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2024, 6, 17),
        addressed_to=staff.senior_manager,
        note="The date was missed again.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    client.force_login(staff.iro)
    page = client.get(reverse("dispute_detail", args=[dispute.public_id]))
    body = html(page)
    stages = body.split('id="stages"', 1)[1].split("</table>", 1)[0]
    assert "Informal challenge (stage 1)" in stages
    assert "Stage 2: team manager" in stages
    assert "We will finish it by the end of the month." in stages
    assert "Seren Elmstead, Senior manager" in stages
    assert "The date was missed again." in stages
    assert body.count("<h1") == 1


def test_the_iro_escalates_and_resolves_after_the_addressee_answers(client, staff, dispute):
    urls = dispute_urls(dispute)
    client.force_login(staff.team_manager)
    response = client.post(
        reverse("dispute_answer", args=[dispute.public_id]),
        {"version": "1", "response": "Agreed to finish it.", **date_data("responded_on", TODAY)},
    )
    assert response.status_code == 302
    client.force_login(staff.iro)
    response = client.post(
        urls["dispute_escalate"],
        {
            "version": "2",
            "addressed_to": str(staff.team_manager.pk),
            "note": "The assessment is still not finished.",
            **date_data("escalated_on", TODAY),
        },
    )
    assert response.status_code == 302
    response = client.post(
        urls["dispute_resolve"],
        {
            "version": "3",
            "resolution": "Assessment finished.",
            "outcome": "partly_addressed",
            **date_data("resolved_on", TODAY),
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.stage, dispute.resolved_on) == (Stage.STAGE_2, TODAY)
    assert dispute.outcome == "partly_addressed"
    assert dispute.resolved_at_key == "stage_2"
    page = client.get(urls["dispute_detail"])
    assert shows(page, "Dispute resolved at stage 2: team manager.")
    summary = html(page).split('id="dispute-summary"', 1)[1].split("</dl>", 1)[0]
    assert "Resolved</strong> on 1 July 2024 at stage 2: team manager" in summary
    assert "Resolve the dispute" not in html(page)


def test_resolving_without_saying_how_is_refused_on_its_field(client, staff, dispute):
    client.force_login(staff.iro)
    response = client.post(
        dispute_urls(dispute)["dispute_resolve"],
        {
            "version": "1",
            "resolution": "",
            "outcome": "concern_addressed",
            **date_data("resolved_on", TODAY),
        },
    )
    assert response.status_code == 200
    assert shows(response, forms.RESOLUTION_REQUIRED)
    assert error_summary_links(response) == ["id_resolution"]
    assert Dispute.objects.get().resolved_on is None


def test_resolving_without_the_outcome_is_refused_on_its_field(client, staff, dispute):
    client.force_login(staff.iro)
    response = client.post(
        dispute_urls(dispute)["dispute_resolve"],
        {"version": "1", "resolution": "Plan agreed.", **date_data("resolved_on", TODAY)},
    )
    assert response.status_code == 200
    assert shows(response, DISPUTE_OUTCOME_REQUIRED)
    assert error_summary_links(response) == ["id_outcome"]
    assert Dispute.objects.get().resolved_on is None


def test_escalating_before_the_stage_started_is_refused(client, staff, dispute):
    client.force_login(staff.iro)
    response = client.post(
        dispute_urls(dispute)["dispute_escalate"],
        {"version": "1", **date_data("escalated_on", date(2024, 6, 1))},
    )
    assert shows(response, services.BEFORE_STAGE_START.format(date=date(2024, 6, 3)))
    assert error_summary_links(response) == ["id_addressed_to", "id_note", "id_escalated_on_day"]
    assert DisputeStage.objects.count() == 1


def test_a_change_saved_from_a_stale_page_is_refused_and_kept(client, staff, dispute):
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2024, 6, 20),
        addressed_to=staff.senior_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.other_iro,
        expected_version=current_version(dispute),
    )
    client.force_login(staff.iro)
    response = client.post(
        dispute_urls(dispute)["dispute_resolve"],
        {
            "version": "1",
            "resolution": "Plan agreed.",
            "outcome": "concern_addressed",
            **date_data("resolved_on", TODAY),
        },
    )
    assert response.status_code == 200
    assert shows(response, STALE_RECORD)
    assert 'id="stale-record"' in html(response)
    # What the user typed is still there, with the version now saved.
    assert "Plan agreed." in html(response)
    assert 'name="version" value="2"' in html(response)
    assert Dispute.objects.get().resolved_on is None
    again = client.post(
        dispute_urls(dispute)["dispute_resolve"],
        {
            "version": "2",
            "resolution": "Plan agreed.",
            "outcome": "concern_addressed",
            **date_data("resolved_on", TODAY),
        },
    )
    assert again.status_code == 302
    assert Dispute.objects.get().resolved_on == TODAY


def test_a_dispute_at_the_final_stage_offers_no_escalation(client, staff, dispute):
    for day in range(10, 17):
        dispute = services.escalate_dispute(
            dispute=dispute,
            escalated_on=date(2024, 6, day),
            addressed_to=staff.senior_manager,
            note="The last stage did not resolve it.",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    assert dispute.stage == Stage.STAGE_8
    client.force_login(staff.iro)
    page = client.get(dispute_urls(dispute)["dispute_detail"])
    assert "Escalate the dispute" not in html(page)
    assert "final stage" in html(page)


# ------------------------------------------------------------------ who a stage goes to


def chosen(page, field: str = "addressed_to") -> list[str]:
    """The option values the form starts with selected in ``field``."""
    select = html(page).split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d+)"[^>]*\bselected\b', select)


def escalate(staff, dispute, to):
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=TODAY,
        addressed_to=to,
        note="Not resolved.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )


def test_a_new_dispute_starts_addressed_to_the_childs_social_worker(client, staff, child):
    child.social_worker = staff.social_worker
    child.save(update_fields=["social_worker"])
    client.force_login(staff.iro)
    page = client.get(reverse("dispute_new", args=[child.public_id]))
    assert chosen(page) == [str(staff.social_worker.pk)]


def test_a_child_with_no_social_worker_starts_with_no_one_chosen(client, staff, child):
    client.force_login(staff.iro)
    assert chosen(client.get(reverse("dispute_new", args=[child.public_id]))) == []


def test_escalation_goes_up_the_line_from_the_childs_team_manager(client, staff, child, plan):
    dispute = services.raise_dispute(
        child=child, plan=plan, raised_on=date(2024, 6, 3), reason=DisputeReason.ASSESSMENT,
        detail="The parenting assessment is three months late.",
        addressed_to=staff.social_worker, acting_user=staff.iro,
    )  # fmt: skip
    client.force_login(staff.iro)
    detail = dispute_urls(dispute)["dispute_detail"]
    # Stage 2: the child's team manager.
    assert chosen(client.get(detail)) == [str(staff.team_manager.pk)]
    escalate(staff, dispute, staff.team_manager)
    # Stage 3: the line manager of whoever had stage 2, when iro knows them.
    assert chosen(client.get(detail)) == []
    staff.team_manager.line_manager = staff.senior_manager
    staff.team_manager.save(update_fields=["line_manager"])
    assert chosen(client.get(detail)) == [str(staff.senior_manager.pk)]
    # A line manager who has left is not offered, so not chosen: the IRO chooses.
    staff.senior_manager.is_active = False
    staff.senior_manager.save(update_fields=["is_active"])
    assert chosen(client.get(detail)) == []


def test_an_escalation_never_starts_with_whoever_had_the_stage_before(client, staff, dispute):
    # Raised with the child's team manager: stage 2 does not go back to them.
    client.force_login(staff.iro)
    detail = dispute_urls(dispute)["dispute_detail"]
    assert chosen(client.get(detail)) == []  # no line manager known: the IRO chooses
    staff.team_manager.line_manager = staff.senior_manager
    staff.team_manager.save(update_fields=["line_manager"])
    assert chosen(client.get(detail)) == [str(staff.senior_manager.pk)]


def test_a_line_manager_below_the_next_stage_is_not_chosen(client, staff, dispute):
    staff.social_worker.line_manager = staff.team_manager
    staff.social_worker.save(update_fields=["line_manager"])
    staff.team_manager.line_manager = staff.social_worker  # wrongly set up in the admin
    staff.team_manager.save(update_fields=["line_manager"])
    escalate(staff, dispute, staff.team_manager)
    client.force_login(staff.iro)
    assert chosen(client.get(dispute_urls(dispute)["dispute_detail"])) == []


def test_a_change_from_a_tab_opened_before_the_dispute_was_resolved_says_so(client, staff, dispute):
    client.force_login(staff.iro)
    resolve = {
        "resolution": "Plan agreed.", "outcome": "concern_addressed",
        **date_data("resolved_on", TODAY),
    }  # fmt: skip
    client.post(dispute_urls(dispute)["dispute_resolve"], {"version": "1", **resolve})
    response = client.post(  # the other tab, opened before
        dispute_urls(dispute)["dispute_escalate"],
        {"version": "1", "addressed_to": str(staff.senior_manager.pk),
         "note": "Not resolved.", **date_data("escalated_on", TODAY)},
    )  # fmt: skip
    assert shows(response, STALE_RECORD)
    page = html(response)
    assert "The dispute was resolved on 1 July 2024 while you were editing it" in page
    assert "still in the form below" not in page  # a resolved dispute has no forms
