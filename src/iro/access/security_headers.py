"""Content-Security-Policy on every response (security review, finding 18).

Django 5.2 has no built-in CSP, so this middleware writes the header from
``settings.CONTENT_SECURITY_POLICY`` (a directive -> sources mapping). Pages load
scripts, styles, images and fonts from the service itself only: no inline script, no
inline style, no plugins, no ``<base>``, forms post only to the service, and no other
site may frame a page.

Each request gets a fresh nonce, ``request.csp_nonce``, added to ``style-src``: the one
standalone page with its own stylesheet (the family plan, which must also work as a
single file and a PDF) writes ``<style nonce="{{ request.csp_nonce }}">``. A response
that already carries the header (a view that needs a different policy) keeps it.
"""

from __future__ import annotations

import secrets

from django.conf import settings

HEADER = "Content-Security-Policy"


def policy(nonce: str | None = None) -> str:
    """The header's value, with ``nonce`` allowed for ``<style>`` elements."""
    directives: dict[str, list[str]] = settings.CONTENT_SECURITY_POLICY
    parts = []
    for name, sources in directives.items():
        sources = list(sources)
        if nonce and name == "style-src":
            sources.append(f"'nonce-{nonce}'")
        parts.append(" ".join([name, *sources]))
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy(request.csp_nonce)
        return response
