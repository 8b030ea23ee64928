"""The IRO service manager's targets page: each measure's target for a year with the
reasoning, the year-to-date figure from the reports' measures, and the history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from iro.challenge import forms, services
from iro.challenge.models import Target
from tests.challenge.view_helpers import error_summary_links, html, shows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 7, 1), tick=False):
        yield


def edit_url(measure="child_attended", year="2024-25") -> str:
    return reverse("target_edit", args=[year, measure])


@pytest.mark.parametrize("who", ["iro", "analyst", "senior_manager", "partnership", "admin"])
def test_the_targets_pages_are_the_iro_managers_alone(client, staff, who):
    client.force_login(getattr(staff, who))
    assert client.get(reverse("target_list")).status_code == 403
    assert client.get(edit_url()).status_code == 403
    data = {"direction": "at_least", "value": "50", "action": "Because."}
    assert client.post(edit_url(), data).status_code == 403
    assert not Target.objects.exists()


def test_the_iro_manager_sets_a_target_with_the_reasoning(client, staff):
    client.force_login(staff.iro_manager)
    page = client.get(reverse("target_list"))
    assert page.status_code == 200
    assert "Targets for 2024-25" in html(page)
    assert html(page).count("Set a target<span") == 10
    response = client.post(
        edit_url(),
        {"direction": "at_least", "value": "60", "action": "Meet children before each review."},
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.year, target.value) == ("2024-25", Decimal("60.0"))
    assert target.set_by == staff.iro_manager
    page = client.get(reverse("target_list"))
    row = html(page).split("Conferences the child attended (%)", 1)[1].split("</tr>", 1)[0]
    assert "At least 60%" in row
    assert "No figure yet" in row  # no conference held this year


def test_a_bad_target_is_refused_with_the_services_messages(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(edit_url(), {"direction": "at_least", "value": "lots", "action": ""})
    assert response.status_code == 200
    assert shows(response, services.NOT_A_NUMBER)
    assert shows(response, services.REASONING_REQUIRED)
    assert error_summary_links(response) == ["id_value", "id_action"]
    response = client.post(edit_url(), {"direction": "at_least", "value": "120", "action": "x"})
    assert shows(response, services.PERCENT_RANGE)
    assert not Target.objects.exists()


def test_an_empty_target_is_refused_with_every_missing_answer_at_once(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(edit_url(), {"value": "", "action": ""})
    assert response.status_code == 200
    assert shows(response, forms.DIRECTION_REQUIRED)
    assert shows(response, services.NOT_A_NUMBER)
    assert shows(response, services.REASONING_REQUIRED)
    assert error_summary_links(response) == ["id_direction", "id_value", "id_action"]
    assert not Target.objects.exists()


def test_a_target_the_wrong_way_round_is_refused_on_the_direction(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(
        edit_url("icpc_within_15_working_days"),
        {"direction": "at_most", "value": "85", "action": "Book on the day the S47 ends."},
    )
    assert response.status_code == 200
    assert shows(response, "For this measure higher is better: choose “At least”.")
    assert error_summary_links(response) == ["id_direction"]
    assert not Target.objects.exists()


def test_the_form_says_which_way_is_better_before_it_is_refused(client, staff):
    client.force_login(staff.iro_manager)
    assert shows(client.get(edit_url("icpc_within_15_working_days")), "higher is better")
    assert shows(client.get(edit_url("plans_started_second_or_subsequent")), "lower is better")
    page = html(client.get(edit_url("children_with_dispute_raised")))
    assert "is better" not in page  # either way, for a number of children


def test_changing_a_target_keeps_its_history(client, staff):
    client.force_login(staff.iro_manager)
    for value, why in (("60", "First go."), ("65", "Raised after the quarter went well.")):
        client.post(edit_url(), {"direction": "at_least", "value": value, "action": why})
    page = client.get(edit_url())
    history = html(page).split('id="target-history"', 1)[1].split("</table>", 1)[0]
    assert history.index("At least 65%") < history.index("At least 60%")
    assert "First go." in history and "Mona Greyfriar" in history
    assert 'value="65"' in html(page)


def test_an_unknown_year_or_measure_is_not_found(client, staff):
    client.force_login(staff.iro_manager)
    assert client.get(edit_url(year="2024-2025")).status_code == 404
    assert client.get(edit_url(measure="happiness")).status_code == 404
    assert client.get(reverse("target_list") + "?year=soon").status_code == 404
