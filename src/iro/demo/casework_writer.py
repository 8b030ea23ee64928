"""Write the casework of recent conferences and open plans through the services.

Invitations, pre-meetings and attendance go through ``journey.services``
(``add_invitee`` only records who is invited: nothing is emailed or posted while
the demo is built); outcomes, actions and the core group through
``journey.plan_services``. Only conferences from ``CASEWORK_SINCE`` before today
and those in the next ``INVITED_AHEAD`` get invitations and pre-meetings: older
ones keep only the participation facts on each child's row, and later bookings
are not sent out yet. The coordinator has sent the invitations of the conferences in
the next ``SENT_AHEAD``, but for those just booked, and posted their letters
(``journey.invitations``: recorded, not emailed, while the demo is built); the
others are on the coordinator's lists to send.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from iro.demo import casework, planner
from iro.demo.casework import Cast, Person, who_text
from iro.journey import invitations as sending
from iro.journey import plan_services, services
from iro.journey.checks import as_at, current_version
from iro.journey.models import Conference, ConferenceChild, Invitation, Plan
from iro.journey.plan_services import ActionReview
from iro.people.models import Agency, User

CASEWORK_SINCE = timedelta(days=183)
# Invitations go out a few weeks before a conference: later bookings have none yet.
INVITED_AHEAD = timedelta(days=28)
# Invitations for conferences this near have gone out, but for those booked in the last
# few days: the coordinator's lists have some of each kind of work.
SENT_AHEAD = timedelta(days=14)
JUST_BOOKED = timedelta(days=3)
ADVOCACY = "NYAS (National Youth Advocacy Service)"


@dataclass
class CaseworkCounts:
    invitations: int = 0
    invitations_sent: int = 0
    pre_meetings: int = 0
    outcomes: int = 0
    actions: int = 0
    core_group: int = 0


def staff_person(user: User, title: str, role: str = "social_worker") -> Person:
    return Person(user.get_full_name() or user.username, role, "", user.email, "", title)


class CaseworkWriter:
    """Invitations, pre-meetings, attendance and plan content, one family at a time."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        calendar: planner.Calendar,
        agencies: dict[str, Agency],
    ) -> None:
        self.rng = random.Random(f"{seed}:casework")
        self.today = today
        self.since = today - CASEWORK_SINCE
        self.cal = calendar
        self.agencies = agencies
        self.casts: dict[int, Cast] = {}
        self.counts = CaseworkCounts()

    def cast(self, family: planner.FamilyPlan) -> Cast:
        # Families are written one after another: only the current family's are kept.
        if family.key not in self.casts:
            self.casts = {family.key: Cast(self.rng, family)}
        return self.casts[family.key]

    def wanted(self, meeting: planner.MeetingPlan) -> bool:
        """Conferences of the last six months and of the next four weeks have
        invitations and pre-meetings."""
        if meeting.held:
            return meeting.on >= self.since
        return meeting.on <= self.today + INVITED_AHEAD

    # -- before and after a conference

    def before(
        self,
        *,
        conference: Conference,
        meeting: planner.MeetingPlan,
        family: planner.FamilyPlan,
        category: str,
        worker: User,
        manager: User,
        coordinator: User,
        chair: User,
    ) -> list[tuple[Invitation, str]]:
        """Invite, and record the chair's meetings before it; returns each invitation
        with the attendance to record once the conference is held."""
        people = casework.invitees(
            self.rng,
            self.cast(family),
            meeting,
            category=category,
            worker=staff_person(worker, "Social worker"),
            manager=staff_person(manager, "Team manager", "team_manager"),
            language=family.language,
        )
        invited = []
        for invitee in people:
            person = invitee.person
            invitation = services.add_invitee(
                conference=conference,
                name=person.name if person.role != "interpreter" else who_text(person),
                role=person.role,
                agency=self.agencies.get(person.agency),
                email=person.email,
                address=person.address,
                acting_user=coordinator,
            )
            invited.append((invitation, invitee.attendance))
        self.counts.invitations += len(invited)
        if self.sent_out(meeting):
            self.send(conference, [invitation for invitation, _ in invited], coordinator)
        plans = casework.pre_meetings(self.rng, family, meeting, cal=self.cal, today=self.today)
        if plans:
            # The conference's rows are in the order of the planned children.
            rows = ConferenceChild.objects.filter(conference=conference).order_by("pk")
            by_key = {row.child: r for row, r in zip(meeting.rows, rows, strict=True)}
            for plan in plans:
                services.record_pre_meeting(
                    conference_child=by_key[plan.child],
                    child_met_on=plan.child_met_on,
                    child_too_young=plan.child_too_young,
                    parents_met_on=plan.parents_met_on,
                    advocacy_offered=plan.advocacy_offered,
                    advocate_involved=plan.advocate_involved,
                    advocate_organisation=ADVOCACY if plan.advocate_involved else "",
                    interpreter_needed=bool(plan.interpreter_language),
                    interpreter_language=plan.interpreter_language,
                    notes=plan.notes,
                    acting_user=chair,
                    expected_version=0,
                )
            self.counts.pre_meetings += len(plans)
        return invited

    def sent_out(self, meeting: planner.MeetingPlan) -> bool:
        """Whether the coordinator has sent a coming conference's invitations by today:
        those of the next ``SENT_AHEAD``, unless booked in the last ``JUST_BOOKED``."""
        booked = meeting.booked_on or meeting.on
        return (
            not meeting.held
            and meeting.on <= self.today + SENT_AHEAD
            and booked <= self.today - JUST_BOOKED
        )

    def send(self, conference: Conference, invited: list[Invitation], coordinator: User) -> None:
        """Send the invitations by email and record the letters posted to the others,
        as the coordinator does from the invitations page, on the demo's today."""
        with as_at(self.today):
            if any(invitation.email for invitation in invited):
                sending.send_invitations(conference=conference, acting_user=coordinator)
            for invitation in invited:
                # A letter goes to those with an address; one with neither address nor
                # email is left on the coordinator's list, as the page lists it.
                if not invitation.email and sending.has_postal_address(invitation):
                    sending.record_letter_posted(invitation=invitation, acting_user=coordinator)
        self.counts.invitations_sent += len(invited)

    def after(
        self, *, conference: Conference, invited: list[tuple[Invitation, str]], coordinator: User
    ) -> None:
        """Who came to a conference that was held."""
        attendance = {invitation.pk: came for invitation, came in invited if came}
        if attendance:
            services.record_attendance(
                conference=conference,
                attendance=attendance,
                acting_user=coordinator,
                expected_version=current_version(conference),
            )

    # -- open plans

    def open_plan(
        self,
        *,
        plan: Plan,
        child: planner.ChildPlan,
        family: planner.FamilyPlan,
        category: str,
        last_conference: date,
        worker: User,
        chair: User,
    ) -> None:
        """The plan's outcomes, actions (with their status now) and core group, recorded by
        the chair of the plan's latest conference."""
        content = casework.plan_content(
            self.rng,
            self.cast(family),
            child,
            category=category,
            plan_start=plan.start_date,
            last_conference=last_conference,
            worker=staff_person(worker, "Social worker"),
            today=self.today,
            cal=self.cal,
        )
        outcomes = [
            plan_services.add_outcome(plan=plan, text=text, acting_user=chair)
            for text in content.outcomes
        ]
        reviews = {}
        for action in content.actions:
            written = plan_services.add_action(
                plan=plan,
                what=action.what,
                who=who_text(action.who),
                by_when=action.by_when,
                outcome=outcomes[action.outcome] if action.outcome is not None else None,
                agency=self.agencies.get(action.who.agency),
                acting_user=chair,
            )
            if action.status != "not_started":
                reviews[written.pk] = ActionReview(
                    status=action.status,
                    progress=action.progress,
                    expected_version=current_version(written),
                )
        if reviews:
            plan_services.revisit_actions(plan=plan, reviews=reviews, acting_user=chair)
        for member in content.core_group:
            person = member.person
            written = plan_services.add_core_group_member(
                plan=plan,
                name=person.name,
                role=person.role,
                joined_on=member.joined_on,
                agency=self.agencies.get(person.agency),
                email=person.email,
                acting_user=chair,
            )
            if member.left_on is not None:
                plan_services.end_core_group_membership(
                    member=written, left_on=member.left_on, acting_user=chair
                )
        self.counts.outcomes += len(outcomes)
        self.counts.actions += len(content.actions)
        self.counts.core_group += len(content.core_group)
