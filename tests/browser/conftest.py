"""One Chromium for the whole session, driven by Playwright against pytest-django's
live server, with axe-core to check each page against WCAG 2.2 AA.

Debian's Chromium is used (``playwright install`` cannot download here). Without it
the browser tests are skipped with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told this is safe (it is: the loop is Playwright's).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Screenshots for a person to look at: /tmp/shots unless IRO_SCREENSHOTS says otherwise.
SHOTS = Path(os.environ.get("IRO_SCREENSHOTS") or Path(tempfile.gettempdir()) / "shots")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NO_CHROMIUM = f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if _in_ci():
            pytest.fail(NO_CHROMIUM)
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    csp_violations: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error":
            # "Failed to load resource" says which resource only in its location.
            where = (msg.location or {}).get("url", "")
            errors.append(f"{msg.text} ({where})" if where else msg.text)
        if "Content Security Policy" in msg.text:
            csp_violations.append(f"{page.url}: {msg.text}")

    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", on_console)
    page.js_errors = errors
    page.csp_violations = csp_violations
    yield page
    context.close()
    # Every page a browser test opens must keep to the Content-Security-Policy.
    assert not csp_violations, "Content Security Policy violations:\n" + "\n".join(csp_violations)


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page for WCAG 2.0, 2.1 and 2.2 A and AA; return its violations."""
    # Evaluated, not added as a <script> element: the page's CSP refuses inline script.
    page.evaluate((Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js").read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def check_page(page, name: str) -> None:
    """Screenshot the page, then assert it has no axe violations and no script errors."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, f"axe found problems on {name}:\n{describe(violations)}"
    assert page.locator("h1").count() == 1, f"{name} must have exactly one h1"
    assert not page.js_errors, f"script errors on {name}: {page.js_errors}"
