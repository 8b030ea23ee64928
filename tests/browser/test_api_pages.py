"""The API's browser pages: the docs (Swagger UI from the project's own static files)
render under the Content-Security-Policy, and the tokens page passes axe."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page
from tests.browser.test_content_security_policy import sign_in
from tests.factories import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_from_local_files_under_the_policy(page, live_server):
    staff = make_staff()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    sign_in(page, staff.analyst.username, PASSWORD)
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "iro API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-tag").count() > 3  # the operations, grouped
    assert not page.csp_violations
    outside = [u for u in requested if not u.startswith((live_server.url, "data:", "blob:"))]
    assert not outside


def test_the_tokens_page_makes_a_token_and_passes_axe(page):
    staff = make_staff()
    sign_in(page, staff.iro.username, PASSWORD)
    page.goto("/tokens/")
    page.fill("#id_name", "Case system nightly sync")
    page.get_by_role("button", name="Make the token").click()
    page.wait_for_load_state()
    assert page.locator("#new-token code").inner_text().startswith("iro_")
    check_page(page, "api-tokens")
