"""The addressee's pages: the disputes waiting for their answer, and answering one; the
IRO's dispute page shows who was told, and that the mail is not sent yet."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.access.models import AccessLogEntry
from iro.challenge import services
from iro.challenge.models import DisputeReason, DisputeStage
from iro.journey.checks import STALE_RECORD, current_version
from iro.people.models import Role
from tests.challenge.view_helpers import date_data, error_summary_links, html, shows
from tests.factories import ChildFactory, TeamFactory, UserFactory

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
def dispute(staff, child):
    return services.raise_dispute(
        child=child,
        raised_on=date(2024, 6, 3),
        reason=DisputeReason.ASSESSMENT,
        detail="The parenting assessment is three months late.",
        addressed_to=staff.team_manager,
        acting_user=staff.iro,
    )


@pytest.fixture
def other_manager(db):
    team = TeamFactory(name="Hillside Safeguarding Team")
    manager = UserFactory(
        username="hal-manager", first_name="Hal", last_name="Brackley",
        role=Role.TEAM_MANAGER, team=team,
    )  # fmt: skip
    team.manager = manager
    team.save(update_fields=["manager"])
    return manager


def answer_url(dispute) -> str:
    return reverse("dispute_answer", args=[dispute.public_id])


def test_the_addressee_sees_the_dispute_waiting_for_them(client, staff, dispute):
    client.force_login(staff.team_manager)
    page = client.get(reverse("disputes_waiting"))
    assert page.status_code == 200
    table = html(page).split('id="queue-disputes_waiting_for_answer"', 1)[1]
    assert "Linnet Ashcombe" in table
    assert answer_url(dispute) in table
    assert AccessLogEntry.objects.filter(user=staff.team_manager, child=dispute.child).exists()


def test_nobody_else_has_it_in_their_list(client, staff, dispute):
    client.force_login(staff.senior_manager)
    page = client.get(reverse("disputes_waiting"))
    assert "Linnet Ashcombe" not in html(page)
    assert shows(page, "No dispute is waiting for your answer.")


@pytest.mark.parametrize("who", ["iro", "analyst", "partnership", "admin"])
def test_the_waiting_list_is_for_those_who_answer_disputes(client, staff, who):
    client.force_login(getattr(staff, who))
    assert client.get(reverse("disputes_waiting")).status_code == 403


def test_a_team_manager_answers_a_stage_2_dispute_and_the_iro_accepts_it(client, staff, dispute):
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2024, 6, 10),
        addressed_to=staff.team_manager,
        note="The informal challenge did not move it on.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    client.force_login(staff.team_manager)
    page = client.get(answer_url(dispute))
    assert page.status_code == 200
    assert "The parenting assessment is three months late." in html(page)
    assert "The informal challenge did not move it on." in html(page)
    response = client.post(
        answer_url(dispute),
        {
            "version": "2",
            "response": "The assessment is booked for 8 July.",
            **date_data("responded_on", TODAY),
        },
    )
    assert response.status_code == 302
    stage = DisputeStage.objects.get(dispute=dispute, stage=2)
    assert (stage.response, stage.responded_by) == (
        "The assessment is booked for 8 July.",
        staff.team_manager,
    )

    client.force_login(staff.iro)
    page = client.get(reverse("dispute_detail", args=[dispute.public_id]))
    assert "The assessment is booked for 8 July." in html(page)
    assert 'id="answer-given"' in html(page)
    assert 'id="record-response"' not in html(page)  # the IRO does not type it in
    response = client.post(
        reverse("dispute_resolve", args=[dispute.public_id]),
        {
            "version": "3",
            "resolution": "Answer accepted.",
            "outcome": "concern_addressed",
            **date_data("resolved_on", TODAY),
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.resolved_at_key == "stage_2"


def test_an_answer_with_nothing_filled_in_says_everything_missing_at_once(client, staff, dispute):
    client.force_login(staff.team_manager)
    response = client.post(answer_url(dispute), {"version": "1", "response": ""})
    assert error_summary_links(response) == ["id_response", "id_responded_on_day"]
    assert shows(response, services.ANSWER_REQUIRED)
    assert DisputeStage.objects.get().responded_on is None


def test_an_empty_answer_is_refused_on_its_field(client, staff, dispute):
    client.force_login(staff.team_manager)
    response = client.post(
        answer_url(dispute), {"version": "1", "response": "", **date_data("responded_on", TODAY)}
    )
    assert response.status_code == 200
    assert shows(response, services.ANSWER_REQUIRED)
    assert error_summary_links(response) == ["id_response"]
    assert DisputeStage.objects.get().responded_on is None


def test_an_answer_too_long_and_dated_before_the_stage_says_both_at_once(client, staff, dispute):
    client.force_login(staff.team_manager)
    response = client.post(
        answer_url(dispute),
        {
            "version": "1",
            "response": "We will finish the assessment. " * 200,  # 6,200 characters
            **date_data("responded_on", date(2024, 5, 20)),  # before the dispute
        },
    )
    assert error_summary_links(response) == ["id_response", "id_responded_on_day"]
    assert shows(response, "is 6,199 characters long")
    assert shows(response, "3 June 2024")  # the day the stage started
    assert DisputeStage.objects.get().responded_on is None


def test_an_answer_sent_again_from_another_tab_is_not_lost_from_sight(client, staff, dispute):
    client.force_login(staff.team_manager)
    first = {"version": "1", "response": "We will finish it by Friday.",
             **date_data("responded_on", TODAY)}  # fmt: skip
    second = first | {"response": "Second tab answer."}
    client.post(answer_url(dispute), first)
    response = client.post(answer_url(dispute), second)  # the other tab, opened before
    assert shows(response, STALE_RECORD)
    page = html(response)
    assert "This stage was answered on 1 July 2024 by you, in another tab or window" in page
    assert "so your answer was not sent" in page
    assert 'id="unsent-answer">Second tab answer.</div>' in page
    assert "still in the form below" not in page  # there is no form: the stage is answered
    assert DisputeStage.objects.get().response == "We will finish it by Friday."


@pytest.mark.parametrize("who", ["iro", "senior_manager", "social_worker", "analyst", "outsider"])
def test_the_answer_page_refuses_everyone_but_the_addressee(client, staff, dispute, who):
    client.force_login(getattr(staff, who))
    detail = client.get(reverse("dispute_detail", args=[dispute.public_id]))
    page = client.get(answer_url(dispute))
    assert page.status_code == 403
    if detail.status_code == 200:
        # Someone who may read the dispute (a notice read after it moved on) is told
        # why, and led to it as it stands.
        assert "not waiting for your answer" in html(page)
        assert reverse("dispute_detail", args=[dispute.public_id]) in html(page)
    data = {"version": "1", "response": "Mine.", **date_data("responded_on", TODAY)}
    assert client.post(answer_url(dispute), data).status_code == 403
    assert DisputeStage.objects.get().responded_on is None


def test_another_teams_manager_reads_and_answers_only_the_dispute_sent_to_them(
    client, staff, child, other_manager
):
    dispute = services.raise_dispute(
        child=child, raised_on=date(2024, 6, 3), reason=DisputeReason.PLANNING,
        detail="No plan for the school move.", addressed_to=other_manager,
        acting_user=staff.iro,
    )  # fmt: skip
    client.force_login(other_manager)
    assert client.get(reverse("dispute_detail", args=[dispute.public_id])).status_code == 200
    assert client.get(answer_url(dispute)).status_code == 200
    # The grant is this dispute, never the child's record.
    assert client.get(reverse("child_journey", args=[child.public_id])).status_code == 403
    assert client.get(reverse("child_worries", args=[child.public_id])).status_code == 403
    response = client.post(
        answer_url(dispute),
        {"version": "1", "response": "Agreed.", **date_data("responded_on", TODAY)},
    )
    assert response.status_code == 302


def test_another_teams_manager_not_addressed_is_refused(client, staff, dispute, other_manager):
    client.force_login(other_manager)
    assert client.get(reverse("dispute_detail", args=[dispute.public_id])).status_code == 403
    assert client.get(answer_url(dispute)).status_code == 403


def test_the_notice_is_recorded_and_its_email_shown_as_kept_not_sent(client, staff, dispute):
    client.force_login(staff.team_manager)
    page = client.get(reverse("notice_list"))
    assert page.status_code == 200
    body = html(page)
    assert "A dispute is waiting for your answer" in body
    assert answer_url(dispute) in body
    # Emailed through the tests' memory backend: kept here, never shown as sent.
    assert "Kept on this machine, not sent" in body and ">Sent" not in body
    assert "Linnet" not in body and "LA4410" not in body

    client.force_login(staff.iro)
    page = client.get(reverse("dispute_detail", args=[dispute.public_id]))
    notices = html(page).split('id="dispute-notices"', 1)[1].split("</table>", 1)[0]
    assert "Tess Larkmoor" in notices and "Kept on this machine, not sent" in notices


def test_raising_a_dispute_offers_the_childs_team_first(client, staff, child, other_manager):
    client.force_login(staff.iro)
    page = client.get(reverse("dispute_new", args=[child.public_id]))
    select = html(page).split('id="id_addressed_to"', 1)[1].split("</select>", 1)[0]
    order = [name for name in ("Sam Hartwell", "Tess Larkmoor", "Seren Elmstead", "Hal Brackley")]
    positions = [select.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Oli Northolme" not in select  # another team's social worker
    assert "Ana Inchbrook" not in select and "Ivy Coldharbour" not in select
