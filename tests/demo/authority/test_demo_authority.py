"""The demo authority as written to the database (at a tenth of its size)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.db.models import Count, F, Q

from iro import timescales
from iro.census.export import return_children, return_header
from iro.census.rules import ERROR, Validator
from iro.children.models import Child
from iro.demo import planner
from iro.demo.staff import DEMO_LOGINS
from iro.journey.models import (
    Category,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    LateDecision,
    Plan,
    StrategyDiscussion,
)
from iro.journey.queues import conferences_to_record, conferences_without_a_chair
from iro.journey.services import due_date
from iro.people.models import ClosureDay, Leave, Role, Team, User
from iro.people.selectors import closure_days
from tests.demo.conftest import SMALL, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_demo")]


def test_it_writes_exactly_the_journeys_it_planned(small_demo):
    assert small_demo.years == small_demo.planned_years
    assert [y.label for y in small_demo.years] == ["2023-24", "2024-25", "2025-26"]


def test_the_yearly_figures_are_a_tenth_of_the_full_authority(small_demo):
    for year in small_demo.years:
        assert 650 * SMALL * 0.75 <= year.during <= 800 * SMALL * 1.25, year
        assert 400 * SMALL * 0.75 <= year.at_end <= 500 * SMALL * 1.25, year


def test_every_role_has_one_demo_login_with_the_demo_password(settings):
    for username, role in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(settings.DEMO_PASSWORD), username
    assert {r for _, r in DEMO_LOGINS} == set(Role.values)
    assert User.objects.filter(username__startswith="demo-").count() == len(DEMO_LOGINS)


def test_the_demo_admin_can_use_the_django_admin_and_nobody_else_can():
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.is_superuser
    assert list(User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))) == [admin]


def test_only_the_demo_logins_can_sign_in(settings):
    others = User.objects.exclude(username__startswith="demo-")
    assert others.count() > 60
    assert not any(u.has_usable_password() for u in others)


def test_the_staff_is_a_whole_authority():
    assert 8 <= User.objects.filter(role=Role.IRO).count() <= 10
    assert User.objects.filter(role=Role.IRO_MANAGER).count() == 1
    assert 2 <= User.objects.filter(role=Role.COORDINATOR).count() <= 3
    assert Team.objects.count() == 12
    for team in Team.objects.select_related("manager", "link_iro"):
        workers = User.objects.filter(team=team, role=Role.SOCIAL_WORKER)
        assert 3 <= workers.count() <= 5
        assert team.manager.role == Role.TEAM_MANAGER
        assert all(w.line_manager_id == team.manager_id for w in workers)
        assert team.link_iro.role == Role.IRO
    assert ClosureDay.objects.exists()


def test_the_demo_social_workers_team_has_children_on_plans():
    worker = User.objects.get(username="demo-social-worker")
    manager = User.objects.get(username="demo-team-manager")
    assert worker.team.manager == manager
    on_plan = Child.objects.filter(team=worker.team, plans__end_date__isnull=True).distinct()
    assert on_plan.exists()
    assert Child.objects.filter(social_worker=worker).exists()


def test_the_demo_iro_has_conferences_in_the_next_four_weeks_and_one_overdue():
    iro = User.objects.get(username="demo-iro")
    coming = Conference.objects.filter(
        chair=iro,
        status=ConferenceStatus.SCHEDULED,
        scheduled_date__gt=TODAY,
        scheduled_date__lte=TODAY + timedelta(days=28),
    )
    assert coming.count() >= 3
    dues = [
        due_date(kind=c.kind, section47=row.section47, plan=row.plan)
        for c in Conference.objects.filter(chair=iro, status=ConferenceStatus.SCHEDULED)
        for row in c.children.select_related("section47", "plan")
    ]
    assert any(d is not None and d < TODAY for d in dues)
    assert Plan.objects.filter(end_date__isnull=True, conference_rows__conference__chair=iro)


def test_the_manager_has_a_booked_conference_whose_chair_is_away_to_move():
    manager = User.objects.get(username="demo-manager")
    away = [r for r in conferences_without_a_chair(manager, TODAY).rows if r.flag == "Chair away"]
    assert len(away) >= 1
    assert away[0].action == "Change the chair"
    leave = list(Leave.objects.order_by("start_date"))
    assert len(leave) == 2  # the other chair is away on days they chair nothing
    assert all(lv.start_date > TODAY and lv.description == "Annual leave" for lv in leave)
    assert all(lv.end_date.weekday() == 4 for lv in leave)  # to the Friday, not a weekend
    assert not any(lv.user.username == "demo-iro" for lv in leave)
    assert all(lv.history.get().history_user == manager for lv in leave)


def test_only_reviews_of_the_last_working_days_are_left_to_record():
    calendar, days = planner.Calendar(closure_days()), [TODAY]
    for _ in range(5):
        days.append(calendar.on_or_before(days[-1] - timedelta(days=1)))
    past = Conference.objects.filter(status=ConferenceStatus.SCHEDULED, scheduled_date__lt=TODAY)
    # Any chair's of the last two working days; the demo IRO's of the last five.
    assert (
        not past.exclude(scheduled_date__in=days[1:3], kind=ConferenceKind.REVIEW)
        .exclude(
            scheduled_date__in=days[1:], kind=ConferenceKind.REVIEW, chair__username="demo-iro"
        )
        .exists()
    )
    assert conferences_to_record(User.objects.get(username="demo-manager"), TODAY).count == (
        past.count()
    )


def test_nothing_is_held_after_today():
    assert not Conference.objects.filter(held_on__gt=TODAY).exists()
    assert not Conference.objects.filter(
        status=ConferenceStatus.SCHEDULED, scheduled_date__lte=TODAY - timedelta(days=60)
    ).exists()


def test_all_five_categories_are_present():
    assert set(Plan.objects.values_list("initial_category", flat=True)) == set(Category.values)


def test_siblings_share_the_strategy_discussion_and_one_conference():
    families = Counter()
    for conference in Conference.objects.prefetch_related("children__child"):
        rows = list(conference.children.all())
        assert len({row.child.family_id for row in rows}) == 1
        families[len(rows)] += 1
    assert families[2] + families[3] + families[4] > 20
    group = (
        ConferenceChild.objects.filter(conference__kind=ConferenceKind.INITIAL)
        .values("conference")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("conference")
        .first()
    )
    children = Child.objects.filter(conference_rows__conference=group["conference"])
    dates = StrategyDiscussion.objects.filter(
        episode__child__in=children,
        section47__conference_rows__conference=group["conference"],
    ).values_list("held_on", flat=True)
    assert len(set(dates)) == 1


def test_the_manager_has_agreed_late_conferences_but_the_last_weeks():
    waiting = Conference.objects.exclude(lateness_reason="").filter(late_decision="")
    assert not waiting.filter(held_on__lt=TODAY - timedelta(days=7)).exists()


def test_minutes_went_out_within_five_days_but_for_the_last_few_conferences():
    recent = Conference.objects.filter(
        status=ConferenceStatus.HELD, held_on__gte=TODAY - timedelta(days=90)
    )
    assert recent.filter(minutes_sent_on=F("held_on") + timedelta(days=5)).exists()
    assert not recent.filter(
        minutes_sent_on__isnull=True, held_on__lt=TODAY - timedelta(days=5)
    ).exists()


def test_late_conferences_have_a_reason_and_some_were_agreed():
    closures = frozenset(ClosureDay.objects.values_list("date", flat=True))
    late = Conference.objects.exclude(lateness_reason="")
    assert late.exists()
    assert late.filter(late_decision="agreed", late_decided_by__role=Role.IRO_MANAGER).exists()
    # A manager who chaired a late conference does not agree it: their line manager does.
    assert not late.filter(late_decided_by=F("chair")).exists()
    for row in ConferenceChild.objects.filter(
        conference__kind=ConferenceKind.INITIAL, conference__status=ConferenceStatus.HELD
    ).select_related("conference", "section47"):
        in_time = timescales.icpc_in_time(
            row.section47.start_date, row.conference.held_on, closures=closures
        )
        assert in_time == (row.conference.lateness_reason == ""), row.conference


def test_conferences_were_booked_when_the_coordinator_would_have_booked_them():
    # Not "in the past" (the demo books each on the day it would have been booked); one
    # booked after its due date gives the coordinator's reason, as the service asks.
    booked = Conference.objects.all()
    assert not booked.filter(booking_warnings__contains="is in the past").exists()
    late = booked.filter(booking_warnings__contains="after")
    assert late.exists()
    assert not late.filter(booking_reason="").exists()
    assert not booked.filter(booking_reason__contains="history").exists()


def test_some_late_reasons_were_not_accepted_each_with_the_managers_comment():
    not_accepted = Conference.objects.filter(late_decision=LateDecision.NOT_AGREED)
    assert not_accepted.exists()
    assert not not_accepted.filter(late_decision_comment="").exists()
    agreed = Conference.objects.filter(late_decision=LateDecision.AGREED)
    assert agreed.count() > 2 * not_accepted.count()


def test_conferences_are_on_weekdays_between_half_past_nine_and_three():
    for day, at in Conference.objects.values_list("scheduled_date", "scheduled_time"):
        assert day.weekday() < 5
        assert "09:30" <= f"{at:%H:%M}" <= "15:00"


def test_chairs_are_iros_who_do_not_manage_the_childs_social_worker():
    rows = ConferenceChild.objects.select_related(
        "conference__chair", "child__social_worker", "child__team"
    )
    for row in rows:
        chair = row.conference.chair
        assert chair.role in (Role.IRO, Role.IRO_MANAGER)
        assert row.child.social_worker.line_manager_id != chair.pk
        assert row.child.team.manager_id != chair.pk


def test_most_reviews_keep_the_same_chair():
    same = total = 0
    for plan in Plan.objects.prefetch_related("conference_rows__conference"):
        chairs = [
            r.conference.chair_id
            for r in sorted(plan.conference_rows.all(), key=lambda r: r.conference.scheduled_date)
        ]
        same += sum(a == b for a, b in pairwise(chairs))
        total += max(len(chairs) - 1, 0)
    assert same / total > 0.75


def test_episodes_close_only_after_plans_end_and_never_twice_open():
    assert not Plan.objects.filter(
        end_date__isnull=True, episode__closure_date__isnull=False
    ).exists()
    assert not Plan.objects.filter(episode__closure_date__lt=F("end_date")).exists()
    open_twice = Child.objects.annotate(
        n=Count("episodes", filter=Q(episodes__closure_date__isnull=True))
    ).filter(n__gt=1)
    assert not open_twice.exists()
    assert set(Plan.objects.exclude(end_date=None).values_list("end_reason", flat=True)) >= {
        "step_down_cin",
        "closed",
    }


def test_participation_is_recorded_with_about_a_quarter_of_children_attending():
    rows = ConferenceChild.objects.filter(conference__status=ConferenceStatus.HELD)
    attended = rows.filter(attendance__in=["in_person", "virtual", "part"]).count()
    assert 0.15 <= attended / rows.count() <= 0.35
    assert rows.filter(advocate_involved=True).exists()
    assert rows.filter(pre_meeting_parents=True).count() > rows.count() / 2
    recent = rows.filter(conference__held_on__gte=TODAY - timedelta(days=180))
    assert all(r.worries and r.working_well and r.needs_to_happen for r in recent)


def test_recent_conferences_have_their_social_work_report_recorded():
    closures = closure_days()
    recent = Conference.objects.filter(scheduled_date__gte=TODAY - timedelta(days=60))
    due = {c.pk: timescales.report_due(c.scheduled_date, closures=closures) for c in recent}
    due_by_now = [c for c in recent if due[c.pk] < TODAY]
    received = [c for c in due_by_now if c.report_received_on is not None]
    assert due_by_now and len(received) == len(due_by_now)
    assert any(c.report_received_on > due[c.pk] for c in received)  # one in four a day late
    assert all(c.report_shared_on <= c.scheduled_date for c in received)


def test_every_case_record_has_its_history():
    assert Child.history.filter(history_type="+").count() == Child.objects.count()
    held = Conference.objects.filter(status=ConferenceStatus.HELD).first()
    versions = held.history.order_by("history_id")
    statuses = [v.status for v in versions]  # booked (its report recorded), then held
    assert statuses[0] == "scheduled" and "held" in statuses
    recorded = next(v for v in versions if v.status == "held")
    assert recorded.history_user == held.chair


def test_the_demo_census_return_breaks_no_dfe_error_rule_but_the_transfer_ins_plan_start():
    # What an analyst sees checking the demo's last full year: its records are the
    # census's own, so no DfE error but 2885 on the plans of children who moved in on a
    # plan (a transfer-in conference starts them; no initial conference: see the docs).
    year = timescales.period_containing(timescales.ANNUAL, TODAY - timedelta(days=366))
    analyst = User.objects.get(username="demo-analyst")
    header = return_header(year, lea=None)
    validator = Validator(header)
    children = list(return_children(user=analyst, period=year))
    errors = [f for f in validator.run(children) if f.severity == ERROR and f.child is not None]
    assert len(children) > 50
    assert {f.rule for f in errors} <= {"2885"}, Counter(f.rule for f in errors)
    moved_in = set(
        Child.objects.filter(
            conference_rows__conference__kind=ConferenceKind.TRANSFER_IN
        ).values_list("la_child_id", flat=True)
    )
    assert {f.child for f in errors} <= moved_in
