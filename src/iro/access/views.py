"""The IRO service manager's view of who was given which role, and by whom."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iro.access.capabilities import Capability, require_capability
from iro.access.models import RoleGrant
from iro.people.models import Role

PER_PAGE = 50


def role_grants(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Capability.REVIEW_ROLE_GRANTS)
    grants = RoleGrant.objects.select_related("user", "granted_by")
    page = Paginator(grants, PER_PAGE).get_page(request.GET.get("page"))
    labels = dict(Role.choices)
    rows = [
        {
            "grant": g,
            "from_role": labels.get(g.from_role, "no role"),
            "to_role": labels.get(g.to_role, g.to_role),
        }
        for g in page
    ]
    return render(
        request,
        "access/role_grants.html",
        {"page": page, "rows": rows, "opening": grants.filter(opens_children=True).count()},
    )
