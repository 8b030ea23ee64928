"""Each role's landing page: which queues it shows, in order, and who may open it.

A queue is a function ``(user, day=...) -> Queue`` (``iro.work.queues``) computed by the
app that owns the records: ``journey.queues`` for conferences and plans,
``challenge.queues`` for disputes, challenges and targets. Adding one to a page is one
line in its list below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from iro.access.capabilities import Capability, has_capability
from iro.challenge import queues as challenge
from iro.journey import queues as journey
from iro.work.queues import Queue

QueueFunction = Callable[..., Queue]  # (user, *, day) -> Queue

# --- The queues of each page, in the order shown ------------------------------------------

SERVICE_MANAGER_QUEUES: list[QueueFunction] = [
    journey.late_conferences_to_agree,
    journey.late_reasons_not_accepted,
    journey.conferences_without_a_chair,
    journey.conferences_to_record,
    journey.icpcs_requested_not_booked,
    journey.icpcs_overdue_or_at_risk,
    journey.reviews_overdue_or_at_risk,
    challenge.dispute_responses_overdue,
    challenge.answers_to_decide,
    journey.iro_loads,
    challenge.targets_this_year,
]

COORDINATOR_QUEUES: list[QueueFunction] = [
    journey.section47s_to_book,
    journey.conferences_without_a_chair,  # the coordinator allocates the chairs
    journey.conferences_to_record,  # or moves or cancels them
    journey.conferences_without_invitations,
    journey.interpreters_to_book,
    journey.invitations_to_post,
    journey.reports_not_with_the_chair,
    journey.minutes_to_send,
    journey.reviews_to_book,
]


def team_actions_overdue(user, *, day: date) -> Queue:
    """The team's overdue plan actions; progress saved from one comes back to the list."""
    return journey.plan_actions_overdue(user, day, back=reverse("team_work") + "#actions-overdue")


TEAM_QUEUES: list[QueueFunction] = [
    journey.conferences_coming_up,  # and the reports each needs
    journey.conferences_due,
    team_actions_overdue,
    journey.core_groups_due,
    challenge.disputes_waiting_for_answer,
]

PARTNERSHIP_QUEUES: list[QueueFunction] = [
    challenge.challenges_to_forward,
    challenge.challenges_without_response,
]


# My work (``journey.views.my_work``), under the chair's conferences and deadlines: the
# rest of what waits for the chair, of the conferences they chair and the children they
# chair for (``MyWork.children``).
def my_work_queues(user, day: date, children) -> list[Queue]:
    return [
        journey.conferences_to_record(user, day, chaired_by=user),
        challenge.answers_to_decide(user, day=day),
        journey.plan_actions_overdue(
            user, day, children=children, back=reverse("my_work") + "#actions-overdue"
        ),
    ]


# Shown under the headline figures.
SENIOR_MANAGER_QUEUES: list[QueueFunction] = [
    challenge.disputes_waiting_for_answer,
]


@dataclass(frozen=True)
class Landing:
    url_name: str
    title: str
    nav: str  # the menu's word for it
    capability: Capability
    intro: str
    queues: list[QueueFunction]


SERVICE = Landing(
    "service_work",
    "The service's work",
    "Service work",
    Capability.VIEW_SERVICE_WORK,
    "What is waiting across the IRO service, worked out from the records today.",
    SERVICE_MANAGER_QUEUES,
)
BOOKINGS = Landing(
    "booking_work",
    "Bookings and letters",
    "Bookings",
    Capability.VIEW_BOOKING_WORK,
    "Conferences to book and chair, invitations and letters to send, and minutes to send out.",
    COORDINATOR_QUEUES,
)
TEAM = Landing(
    "team_work",
    "Your team's work",
    "Team work",
    Capability.VIEW_TEAM_WORK,
    "For the children of your team: conferences coming up and due, plan actions overdue "
    "and core groups.",
    TEAM_QUEUES,
)
CHALLENGES = Landing(
    "challenge_work",
    "Challenges waiting",
    "Challenges waiting",
    Capability.HANDLE_MULTI_AGENCY_CHALLENGES,
    "Multi-agency challenges to forward, and forwarded ones still waiting for a response.",
    PARTNERSHIP_QUEUES,
)
FIGURES = Landing(
    "service_figures",
    "Service figures",
    "Service figures",
    Capability.VIEW_SERVICE_FIGURES,
    "The service's headline figures for this reporting year so far.",
    SENIOR_MANAGER_QUEUES,
)

# Where each user lands, first that applies: chairs keep My work (the service manager,
# who chairs too, lands on the service's work), the rest their own page.
LANDING_ORDER: list[tuple[Capability, str]] = [
    (Capability.VIEW_SERVICE_WORK, SERVICE.url_name),
    (Capability.VIEW_MY_WORK, "my_work"),
    (Capability.VIEW_BOOKING_WORK, BOOKINGS.url_name),
    (Capability.VIEW_TEAM_WORK, TEAM.url_name),
    (Capability.VIEW_SERVICE_FIGURES, FIGURES.url_name),
    (Capability.HANDLE_MULTI_AGENCY_CHALLENGES, CHALLENGES.url_name),
    (Capability.VIEW_CHILDREN, "caseload"),
]


def landing_for(user) -> str | None:
    """The URL name of the page ``user``'s work starts on; None for a role with none."""
    return next((name for cap, name in LANDING_ORDER if has_capability(user, cap)), None)


def work_pages(user) -> list[Landing]:
    """The landing pages ``user`` may open, for the menu."""
    return [
        landing
        for landing in (SERVICE, BOOKINGS, TEAM, FIGURES, CHALLENGES)
        if has_capability(user, landing.capability)
    ]


def run(landing: Landing, user, day: date) -> list[Queue]:
    return [queue(user, day=day) for queue in landing.queues]
