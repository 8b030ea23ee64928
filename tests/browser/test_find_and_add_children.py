"""Finding a child from the header and adding children in a real browser, each page
checked with axe-core: a coordinator finds a child by a fragment of the surname and books
the initial conference; adding a child who already exists warns before saving; a social
worker of another team finds nothing of this team's children."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from iro.children.models import Child
from iro.journey.models import Conference, ConferenceKind
from tests.browser.conftest import check_page
from tests.browser.test_conference_journey import (  # noqa: F401 (fixtures)
    clock,
    fill_date,
    main_text,
    session_cookies,
    sign_in,
    submit,
)
from tests.factories import ChildFactory, make_staff, s47_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def find(page, text: str) -> None:
    page.fill("#iro-find-child", text)
    page.get_by_role("button", name="Find a child").click()
    page.wait_for_load_state()


def test_a_coordinator_finds_a_child_by_part_of_the_surname_and_books_the_icpc(
    browser,
    live_server,
    sign_in,  # noqa: F811 (the fixture imported above)
    clock,  # noqa: F811
):
    staff = make_staff()
    clock.set(date(2024, 6, 12))
    for i in range(12):
        ChildFactory(team=staff.team, la_child_id=f"N{i:04d}")
    wren = ChildFactory(
        first_name="Wren", last_name="Hazelwood", date_of_birth=date(2015, 4, 2),
        team=staff.team, social_worker=staff.social_worker, la_child_id="HZ-1",
    )  # fmt: skip
    ChildFactory(first_name="Ash", last_name="Hazelwood", team=staff.team, la_child_id="HZ-2")
    s47 = s47_for(wren, referral=date(2024, 6, 7), strategy=date(2024, 6, 10))
    s47.icpc_requested_on = date(2024, 6, 10)
    s47.save(update_fields=["icpc_requested_on"])

    coordinator = sign_in(staff.coordinator)
    coordinator.goto("/children/")
    find(coordinator, "zelwo")
    expect(coordinator.locator("h1")).to_have_text("Find a child")
    expect(coordinator.locator("#search-count")).to_contain_text("2 children found")
    check_page(coordinator, "f01-search-results")
    coordinator.get_by_role("link", name="Wren Hazelwood").click()
    expect(coordinator.locator("h1")).to_have_text("Wren Hazelwood")
    coordinator.get_by_role(
        "link", name="Enquiries, conferences and plans for Wren Hazelwood"
    ).click()
    coordinator.get_by_role("link", name="Book the initial conference").click()
    fill_date(coordinator, "scheduled_date", date(2024, 6, 26))
    coordinator.fill("#id_scheduled_time", "10:00")
    coordinator.fill("#id_venue", "Northmoor Civic Centre, Room 2")
    coordinator.check(f"input[name=chair][value='{staff.iro.pk}']")
    submit(coordinator, "Book the conference")
    icpc = Conference.objects.get(kind=ConferenceKind.INITIAL)
    assert [r.child for r in icpc.children.all()] == [wren]

    # Search errors are explained, not a traceback; one child found opens their record.
    find(coordinator, "31/2/2015")
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text("is not a real date")
    expect(coordinator).to_have_title(re.compile(r"^Error: Find a child"))
    check_page(coordinator, "f02-search-error")
    find(coordinator, "2/4/2015")
    expect(coordinator.locator("h1")).to_have_text("Wren Hazelwood")

    # A social worker of another team finds nothing of this team's children.
    outsider = sign_in(staff.outsider)
    outsider.goto("/children/")
    find(outsider, "Hazelwood")
    assert "No children you can see match" in main_text(outsider)
    assert "Wren" not in main_text(outsider)

    # The analyst's box asks for an LA child ID, and finds no one by name.
    analyst = sign_in(staff.analyst)
    analyst.goto("/children/")
    expect(analyst.locator("#iro-find-child")).to_have_attribute("placeholder", "LA child ID")
    find(analyst, "Hazelwood")
    assert "No children you can see match" in main_text(analyst)
    find(analyst, "HZ-1")
    expect(analyst.locator("h1")).to_have_text("Child HZ-1")


def test_adding_a_child_who_already_exists_warns_before_saving(
    browser,
    live_server,
    sign_in,  # noqa: F811 (the fixture imported above)
    clock,  # noqa: F811
):
    staff = make_staff()
    clock.set(date(2025, 3, 3))
    ChildFactory(
        first_name="Amara", last_name="Okafor", date_of_birth=date(2016, 2, 9),
        team=staff.team, la_child_id="LA-100",
    )  # fmt: skip
    worker = sign_in(staff.social_worker)
    worker.goto("/children/")
    worker.get_by_role("link", name="Add a child").click()
    expect(worker.locator("h1")).to_have_text("Add a child")
    check_page(worker, "f03-add-child")
    submit(worker, "Add the child")
    summary = worker.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the LA child ID.")
    expect(summary).to_contain_text("Select whether the child has been born.")
    check_page(worker, "f04-add-child-errors")

    worker.fill("#id_la_child_id", "LA-200")
    worker.fill("#id_first_name", "Amara")
    worker.fill("#id_last_name", "Okafor")
    worker.get_by_label("Yes", exact=True).check()
    fill_date(worker, "date_of_birth", date(2016, 2, 9))
    worker.select_option("#id_ethnicity", label="African")
    worker.get_by_label("Hearing").check()
    worker.get_by_label("No disability").check()  # unticks the disabilities (GOV.UK's "or")
    expect(worker.get_by_label("Hearing")).not_to_be_checked()
    worker.fill("#id_family_name", "Okafor family")
    fill_date(worker, "referral_date", date(2025, 3, 1))
    worker.select_option("#id_referral_source", label="Schools")
    worker.select_option("#id_primary_need", label="Abuse or neglect")
    submit(worker, "Add the child")
    expect(worker.locator(".govuk-warning-text")).to_contain_text(
        "This child may already be recorded"
    )
    expect(worker.locator("#possible-duplicates")).to_contain_text("LA-100")
    assert not Child.objects.filter(la_child_id="LA-200").exists()
    check_page(worker, "f05-possible-duplicate")
    worker.get_by_label("I have checked: this is a different child from those listed").check()
    submit(worker, "Add the child")
    expect(worker.locator("h1")).to_have_text("Amara Okafor")
    expect(worker.locator("main .govuk-notification-banner")).to_contain_text("has been added")
    child = Child.objects.get(la_child_id="LA-200")
    assert child.team == staff.team and child.episodes.count() == 1
    assert (child.ethnicity, child.disabilities) == ("BAFR", ["NONE"])

    worker.get_by_role("link", name="Add an adult to the family").click()
    check_page(worker, "f06-add-adult")
    worker.fill("#id_name", "Grace Okafor")
    worker.get_by_label("Mother").check()
    worker.fill("#id_phone", "07700 900123")
    worker.fill("#id_preferred_language", "Igbo")
    submit(worker, "Add the adult")
    expect(worker.locator("#family-adults")).to_contain_text("Grace Okafor (mother)")
    worker.get_by_role("link", name="Add a brother or sister").click()
    check_page(worker, "f07-add-sibling")
    worker.get_by_role("link", name="Back").click()
    worker.get_by_role("link", name="Record a referral").click()
    check_page(worker, "f08-referral")
