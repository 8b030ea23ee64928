"""A small, rich authority for the permission matrix: one of every record a page can show.

Two teams. In the first, a sibling group (Quorrelle and Pellavine Vossberg) with a held
initial conference that started a plan each, a review booked with invitations (a parent,
the child herself, a police officer) and the chair's meeting beforehand; the plan has
outcomes, actions and a core group with a parent; a dispute at stage 2; a multi-agency
challenge whose concern names the child; feedback on the initial conference; and a third
child (Liraebeth Quennick) with a transfer-in conference booked. In the second team, one
child (Ysolde Tarrowgate) whose conference the "chaired" IRO chairs.

Every child and family member has an invented, distinctive name, so that the check "no
name on this page" cannot be fooled by a common word, and the free text people write
(outcomes, actions, worries, a dispute's detail, a challenge's concern, feedback, notes)
names them as real people would.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from iro.access.log import log_view
from iro.access.models import RoleGrant
from iro.api.services import create_token
from iro.challenge import feedback_links
from iro.challenge.models import FeedbackLink, Respondent, Stage, StageTimescale
from iro.children.models import Child, Family, FamilyMember, Relationship
from iro.journey import plan_services, services
from iro.journey.models import (
    Conference,
    ConferenceChild,
    ConferenceKind,
    CoreGroupMember,
    Decision,
    Invitation,
    InviteeRole,
    Plan,
    PlanAction,
    PlanOutcome,
    Section47,
)
from iro.notices.mail import send_mail
from iro.operations.heartbeat import beat
from iro.people.models import AgencyKind, Role, User
from iro.reports.sign_off import sign_off
from iro.timescales import parse_period
from tests.challenge.factories import (
    DisputeFactory,
    FeedbackFactory,
    MultiAgencyChallengeFactory,
    TargetFactory,
)
from tests.factories import (
    AgencyFactory,
    ChildFactory,
    ClosureDayFactory,
    FamilyFactory,
    LeaveFactory,
    PlanFactory,
    Staff,
    hold_conference,
    make_staff,
    s47_for,
)

PARENTS = ("Zanthe Vossberg", "Dacian Marlowby")
FEEDBACK_TOKEN = "matrix-feedback-link-token-0123456789abcdefghijklmno"

# Words that are part of a family's name but are no one's name.
NOT_NAMES = frozenset({"family", "household", "the", "and"})


@dataclass
class Authority:
    staff: Staff
    family: Family
    child: Child  # Quorrelle, the child every child page is opened for
    sibling: Child
    transfer_child: Child
    other_child: Child  # of the other team, chaired by the "chaired" IRO
    section47: Section47
    icpc: Conference  # held, started both plans; has feedback
    review: Conference  # scheduled, with invitations and a meeting beforehand
    transfer_in: Conference
    plan: Plan
    outcome: PlanOutcome
    action: PlanAction
    parent_invitation: Invitation
    core_group_parent: CoreGroupMember
    review_row: ConferenceChild
    dispute: object
    challenge: object
    feedback: object
    feedback_token: str  # opens the public feedback form (an emailed link's)
    letter_link: object  # a feedback link waiting for its letter
    api_token: object  # Ivy's
    census_import: object  # an import of the analyst's, done
    census_return: object  # a census return the analyst made, with a finding on the child
    format_request: object  # the plan for the family in Braille, asked for by the social worker
    adult: object  # the children's mother, recorded on their family
    names: dict[str, frozenset[str]] = field(default_factory=dict)


def authority_settings():
    """tests/conftest.py's settings (set there per test) for building the authority
    once for a module, outside any one test."""
    return override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        AXES_ENABLED=False,
    )


def _names_of_family(children: list[Child]) -> frozenset[str]:
    """Every child's and family member's name of these children, as words: first names,
    last names, family names, and invitees and core group members who are parents or
    children, all read back from the database."""
    ids = [c.pk for c in children]
    strings: list[str] = []
    for child in Child.objects.filter(pk__in=ids):
        strings += [child.first_name, child.last_name]
    strings += Family.objects.filter(children__in=ids).values_list("name", flat=True)
    strings += FamilyMember.objects.filter(family__children__in=ids).values_list("name", flat=True)
    family_roles = (InviteeRole.PARENT, InviteeRole.RELATIVE, InviteeRole.CHILD)
    strings += Invitation.objects.filter(
        conference__children__child__in=ids, role__in=family_roles
    ).values_list("name", flat=True)
    strings += CoreGroupMember.objects.filter(
        plan__child__in=ids, role__in=family_roles
    ).values_list("name", flat=True)
    words = {w for s in strings for w in s.split()}
    return frozenset(w for w in words if len(w) > 2 and w.lower() not in NOT_NAMES)


def build_authority() -> Authority:
    staff = make_staff()
    admin = staff.admin
    # As the demo authority makes them: the administrator runs the Django admin.
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    agency = AgencyFactory(name="Northmoor Police", kind=AgencyKind.POLICE)
    ClosureDayFactory()
    LeaveFactory(user=staff.iro)
    TargetFactory(set_by=staff.iro_manager)

    family = FamilyFactory(name="Vossberg household")
    adult = FamilyMember.objects.create(
        family=family, name="Marisande Oakhollow", relationship=Relationship.MOTHER,
        address="4 Quillet Row, Northmoor",
    )  # fmt: skip
    child = ChildFactory(
        la_child_id="MX0001", first_name="Quorrelle", last_name="Vossberg",
        date_of_birth=date(2014, 3, 9), family=family, team=staff.team,
        social_worker=staff.social_worker,
    )  # fmt: skip
    sibling = ChildFactory(
        la_child_id="MX0002", first_name="Pellavine", last_name="Vossberg",
        date_of_birth=date(2017, 8, 21), family=family, team=staff.team,
        social_worker=staff.social_worker,
    )  # fmt: skip
    s47 = s47_for(child, referral=date(2025, 4, 1), strategy=date(2025, 4, 2))
    s47_sibling = s47_for(sibling, referral=date(2025, 4, 1), strategy=date(2025, 4, 2))
    plan = PlanFactory(child=child, episode=s47.episode, start_date=date(2025, 4, 22))
    plan_sibling = PlanFactory(
        child=sibling, episode=s47_sibling.episode, start_date=date(2025, 4, 22)
    )
    worries = "Quorrelle said she is frightened when Dacian Marlowby shouts."
    icpc = hold_conference(
        kind=ConferenceKind.INITIAL,
        chair=staff.iro,
        held_on=date(2025, 4, 22),
        children=[
            (child, {"section47": s47, "plan": plan, "decision": Decision.PLAN,
                     "category": "NEG", "worries": worries,
                     "working_well": "Zanthe Vossberg takes Quorrelle to school."}),
            (sibling, {"section47": s47_sibling, "plan": plan_sibling,
                       "decision": Decision.PLAN, "category": "NEG",
                       "worries": "Pellavine misses nursery."}),
        ],
    )  # fmt: skip
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        chair=staff.iro,
        held_on=None,
        scheduled_date=date(2025, 7, 15),
        scheduled_time=time(14, 0),
        children=[
            (child, {"plan": plan}),
            (sibling, {"plan": plan_sibling}),
        ],
    )
    parent_invitation = services.add_invitee(
        conference=review, name=PARENTS[0], role=InviteeRole.PARENT,
        address="4 Hollin Row, Northmoor", acting_user=staff.coordinator,
    )  # fmt: skip
    services.add_invitee(
        conference=review, name="Quorrelle Vossberg", role=InviteeRole.CHILD,
        acting_user=staff.coordinator,
    )  # fmt: skip
    services.add_invitee(
        conference=review, name="PC Aldous Fenwright", role=InviteeRole.POLICE,
        agency=agency, email="fenwright@police.example", acting_user=staff.coordinator,
    )  # fmt: skip
    review_row = review.children.get(child=child)
    services.record_pre_meeting(
        conference_child=review_row,
        child_met_on=date(2025, 7, 10),
        parents_met_on=date(2025, 7, 11),
        notes="Met Quorrelle at school; Zanthe Vossberg came to the office.",
        expected_version=0,
        acting_user=staff.iro,
    )
    outcome = plan_services.add_outcome(
        plan=plan, text="Quorrelle feels safe at home every day.", acting_user=staff.iro
    )
    action = plan_services.add_action(
        plan=plan, what="Zanthe goes to the parenting course every Tuesday.",
        who="Zanthe Vossberg", by_when=date(2025, 9, 30), outcome=outcome,
        acting_user=staff.iro,
    )  # fmt: skip
    plan_services.add_action(
        plan=plan, what="Share school attendance before each core group.",
        who="School", agency=agency, by_when=date(2025, 9, 30), acting_user=staff.iro,
    )  # fmt: skip
    core_group_parent = plan_services.add_core_group_member(
        plan=plan, name=PARENTS[1], role=InviteeRole.PARENT, joined_on=date(2025, 4, 22),
        acting_user=staff.iro,
    )  # fmt: skip
    plan_services.add_core_group_member(
        plan=plan, name="PC Aldous Fenwright", role=InviteeRole.POLICE, agency=agency,
        joined_on=date(2025, 4, 22), acting_user=staff.iro,
    )  # fmt: skip
    dispute = DisputeFactory(
        child=child, plan=plan, raised_by=staff.iro, raised_on=date(2025, 5, 12),
        stage=Stage.INFORMAL + 1,
        detail="Quorrelle's plan has no action for Dacian Marlowby's drinking.",
    )  # fmt: skip
    # Stage 2 waits for the team manager's answer (they have a page to give it).
    dispute.stages.filter(stage=dispute.stage).update(addressed_to=staff.team_manager)
    challenge = MultiAgencyChallengeFactory(
        child=child, agency=agency, raised_by=staff.iro, raised_on=date(2025, 5, 14),
        professional="Police officer",
        concern="The police did not share what Quorrelle told them about Pellavine.",
    )  # fmt: skip
    feedback = FeedbackFactory(
        conference=icpc, recorded_by=staff.iro, received_on=date(2025, 4, 25),
        text="Zanthe Vossberg said the meeting helped her understand the worries.",
    )  # fmt: skip

    transfer_family = FamilyFactory(name="Quennick family")
    transfer_child = ChildFactory(
        la_child_id="MX0003", first_name="Liraebeth", last_name="Quennick",
        date_of_birth=date(2019, 1, 5), family=transfer_family, team=staff.team,
    )  # fmt: skip
    transfer_in = hold_conference(
        kind=ConferenceKind.TRANSFER_IN, chair=staff.iro, held_on=None,
        scheduled_date=date(2025, 6, 20), notified_on=date(2025, 6, 2),
        children=[(transfer_child, {})],
    )  # fmt: skip

    other_child = ChildFactory(
        la_child_id="MX0004", first_name="Ysolde", last_name="Tarrowgate",
        date_of_birth=date(2015, 11, 30), family=FamilyFactory(name="Tarrowgate family"),
        team=staff.other_team,
    )  # fmt: skip
    other_s47 = s47_for(other_child, referral=date(2025, 5, 1), strategy=date(2025, 5, 2))
    other_plan = PlanFactory(
        child=other_child, episode=other_s47.episode, start_date=date(2025, 5, 20)
    )
    hold_conference(
        kind=ConferenceKind.INITIAL,
        chair=staff.other_iro,  # the IRO who is given IRO_CHILD_ACCESS="chaired"
        held_on=date(2025, 5, 20),
        children=[(other_child, {"section47": other_s47, "plan": other_plan,
                                 "decision": Decision.PLAN, "category": "PHY"})],
    )  # fmt: skip

    # One row in each table the admin shows, so each change page has something to open.
    log_view(user=staff.iro, child=child, what="journey")
    Group.objects.create(name="Reviewers")
    StageTimescale.objects.create(stage=Stage.INFORMAL, working_days=10)
    EmailAddress.objects.create(user=staff.iro, email=staff.iro.email, verified=True)
    AccessAttempt.objects.create(
        username="nobody", ip_address="192.0.2.1", user_agent="test", failures_since_start=1
    )
    AccessLog.objects.create(username="ivy-iro", ip_address="192.0.2.1", user_agent="test")
    AccessFailureLog.objects.create(
        username="nobody", ip_address="192.0.2.1", user_agent="test", locked_out=False
    )
    _authenticator(staff.iro)
    beat("matrix-worker")
    # A task waiting in the database queue (the tests otherwise run tasks at once).
    DatabaseBackend("default", {}).enqueue(send_mail, [parent_invitation.pk], {})
    RoleGrant.objects.create(
        user=staff.social_worker,
        from_role="",
        to_role=Role.SOCIAL_WORKER,
        opens_children=True,
        granted_by=staff.admin,
    )

    api_token, _ = create_token(user=staff.iro, name="Case system", days=30, acting_user=staff.iro)

    from iro.census.models import CensusImport, ImportSource, ImportState

    census_import = CensusImport.objects.create(
        file_name="cin-2023-24.xml",
        size=1234,
        sha256="0" * 64,
        source=ImportSource.PAGE,
        started_by=staff.analyst,
        state=ImportState.DONE,
        summary={"children_read": 1, "added": {"children": 1}, "skipped_count": 0},
    )

    from iro.census.models import CensusReturn, ReturnKind, ReturnState

    finding = (
        "rule,severity,child,field,line,message\r\n"
        f"8841,error,{child.la_child_id},ChildProtectionPlans/Reviews/CPPreviewDate,12,"
        "A review date is on or before the plan's start.\r\n"
    )
    census_return = CensusReturn.objects.create(
        kind=ReturnKind.RETURN,
        period="2024-25",
        lea="999",
        requested_by=staff.analyst,
        state=ReturnState.DONE,
        finished_at=timezone.now(),
        as_at=date(2025, 3, 31),
        children=1,
        summary={"errors": 1, "queries": 0, "by_rule": {"8841": 1}, "notes": []},
        content=gzip.compress(b"<Message><Children/></Message>"),
        findings_csv=gzip.compress(finding.encode()),
        findings_count=1,
    )

    from iro.documents.models import FormatRequest, FormatState

    format_request = FormatRequest.objects.create(
        kind="family_plan",
        document={"plan": str(plan.public_id)},
        key=f'{{"plan": "{plan.public_id}"}}',
        format="braille",
        title="The plan for the family",
        requested_by=staff.social_worker,
        state=FormatState.DONE,
        progress=100,
        content=b",PLAN\r\n",
        content_type="application/x-brf",
        file_name="plan-braille.brf",
    )
    # Feedback links on the initial conference: one emailed (its token known here), one
    # waiting for its letter (printed with a code by the coordinator).
    now = timezone.now()
    link_times = {"created_at": now, "expires_at": now + timedelta(days=feedback_links.LINK_DAYS)}
    emailed = Invitation.objects.create(
        conference=icpc, name=PARENTS[0], role=InviteeRole.PARENT, email="parent@example.org"
    )
    FeedbackLink.objects.create(
        invitation=emailed, conference=icpc, respondent=Respondent.PARENT_OR_CARER,
        token_hash=feedback_links.digest("token", FEEDBACK_TOKEN), **link_times,
    )  # fmt: skip
    posted = Invitation.objects.create(
        conference=icpc, name="Quorrelle Vossberg", role=InviteeRole.CHILD,
        address="4 Hollin Row, Northmoor",
    )  # fmt: skip
    letter_link = FeedbackLink.objects.create(
        invitation=posted, conference=icpc, respondent=Respondent.CHILD, **link_times
    )
    # The annual report the matrix opens, signed off: its files are opened too.
    sign_off(kind="annual", period=parse_period("annual", "2025-26"), acting_user=staff.iro_manager)

    main_family = [child, sibling, transfer_child]
    return Authority(
        staff=staff,
        family=family,
        adult=adult,
        child=child,
        sibling=sibling,
        transfer_child=transfer_child,
        other_child=other_child,
        section47=s47,
        icpc=icpc,
        review=review,
        transfer_in=transfer_in,
        plan=plan,
        outcome=outcome,
        action=action,
        parent_invitation=parent_invitation,
        core_group_parent=core_group_parent,
        review_row=review_row,
        dispute=dispute,
        challenge=challenge,
        feedback=feedback,
        feedback_token=FEEDBACK_TOKEN,
        letter_link=letter_link,
        api_token=api_token,
        census_import=census_import,
        census_return=census_return,
        format_request=format_request,
        names={
            "every": _names_of_family([*main_family, other_child]),
            "this_team": _names_of_family(main_family),
        },
    )


def _authenticator(user: User) -> None:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "0" * 40, "used_mask": 0}
    )
