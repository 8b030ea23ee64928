"""The first pages: home, My work, the caseload and a child's journey.

Thin views: access through ``iro.access``, data from ``journey.selectors``; nothing
here reads ``Child.objects`` or computes a date.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from iro.access import read_log
from iro.access.capabilities import Capability, capabilities_of, has_capability
from iro.access.scope import child_for
from iro.journey import correction_selectors, selectors
from iro.journey.checks import today
from iro.journey.forms import CaseloadFilterForm
from iro.people.models import Role
from iro.work.landings import landing_for, my_work_queues
from iro.work.views import limited

NO_MY_WORK = "My work is for conference chairs."
NO_CHILDREN = "Your role does not include children's records."


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to where their work starts (``iro.work.landings.landing_for``:
    chairs to My work, the service manager, coordinators, social workers, team managers
    and senior managers to their landing page, analysts to the caseload), everyone else
    to a page of what they can do."""
    landing = landing_for(request.user)
    if landing is not None:
        return redirect(landing)
    capabilities = sorted(capabilities_of(request.user), key=lambda c: list(Capability).index(c))
    return render(
        request,
        "journey/landing.html",
        {"capabilities": [c.value for c in capabilities], "role": request.user.get_role_display()},
    )


def my_work(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.VIEW_MY_WORK):
        raise PermissionDenied(NO_MY_WORK)
    day = today()
    work = selectors.my_work(request.user, day=day)
    queues = limited(request, my_work_queues(request.user, day, work.children))
    read_log.shown(
        request,
        pks=[c.pk for u in work.upcoming for c in u.children]
        + [d.child.pk for d in work.deadlines],
        public_ids=[pid for q in queues for pid in q.child_public_ids],
    )
    return render(
        request,
        "journey/my_work.html",
        {"work": work, "queues": queues, "active_nav": "my_work"},
    )


def _pagination(request: HttpRequest, page) -> dict:
    """Links for the GOV.UK pagination component, keeping the filters."""

    def href(number: int) -> str:
        query: QueryDict = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    paginator = page.paginator
    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    return {
        "items": items if paginator.num_pages > 1 else [],
        "previous": href(page.previous_page_number()) if page.has_previous() else None,
        "next": href(page.next_page_number()) if page.has_next() else None,
    }


def caseload(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.VIEW_CHILDREN):
        raise PermissionDenied(NO_CHILDREN)
    if not request.GET and request.user.role == Role.IRO:
        # An IRO's children are those they chair: the list opens on them ("Any" chair,
        # or "Clear filters", shows the service's).
        return redirect(reverse("caseload") + f"?chair={request.user.pk}&on_plan={selectors.OPEN}")
    form = CaseloadFilterForm(request.GET, user=request.user)
    result = selectors.caseload(
        request.user, form.filters(), page_number=request.GET.get("page", 1)
    )
    read_log.shown(request, pks=[row.child.pk for row in result.rows])
    return render(
        request,
        "journey/caseload.html",
        {
            "form": form,
            "caseload": result,
            "pagination": _pagination(request, result.page),
            "filtered": any(request.GET.get(name) for name in form.fields),
            "active_nav": "children",
        },
    )


def child_journey(request: HttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for(request.user, public_id, related=selectors.JOURNEY_RELATED)
    journey = selectors.journey_for(request.user, child)
    corrections = correction_selectors.corrections_for(request.user, child)
    return render(
        request,
        "journey/child.html",
        {
            "journey": journey,
            "corrections": corrections,
            "date_corrections": correction_selectors.date_corrections(child),
            "active_nav": "children",
        },
    )
