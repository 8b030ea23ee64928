"""The API's browser pages: its reference and the tokens page, each passing axe under the
Content-Security-Policy."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page
from tests.browser.test_content_security_policy import sign_in
from tests.factories import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_reference_lists_every_call_and_passes_axe(page, live_server):
    staff = make_staff()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    sign_in(page, staff.analyst.username, PASSWORD)
    page.goto("/api/docs/")
    assert page.locator("h1").inner_text() == "iro API"
    assert page.locator("section.iro-api-call").count() > 20  # every call, grouped
    page.get_by_role("link", name="BookConferenceRequest").first.click()
    assert page.url.endswith("#shape-BookConferenceRequest")
    outside = [u for u in requested if not u.startswith((live_server.url, "data:", "blob:"))]
    assert not outside
    check_page(page, "api-reference")


def test_the_tokens_page_makes_a_token_and_passes_axe(page):
    staff = make_staff()
    sign_in(page, staff.iro.username, PASSWORD)
    page.goto("/tokens/")
    page.fill("#id_name", "Case system nightly sync")
    page.get_by_role("button", name="Make the token").click()
    page.wait_for_load_state()
    assert page.locator("#new-token code").inner_text().startswith("iro_")
    check_page(page, "api-tokens")
