"""Named capabilities per role: the one table of who may do what.

Views and services ask ``has_capability(user, X)``; nothing checks a role name
elsewhere. Which *children* a user may see is ``access.scope``.
"""

from __future__ import annotations

from enum import StrEnum

from iro.people.models import Role


class Capability(StrEnum):
    VIEW_CHILDREN = "View children's records"
    VIEW_CHILD_NAMES = "See children's names"
    VIEW_MY_WORK = "Have a 'My work' list of conferences to chair"
    VIEW_SERVICE_WORK = (
        "See the service's waiting work: late conferences, chairs, bookings, reviews, loads"
    )
    VIEW_BOOKING_WORK = "See the bookings waiting: conferences, invitations, letters, minutes"
    VIEW_TEAM_WORK = "See the team's conferences due, overdue plan actions and core groups"
    VIEW_SERVICE_FIGURES = "See the service's headline figures for the year to date"
    RECORD_STRATEGY_DISCUSSION = "Record strategy discussions and Section 47 enquiries"
    ADD_CHILDREN = "Add children, families and referrals"
    CORRECT_CHILD_DETAILS = "Correct a child's details, LA child ID, allocation and family"
    SCHEDULE_CONFERENCES = "Schedule conferences and allocate chairs"
    CHAIR_CONFERENCES = "Chair conferences and record decisions"
    RECORD_ACTION_PROGRESS = "Record the progress of plan actions between conferences"
    MANAGE_CORE_GROUP = "Keep a plan's core group: who joins it, who has left"
    RECORD_CONFERENCE_REPORT = (
        "Record when the social work report for a conference reached the chair and the family"
    )
    AGREE_LATE_CONFERENCES = "Agree a conference held outside timescale"
    VIEW_REPORTS = "Read performance reports"
    EXPORT_RETURNS = "Export statutory returns"
    IMPORT_RETURNS = "Import statutory returns into the records (the CIN census)"
    RAISE_CHALLENGES = "Raise disputes and multi-agency challenges"
    HANDLE_MULTI_AGENCY_CHALLENGES = "Receive and forward multi-agency challenges"
    ANSWER_DISPUTES = "Answer the disputes sent to them"
    SET_TARGETS = "Set the action plan's targets for the annual report"
    APPROVE_QUOTES = "Approve feedback quotes and choose those the annual report features"
    RECORD_REPORT_FIGURES = (
        "Record the figures reports need: population, IROs' hours, comparison figures"
    )
    WRITE_REPORT_NARRATIVE = "Write the words of the reports: context, achievements, next steps"
    ADMINISTER = "Manage users, teams, agencies and closure days"
    REVIEW_ROLE_GRANTS = "See every role given, and who gave it"
    RESTRICT_RECORDS = "Restrict a child's record to named people"
    EXPORT_SUBJECT_ACCESS = "Export everything held about a child (subject access)"
    REVIEW_RETENTION = "See the records past the retention period"
    VOID_RECORDS = "Void wrongly entered records and restore them"
    MANAGE_LEAVE = "Record the IROs' leave"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.IRO: frozenset(
        {
            Capability.VIEW_CHILDREN,
            Capability.VIEW_CHILD_NAMES,
            Capability.VIEW_MY_WORK,
            Capability.CHAIR_CONFERENCES,
            Capability.RECORD_ACTION_PROGRESS,
            Capability.MANAGE_CORE_GROUP,
            Capability.RECORD_CONFERENCE_REPORT,
            Capability.RAISE_CHALLENGES,
            Capability.VIEW_REPORTS,
        }
    ),
    Role.IRO_MANAGER: frozenset(
        {
            Capability.VIEW_CHILDREN,
            Capability.VIEW_CHILD_NAMES,
            Capability.VIEW_MY_WORK,
            Capability.VIEW_SERVICE_WORK,
            Capability.VIEW_BOOKING_WORK,
            Capability.VIEW_SERVICE_FIGURES,
            Capability.CHAIR_CONFERENCES,
            Capability.RECORD_ACTION_PROGRESS,
            Capability.MANAGE_CORE_GROUP,
            Capability.RECORD_CONFERENCE_REPORT,
            Capability.SCHEDULE_CONFERENCES,
            Capability.AGREE_LATE_CONFERENCES,
            Capability.RAISE_CHALLENGES,
            Capability.VIEW_REPORTS,
            Capability.SET_TARGETS,
            Capability.APPROVE_QUOTES,
            Capability.RECORD_REPORT_FIGURES,
            Capability.WRITE_REPORT_NARRATIVE,
            Capability.REVIEW_ROLE_GRANTS,
            Capability.RESTRICT_RECORDS,
            Capability.EXPORT_SUBJECT_ACCESS,
            Capability.REVIEW_RETENTION,
            Capability.VOID_RECORDS,
            Capability.CORRECT_CHILD_DETAILS,
            Capability.MANAGE_LEAVE,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Capability.VIEW_CHILDREN,
            Capability.VIEW_CHILD_NAMES,
            Capability.VIEW_BOOKING_WORK,
            Capability.SCHEDULE_CONFERENCES,
            Capability.RECORD_CONFERENCE_REPORT,
            Capability.RECORD_STRATEGY_DISCUSSION,
            Capability.ADD_CHILDREN,
            Capability.CORRECT_CHILD_DETAILS,
        }
    ),
    Role.SOCIAL_WORKER: frozenset(
        {
            Capability.VIEW_CHILDREN,
            Capability.VIEW_CHILD_NAMES,
            Capability.VIEW_TEAM_WORK,
            Capability.RECORD_ACTION_PROGRESS,
            Capability.MANAGE_CORE_GROUP,
            Capability.RECORD_CONFERENCE_REPORT,
            Capability.ANSWER_DISPUTES,
            Capability.RECORD_STRATEGY_DISCUSSION,
            Capability.ADD_CHILDREN,
            Capability.CORRECT_CHILD_DETAILS,
        }
    ),
    Role.TEAM_MANAGER: frozenset(
        {
            Capability.VIEW_CHILDREN,
            Capability.VIEW_CHILD_NAMES,
            Capability.VIEW_TEAM_WORK,
            Capability.RECORD_ACTION_PROGRESS,
            Capability.MANAGE_CORE_GROUP,
            Capability.RECORD_CONFERENCE_REPORT,
            Capability.ANSWER_DISPUTES,
            Capability.RECORD_STRATEGY_DISCUSSION,
            Capability.ADD_CHILDREN,
            Capability.CORRECT_CHILD_DETAILS,
            Capability.VIEW_REPORTS,
        }
    ),
    Role.SENIOR_MANAGER: frozenset(
        {
            Capability.VIEW_CHILDREN,
            Capability.VIEW_CHILD_NAMES,
            Capability.VIEW_SERVICE_FIGURES,
            Capability.ANSWER_DISPUTES,
            Capability.AGREE_LATE_CONFERENCES,
            Capability.VIEW_REPORTS,
        }
    ),
    # Analysts work with identifiers, not names: the journey and lists show the
    # LA child ID in place of a name.
    Role.ANALYST: frozenset(
        {
            Capability.VIEW_CHILDREN,
            Capability.VIEW_REPORTS,
            Capability.EXPORT_RETURNS,
            Capability.IMPORT_RETURNS,
        }
    ),
    Role.PARTNERSHIP: frozenset(
        {Capability.HANDLE_MULTI_AGENCY_CHALLENGES, Capability.VIEW_REPORTS}
    ),
    Role.ADMIN: frozenset({Capability.ADMINISTER}),
}


def capabilities_of(user) -> frozenset[Capability]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def has_capability(user, capability: Capability) -> bool:
    return capability in capabilities_of(user)


REFUSED_ACTION = "Your role does not include this: {what}."


def refusal(capability: Capability) -> str:
    """The refusal naming ``capability`` in the sentence ("record the IROs' leave"):
    only its first letter lowered, so IROs and other capitals stay as written."""
    what = str(capability.value)
    return REFUSED_ACTION.format(what=what[:1].lower() + what[1:])


def roles_with(capability: Capability) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def users_with(capability: Capability):
    """The active users whose role has ``capability`` (those to tell of what it is for)."""
    from iro.people.models import User

    return User.objects.filter(role__in=roles_with(capability), is_active=True).order_by("pk")


def require_capability(user, capability: Capability) -> None:
    """Raise PermissionDenied (a 403 page) naming what the user's role does not include."""
    if not has_capability(user, capability):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(refusal(capability))
