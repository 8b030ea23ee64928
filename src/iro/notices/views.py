"""The Messages page: what iro has to tell the signed-in user, and whether it was sent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iro.notices.selectors import SHOWN, notices_for


def notice_list(request: HttpRequest) -> HttpResponse:
    """Every signed-in user has one; a notice names no child, only links to the page."""
    notices = list(notices_for(request.user)[:SHOWN])
    return render(
        request,
        "notices/list.html",
        {"notices": notices, "active_nav": "messages"},
    )
