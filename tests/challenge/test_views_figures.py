"""The IRO service manager records the population, the IROs' hours and other areas'
figures; others are refused; bad input is refused on its field; changes keep history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from iro.challenge import figure_services
from iro.challenge.models import Comparison, Population, WorkingHours
from tests.challenge.view_helpers import date_data, error_summary_links, html, shows

pytestmark = pytest.mark.django_db

TODAY = date(2025, 11, 3)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def population_url(year="2025-26"):
    return reverse("population_edit", args=[year])


def test_the_manager_records_the_population_and_sees_its_history(client, staff):
    client.force_login(staff.iro_manager)
    data = {"children": "61,250", "source": "ONS mid-year estimates 2024"}
    assert client.post(population_url(), data).status_code == 302
    data = {"children": "61300", "source": "ONS mid-year estimates 2025"}
    assert client.post(population_url(), data).status_code == 302
    population = Population.objects.get()
    assert (population.year, population.children) == ("2025-26", 61_300)
    page = client.get(population_url())
    assert "ONS mid-year estimates 2024" in html(page)  # the earlier version, in history
    listing = client.get(reverse("report_figures") + "?year=2025-26")
    assert "61300 children (source: ONS mid-year estimates 2025)" in html(listing)


def test_a_population_that_is_not_a_number_or_has_no_source_is_refused_on_its_fields(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(population_url(), {"children": "lots", "source": ""})
    assert response.status_code == 200
    assert shows(response, figure_services.POPULATION_NUMBER)
    assert shows(response, figure_services.SOURCE_REQUIRED)
    assert error_summary_links(response) == ["id_children", "id_source"]
    assert not Population.objects.exists()


@pytest.mark.parametrize("children", ["61000.5", "61,000.5", "61000.01"])
def test_a_population_with_a_fraction_is_refused_not_rounded(client, staff, children):
    client.force_login(staff.iro_manager)
    response = client.post(population_url(), {"children": children, "source": "ONS"})
    assert response.status_code == 200
    assert shows(response, figure_services.POPULATION_WHOLE)
    assert error_summary_links(response) == ["id_children"]
    assert not Population.objects.exists()


@pytest.mark.parametrize("children", ["61,000", " 61000 ", "61000.0"])
def test_a_whole_population_with_commas_spaces_or_a_zero_fraction_is_recorded(
    client, staff, children
):
    client.force_login(staff.iro_manager)
    response = client.post(population_url(), {"children": children, "source": "ONS"})
    assert response.status_code == 302
    assert Population.objects.get().children == 61_000


@pytest.mark.parametrize("role", ["iro", "analyst", "senior_manager", "team_manager"])
def test_only_the_manager_may_record_figures(client, staff, role):
    client.force_login(getattr(staff, role))
    assert client.get(reverse("report_figures")).status_code == 403
    response = client.post(population_url(), {"children": "60000", "source": "ONS"})
    assert response.status_code == 403
    assert not Population.objects.exists()


def test_hours_are_recorded_from_a_date_and_summed_for_today(client, staff):
    client.force_login(staff.iro_manager)
    url = reverse("working_hours_edit", args=[staff.iro.pk])
    post = {"fte": "0.8", **date_data("starts_on", date(2025, 4, 1))}
    assert client.post(url, post).status_code == 302
    post = {"fte": "1", **date_data("starts_on", date(2025, 4, 1))}  # the same date: a change
    assert client.post(url, post).status_code == 302
    post = {"fte": "0.6", **date_data("starts_on", date(2025, 12, 1))}  # from next month
    assert client.post(url, post).status_code == 302
    assert WorkingHours.objects.count() == 2
    listing = client.get(reverse("report_figures"))
    assert "1.00 from 1 Apr 2025" in html(listing)
    assert "Together today: 1.00" in html(listing)


def test_hours_outside_0_to_1_or_without_a_date_are_refused(client, staff):
    client.force_login(staff.iro_manager)
    url = reverse("working_hours_edit", args=[staff.iro.pk])
    response = client.post(url, {"fte": "1.5"})
    assert shows(response, figure_services.FTE_NUMBER)
    assert error_summary_links(response) == ["id_fte", "id_starts_on_day"]
    assert not WorkingHours.objects.exists()


def test_hours_with_more_places_than_are_kept_are_refused_not_rounded(client, staff):
    client.force_login(staff.iro_manager)
    url = reverse("working_hours_edit", args=[staff.iro.pk])
    response = client.post(url, {"fte": "0.875", **date_data("starts_on", date(2025, 4, 1))})
    assert shows(response, figure_services.FTE_PLACES)
    assert error_summary_links(response) == ["id_fte"]
    assert not WorkingHours.objects.exists()
    post = {"fte": "0.800", **date_data("starts_on", date(2025, 4, 1))}  # zeros are no places
    assert client.post(url, post).status_code == 302
    assert WorkingHours.objects.get().fte == Decimal("0.8")


def test_hours_are_only_for_iros(client, staff):
    client.force_login(staff.iro_manager)
    response = client.get(reverse("working_hours_edit", args=[staff.social_worker.pk]))
    assert response.status_code == 404


def test_comparisons_need_a_source_and_a_blank_figure_removes_one(client, staff):
    client.force_login(staff.iro_manager)
    url = reverse("comparison_edit", args=["2025-26", "children_on_plan_at_period_end_per_10000"])
    response = client.post(url, {"england_value": "41.6", "england_source": ""})
    assert error_summary_links(response) == ["id_england_source"]
    assert not Comparison.objects.exists()
    data = {
        "england_value": "41.6",
        "england_source": "Characteristics of children in need 2025, table C1",
        "neighbours_value": "44.0",
        "neighbours_source": "LAIT, statistical neighbours average",
    }
    assert client.post(url, data).status_code == 302
    assert {(c.area, c.value) for c in Comparison.objects.all()} == {
        ("england", Decimal("41.6")),
        ("neighbours", Decimal("44.0")),
    }
    data["neighbours_value"] = ""
    assert client.post(url, data).status_code == 302
    assert list(Comparison.objects.values_list("area", flat=True)) == ["england"]
    page = client.get(url)
    assert "Removed" in html(page)


def test_a_comparison_with_more_places_than_published_is_refused_not_rounded(client, staff):
    client.force_login(staff.iro_manager)
    url = reverse("comparison_edit", args=["2025-26", "children_on_plan_at_period_end_per_10000"])
    source = "Characteristics of children in need 2025, table C1"
    response = client.post(url, {"england_value": "41.65", "england_source": source})
    assert shows(response, figure_services.COMPARISON_PLACES)
    assert error_summary_links(response) == ["id_england_value"]
    assert not Comparison.objects.exists()
    assert client.post(url, {"england_value": "41.60", "england_source": source}).status_code == 302
    assert Comparison.objects.get().value == Decimal("41.6")


def test_an_unknown_comparison_measure_or_year_is_not_found(client, staff):
    client.force_login(staff.iro_manager)
    assert client.get(reverse("comparison_edit", args=["2025-26", "happiness"])).status_code == 404
    assert client.get(population_url("2025")).status_code == 404
