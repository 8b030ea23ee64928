"""An escalation goes up the line: at stage 2 to a team manager (or someone more
senior), from stage 3 to a service manager, head of service or senior leader; never to a
social worker. The page offers only those, the service refuses anyone else, and the IRO
says why they escalate."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from iro.challenge import page_selectors as pages
from iro.challenge import services
from iro.challenge.models import Dispute, DisputeReason, DisputeStage
from iro.journey.checks import current_version
from tests.challenge.view_helpers import date_data, html

pytestmark = pytest.mark.django_db

TODAY = date(2024, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def dispute(staff, child):
    return services.raise_dispute(
        child=child, raised_on=date(2024, 6, 3), reason=DisputeReason.PROGRESS,
        detail="The plan has drifted since the review.", addressed_to=staff.social_worker,
        acting_user=staff.iro,
    )  # fmt: skip


def escalate(staff, dispute, to, note="Nothing has changed since the informal challenge."):
    return services.escalate_dispute(
        dispute=dispute, escalated_on=date(2024, 6, 10), addressed_to=to, note=note,
        acting_user=staff.iro, expected_version=current_version(dispute),
    )  # fmt: skip


def refusal(staff, dispute, to, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        escalate(staff, dispute, to, **kwargs)
    return refused.value.message_dict


def test_a_dispute_is_not_escalated_to_a_social_worker(staff, dispute):
    assert refusal(staff, dispute, staff.social_worker) == {
        "addressed_to": [
            "Sam Hartwell is a social worker: at stage 2 the dispute goes to a team manager, "
            "or a more senior manager. Choose someone up the line."
        ]
    }
    dispute.refresh_from_db()
    assert dispute.stage == 1 and dispute.stages.count() == 1


def test_stage_2_goes_to_a_team_manager_or_someone_more_senior(staff, dispute, child):
    assert escalate(staff, dispute, staff.team_manager).stage == 2
    other = services.raise_dispute(
        child=child, raised_on=date(2024, 6, 3), reason=DisputeReason.PLANNING,
        detail="No plan.", addressed_to=staff.social_worker, acting_user=staff.iro,
    )  # fmt: skip
    assert escalate(staff, other, staff.senior_manager).stage == 2


def test_from_stage_3_a_team_manager_is_refused_and_a_senior_manager_is_not(staff, dispute):
    dispute = escalate(staff, dispute, staff.team_manager)
    assert refusal(staff, dispute, staff.team_manager) == {
        "addressed_to": [
            "Tess Larkmoor is a team manager: at stage 3 the dispute goes to a service "
            "manager, head of service or senior leader. Choose someone up the line."
        ]
    }
    assert escalate(staff, dispute, staff.senior_manager).stage == 3


def test_the_reason_for_escalating_is_required_and_nothing_is_saved_without_it(staff, dispute):
    assert refusal(staff, dispute, staff.team_manager, note="  ") == {
        "note": [services.ESCALATION_NOTE_REQUIRED]
    }
    dispute.refresh_from_db()
    assert dispute.stage == 1
    assert DisputeStage.objects.get(dispute=dispute).ended_on is None


def test_the_people_offered_at_each_stage_are_those_up_the_line(staff, child):
    at_stage_2 = [pk for pk, _ in pages.addressee_choices(child, escalating_to=2)]
    assert set(at_stage_2) == {staff.team_manager.pk, staff.senior_manager.pk}
    at_stage_3 = [pk for pk, _ in pages.addressee_choices(child, escalating_to=3)]
    assert at_stage_3 == [staff.senior_manager.pk]
    # Raising a dispute still offers the child's social worker.
    assert staff.social_worker.pk in dict(pages.addressee_choices(child))


def test_the_escalation_form_lists_managers_only_and_asks_why(client, staff, dispute):
    client.force_login(staff.iro)
    page = html(client.get(reverse("dispute_detail", args=[dispute.public_id])))
    form = page[page.index('action="' + reverse("dispute_escalate", args=[dispute.public_id])) :]
    form = form[: form.index("</form>")]
    assert "Tess Larkmoor" in form and "Seren Elmstead" in form
    assert "Sam Hartwell" not in form
    assert "Why are you escalating it?" in form and "(optional)" not in form


def test_escalating_on_the_page_without_a_reason_says_so(client, staff, dispute):
    client.force_login(staff.iro)
    response = client.post(
        reverse("dispute_escalate", args=[dispute.public_id]),
        {
            "version": str(dispute.version),
            "addressed_to": str(staff.team_manager.pk),
            "note": "",
            **date_data("escalated_on", TODAY),
        },
    )
    assert response.status_code == 200
    assert services.ESCALATION_NOTE_REQUIRED in html(response)
    assert Dispute.objects.get().stage == 1
