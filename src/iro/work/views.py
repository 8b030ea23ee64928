"""The landing pages of work: counts that link to lists, then the lists.

Thin views: each queue comes from the selectors listed in ``iro.work.landings``; every
child a page names is declared to the access log.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iro.access import read_log
from iro.access.capabilities import require_capability
from iro.access.scope import visible_to
from iro.journey.checks import today
from iro.journey.selectors import OPEN, open_with_the_service
from iro.reports.headlines import headlines
from iro.work import landings
from iro.work.landings import Landing
from iro.work.queues import Queue

# A landing page shows the first this many rows of each queue, and a link to all of them
# (``?all=<queue key>``): a large service's queue can hold thousands, and a page of them
# all takes seconds to make and is no use to read.
ROWS_SHOWN = 100


def limited(request: HttpRequest, queues: list[Queue]) -> list[Queue]:
    """Each queue showing its first ``ROWS_SHOWN`` rows, but the one the page was asked
    to show all of (``?all=<queue key>``)."""
    every = request.GET.get("all", "")
    return [replace(q, limit=None if q.key == every else ROWS_SHOWN) for q in queues]


def only_for(queues: list[Queue], children: set[UUID], *, page: str = "") -> list[Queue]:
    """Each queue with only the rows about one of ``children`` (a conference of brothers
    and sisters stays when one of them is). A row's link that comes back to ``page``
    (``?next=``) comes back to it narrowed the same way (``?mine=1``)."""
    return [
        replace(
            q,
            rows=tuple(
                replace(r, href=_back_narrowed(r.href, page)) if page else r
                for r in q.rows
                if children.intersection(r.child_public_ids)
            ),
        )
        for q in queues
    ]


def _back_narrowed(href: str, page: str) -> str:
    parts = urlsplit(href)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any((k == "next" and v.startswith(page + "#")) or v == page for k, v in query):
        return href
    query = [
        (k, v.replace(page, page + "?mine=1", 1) if k == "next" and v.startswith(page) else v)
        for k, v in query
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _landing(
    request: HttpRequest, landing: Landing, *, only: set[UUID] | None = None, **context
) -> HttpResponse:
    require_capability(request.user, landing.capability)
    day = today()
    queues = landings.run(landing, request.user, day)
    if only is not None:
        queues = only_for(queues, only, page=request.path)
    queues = limited(request, queues)
    read_log.shown(request, public_ids=[pid for q in queues for pid in q.child_public_ids])
    return render(
        request,
        "work/landing.html",
        {
            "landing": landing,
            "queues": queues,
            "counted": [q for q in queues if q.counted],
            "other_pages": [p for p in landings.work_pages(request.user) if p != landing],
            "today": day,
            "active_nav": "work",
            **context,
        },
    )


def service_work(request: HttpRequest) -> HttpResponse:
    return _landing(request, landings.SERVICE)


def booking_work(request: HttpRequest) -> HttpResponse:
    return _landing(request, landings.BOOKINGS)


def team_work(request: HttpRequest) -> HttpResponse:
    """The team's work; ``?mine=1`` narrows it to the children allocated to the reader
    themself (a social worker's own work), and the page links to them on the caseload."""
    require_capability(request.user, landings.TEAM.capability)
    mine = set(
        visible_to(request.user)
        .filter(social_worker=request.user)
        .values_list("public_id", flat=True)
    )
    only_mine = request.GET.get("mine") == "1" and bool(mine)
    allocated_open = (
        open_with_the_service(
            visible_to(request.user).filter(social_worker=request.user), today()
        ).count()
        if mine
        else 0
    )
    return _landing(
        request,
        landings.TEAM,
        only=mine if only_mine else None,
        allocated=len(mine),
        allocated_open=allocated_open,
        open_filter=OPEN,
        only_mine=only_mine,
    )


def challenge_work(request: HttpRequest) -> HttpResponse:
    return _landing(request, landings.CHALLENGES)


def service_figures(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, landings.FIGURES.capability)
    return _landing(request, landings.FIGURES, headlines=headlines(today(), recent_ok=True))
