"""Every page of the site, as every role, in a real browser, checked with axe-core for
WCAG 2.2 AA.

The pages are found the way the permission matrix finds them (tests/access): every URL of
the URL configuration, filled with the ids of its small rich authority, opened by each
user the matrix's table ``PAGES`` lets in. A new page is checked here the day it gets its
line in ``PAGES``, without a change to this file. What is opened is each page a browser
shows (HTML answered 200): downloads, the API's JSON and POST-only addresses are not
pages. The Django admin's pages are opened by the administrator in test_admin_pages.py,
found from the admin's registry.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from playwright.sync_api import Error as PlaywrightError

from tests.access.matrix_authority import build_authority
from tests.access.test_permission_matrix import (
    STAFF_ATTRIBUTE,
    USERS,
    CannotFill,
    build_path,
    every_url,
    fill,
    page_for,
    variants,
)
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_report_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every user of the matrix but the outsider (a social worker of another team: the same
# pages as the team's own social worker, without this team's children). The anonymous
# user opens the pages open to everyone and the sign-in page.
ROLES = [key for key in USERS if key != "outsider"]
# The fewest pages each user must have been shown: the test fails if the walk finds
# fewer, which would mean it has stopped finding the site's pages.
FEWEST = {"anonymous": 1, "admin": 2}


def pages_for(key: str, authority) -> list[tuple[str, str]]:
    """(label, path) of every page of the site this user may open with a GET."""
    who = USERS[key]
    pages = []
    for url in every_url():
        page = page_for(url)
        if page is None or url.route.startswith(("admin/", "accounts/")):
            continue
        if page.api or page.post_only or (page.rule is not None and not page.rule(who)):
            continue
        for variant in variants(url):
            try:
                path = build_path(url, *fill(url, variant, authority, page))
            except CannotFill as problem:  # the permission matrix fails on it by name
                pytest.fail(f"teach the permission matrix's fill() this URL: {problem}")
            pages.append((f"{url.label}.{variant}" if variant else url.label, path))
    return pages


def problems_on(page, label: str, path: str) -> list[str] | None:
    """What is wrong with one page: axe-core's findings, the h1, script errors and
    Content Security Policy violations. Not a page (a download, a redirect's target
    checked on its own): None."""
    try:
        response = page.goto(path)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return None
        raise
    content_type = response.headers.get("content-type", "")
    if response.status != 200 or not content_type.startswith("text/html"):
        page.js_errors.clear()
        return None
    problems = [f"script error: {error}" for error in page.js_errors]
    problems += [f"CSP: {violation}" for violation in page.csp_violations]
    if violations := axe_violations(page):
        problems.append(describe(violations))
    if page.locator("h1").count() != 1:
        problems.append("the page must have exactly one h1")
    page.js_errors.clear()
    page.csp_violations.clear()
    return [f"{label} {path}: {problem}" for problem in problems]


@pytest.mark.parametrize("key", ROLES)
def test_every_page_a_role_may_open_passes_axe(page, key):
    authority = build_authority()
    who = USERS[key]
    chaired = override_settings(IRO_CHILD_ACCESS="chaired" if who.chaired_only else "all")
    with chaired:
        pages = pages_for(key, authority)
        if who.role is None:
            pages.append(("sign in", "/accounts/login/"))
        else:
            sign_in(page, getattr(authority.staff, STAFF_ATTRIBUTE.get(key, key)).username)
        failures, checked = [], 0
        for label, path in pages:
            found = problems_on(page, label, path)
            if found is not None:
                checked += 1
                failures += found
    assert checked >= FEWEST.get(key, 5), f"only {checked} pages were found for {key}"
    assert not failures, f"{key}: axe found problems on {len(failures)} pages:\n\n" + (
        "\n\n".join(failures)
    )
