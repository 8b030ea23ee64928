"""The pages of the security review in a real browser, with axe-core (WCAG 2.2 AA) and
screenshots: the IRO service manager's "Roles given", and the plan, conference and
challenge pages as the analyst and the partnership officer see them (no names)."""

from __future__ import annotations

import pytest

from iro.access import grants
from iro.people.models import Role
from tests.browser.conftest import check_page
from tests.browser.test_report_pages import sign_in
from tests.challenge.factories import MultiAgencyChallengeFactory
from tests.factories import UserFactory, make_staff
from tests.journey.test_names_for_readers_without_names import NAMES
from tests.journey.test_names_for_readers_without_names import journey as _journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

journey = _journey


@pytest.fixture
def staff():
    return make_staff()


def _no_names(page) -> None:
    text = page.locator("body").inner_text().lower()
    for name in NAMES:
        assert name.lower() not in text, name


def test_the_iro_service_manager_reads_the_roles_given(page, staff):
    admin = UserFactory(username="alder-admin", role=Role.ADMIN, is_staff=True)
    colleague = UserFactory(username="cedar", first_name="Cedar", last_name="Rowe", role=Role.IRO)
    grants.change_role(user=colleague, role=Role.COORDINATOR, acting_user=admin)
    sign_in(page, staff.iro_manager.username)
    page.get_by_role("link", name="Roles given").click()
    assert page.locator("h1").inner_text() == "Roles given"
    assert "Opens children's records" in page.locator("#role-grants").inner_text()
    check_page(page, "roles-given")


def test_the_analyst_reads_the_plan_and_conference_without_names(page, staff, journey):
    sign_in(page, staff.analyst.username)
    page.goto(f"/plans/{journey.plan.public_id}/")
    _no_names(page)
    check_page(page, "analyst-plan")
    page.goto(f"/conferences/{journey.icpc.public_id}/")
    _no_names(page)
    check_page(page, "analyst-conference")


def test_the_partnership_reads_a_challenge_without_names(page, staff, journey):
    challenge = MultiAgencyChallengeFactory(
        child=journey.child,
        concern="The health visitor did not see Quorrelle or tell Zanthe.",
        raised_by=staff.iro,
    )
    sign_in(page, staff.partnership.username)
    page.goto(f"/challenges/{challenge.public_id}/")
    _no_names(page)
    check_page(page, "partnership-challenge")
