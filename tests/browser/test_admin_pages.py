"""Every page of the administrator's site (Django admin) in a real browser, checked with
axe-core for WCAG 2.2 AA: the index, each app, and for every registered model its list,
its add form, a record's change form and its history. The pages are found from the admin
site's registry, so a model registered later is checked without a change here."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from iro.access import grants
from iro.people.models import Agency, ClosureDay, Leave, User
from tests.browser.conftest import SHOTS, axe_violations, describe
from tests.browser.test_report_pages import sign_in
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff():
    staff = make_staff()
    staff.admin.is_staff = True
    staff.admin.is_superuser = True
    staff.admin.save(update_fields=["is_staff", "is_superuser"])
    return staff


@pytest.fixture
def records(staff):
    """At least one record of the administrator's everyday models, so change pages exist."""
    Agency.objects.create(name="Northfield Health Trust", kind="health")
    ClosureDay.objects.create(date="2026-12-29", description="Council closure")
    Leave.objects.create(
        user=staff.iro, start_date="2026-12-21", end_date="2026-12-24", description="Leave"
    )
    grants.change_role(user=staff.other_iro, role="coordinator", acting_user=staff.admin)


def admin_pages() -> list[tuple[str, str]]:
    """(name, url) of every admin page to check; change and history pages of the first
    record of each model where one exists."""
    pages = [("admin-index", reverse("admin:index"))]
    apps = set()
    for model in admin.site._registry:
        app, model_name = model._meta.app_label, model._meta.model_name
        if app not in apps:
            apps.add(app)
            pages.append((f"admin-app-{app}", reverse("admin:app_list", args=[app])))
        name, prefix = f"admin-{app}-{model_name}", f"admin:{app}_{model_name}"
        pages.append((f"{name}-list", reverse(f"{prefix}_changelist")))
        pages.append((f"{name}-add", reverse(f"{prefix}_add")))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            for view in ("change", "history"):
                pages.append((f"{name}-{view}", reverse(f"{prefix}_{view}", args=[first.pk])))
    # Where an administrator sends someone a link to set their password.
    account = User.objects.order_by("pk").first()
    pages.append(
        ("admin-password-link", reverse("admin:auth_user_password_change", args=[account.pk]))
    )
    return pages


def check_admin_page(page, name: str) -> list[str]:
    """What is wrong with the page open in the browser: script errors and Content Security
    Policy violations of the page itself, then axe-core's findings. (axe-core, run in the
    page, makes an inline style of its own on some forms; the page's CSP rightly blocks it,
    so what is reported after axe has run is not the page's.)"""
    problems = [f"script error: {error}" for error in page.js_errors]
    problems += [f"CSP: {violation}" for violation in page.csp_violations]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if violations := axe_violations(page):
        problems.append(describe(violations))
    if page.locator("h1").count() != 1:
        problems.append("the page must have exactly one h1")
    page.js_errors.clear()
    page.csp_violations.clear()
    return problems


def test_every_admin_page_passes_axe(page, staff, records):
    sign_in(page, staff.admin.username)
    failures = []
    checked = 0
    for name, url in admin_pages():
        response = page.goto(url)
        if response.status == 403:
            page.js_errors.clear()  # a read-only log's add page: refused, rightly
            continue
        assert response.status == 200, f"{url} answered {response.status}"
        checked += 1
        failures += [f"{url} ({name}): {problem}" for problem in check_admin_page(page, name)]
    assert checked >= 30, f"only {checked} admin pages were checked"
    assert not failures, "\n\n".join(failures)
