"""A Content-Security-Policy on every response, and templates that keep to it
(security review, finding 18)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from iro.access.security_headers import HEADER, policy
from tests.factories import make_staff

pytestmark = [pytest.mark.django_db]

SRC = Path(__file__).resolve().parents[2] / "src" / "iro"
REQUIRED = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
# Standalone documents with their own stylesheet: the family documents (nonce), and the report
# document, its summary and the subject access export (downloaded PDFs and HTML files,
# never served as a page).
OWN_STYLESHEET = {
    "documents/family_document.html",
    "documents/family_journey/base.html",
    "documents/large_print.html",
    "reports/document.html",
    "reports/summary_document.html",
    "rights/subject_access.html",
}


def assert_policy(response) -> None:
    value = response[HEADER]
    for directive in REQUIRED:
        assert directive in value, f"{directive!r} missing from {value!r}"
    assert "unsafe-inline" not in value
    assert "unsafe-eval" not in value


def test_the_sign_in_page_has_the_policy(client):
    assert_policy(client.get("/accounts/login/"))


def test_signed_in_pages_errors_and_redirects_have_the_policy(client):
    staff = make_staff()
    client.force_login(staff.iro)
    for url in [reverse("my_work"), reverse("caseload"), "/no-such-page/", "/"]:
        assert_policy(client.get(url))


def test_a_signed_out_visitor_redirected_to_sign_in_gets_the_policy(client):
    response = client.get(reverse("my_work"))
    assert response.status_code == 302
    assert_policy(response)


def test_each_response_gets_its_own_style_nonce(client):
    first = client.get("/accounts/login/")[HEADER]
    second = client.get("/accounts/login/")[HEADER]
    assert re.search(r"style-src 'self' 'nonce-[\w-]+'", first)
    assert first != second


def test_the_policy_is_read_from_settings(settings):
    settings.CONTENT_SECURITY_POLICY = {"default-src": ["'self'"], "style-src": ["'self'"]}
    assert policy("abc") == "default-src 'self'; style-src 'self' 'nonce-abc'"


def templates() -> list:
    return [
        pytest.param(name, path.read_text(), id=name)
        for path in sorted(SRC.rglob("templates/**/*.html"))
        for name in [path.as_posix().split("/templates/", 1)[1]]
    ]


def test_there_are_templates_to_check():
    names = [param.values[0] for param in templates()]
    assert "base.html" in names and "account/login.html" in names


@pytest.mark.parametrize(("name", "text"), templates())
def test_no_template_has_inline_script_or_style(name, text):
    """Inline script, event handlers and inline CSS would be refused by the browser."""
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    assert not re.search(r"\son[a-z]+\s*=", text), "an inline event handler"
    assert "javascript:" not in text
    assert not re.search(r"\sstyle\s*=", text), "a style attribute"
    if name not in OWN_STYLESHEET:
        assert "<style" not in text, "a <style> element"
