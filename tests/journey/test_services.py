"""The journey write path: what it records, and what it refuses."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from iro.children.services import DUPLICATE_LA_CHILD_ID, create_child, create_family, update_child
from iro.journey import services
from iro.journey.checks import DATE_IN_FUTURE, STALE_RECORD, current_version
from iro.journey.models import (
    CinPlanPeriod,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Episode,
    LatenessReason,
    Plan,
    Section47,
)
from iro.journey.services import Subject
from iro.people.models import Role, Team, User
from tests.factories import complete_outcome

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 28), tick=False):
        yield


@pytest.fixture
def coordinator():
    return User.objects.create(username="cora", first_name="Cora", role=Role.COORDINATOR)


@pytest.fixture
def iro():
    return User.objects.create(username="ivy", first_name="Ivy", last_name="Reeve", role=Role.IRO)


@pytest.fixture
def iro_manager():
    return User.objects.create(username="mo", first_name="Mo", role=Role.IRO_MANAGER)


@pytest.fixture
def team():
    manager = User.objects.create(username="tom", first_name="Tom", role=Role.TEAM_MANAGER)
    return Team.objects.create(name="North Family Support", manager=manager)


@pytest.fixture
def siblings(coordinator, team):
    family = create_family(name="Fenwick-Adeyemi household", acting_user=coordinator)
    return [
        create_child(
            acting_user=coordinator,
            la_child_id=f"T{n}",
            first_name=name,
            last_name="Fenwick-Adeyemi",
            date_of_birth=date(2016 + n, 3, 1),
            family=family,
            team=team,
        )
        for n, name in enumerate(["Ada", "Bo"], start=1)
    ]


def strategy_for(child, coordinator, held_on=date(2024, 1, 10)) -> Section47:
    episode = services.open_episode(
        child=child, referral_date=date(2024, 1, 8), referral_source="2A", acting_user=coordinator
    )
    discussion = services.record_strategy_discussion(
        episode=episode, held_on=held_on, acting_user=coordinator
    )
    return discussion.section47


def test_a_second_enquiry_while_one_waits_for_its_conference_is_refused(siblings, coordinator):
    first = strategy_for(siblings[0], coordinator)
    with pytest.raises(ValidationError) as raised:
        services.record_strategy_discussion(
            episode=first.episode, held_on=date(2024, 1, 12), acting_user=coordinator
        )
    assert raised.value.message_dict["start_section47"] == [
        services.S47_ALREADY_UNDER_WAY.format(child=siblings[0], start=date(2024, 1, 10))
    ]
    # A discussion that starts no enquiry is recorded beside it.
    services.record_strategy_discussion(
        episode=first.episode,
        held_on=date(2024, 1, 12),
        acting_user=coordinator,
        start_section47=False,
    )
    assert Section47.objects.filter(episode=first.episode).count() == 1


def test_a_request_dated_before_the_enquiry_says_it_is_the_request(siblings, coordinator):
    section47 = strategy_for(siblings[0], coordinator)
    with pytest.raises(ValidationError) as raised:
        services.request_icpc(
            section47=section47, requested_on=date(2024, 1, 9), acting_user=coordinator
        )
    assert raised.value.message_dict["requested_on"] == [
        "The request cannot be before the strategy discussion that started the enquiry, on "
        "10 January 2024."
    ]


def held_icpc(children, coordinator, iro, held_on, **kwargs) -> Conference:
    subjects = [Subject(child=c, section47=strategy_for(c, coordinator)) for c in children]
    conference = services.schedule_conference(
        confirm_reason="Recorded after the event",
        kind=ConferenceKind.INITIAL,
        subjects=subjects,
        scheduled_date=held_on,
        scheduled_time=time(10, 0),
        chair=iro,
        acting_user=coordinator,
    )
    return services.record_conference_held(
        conference=conference,
        held_on=held_on,
        outcomes={
            c.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=held_on) for c in children
        },
        acting_user=iro,
        **({"expected_version": current_version(conference)} | kwargs),
    )


def test_a_strategy_discussion_starts_the_section_47_that_day(siblings, coordinator):
    section47 = strategy_for(siblings[0], coordinator, held_on=date(2024, 1, 10))
    assert section47.start_date == date(2024, 1, 10)
    assert section47.strategy_discussion.held_on == date(2024, 1, 10)


def test_an_icpc_for_a_sibling_group_starts_a_plan_for_each_child(siblings, coordinator, iro):
    conference = held_icpc(siblings, coordinator, iro, held_on=date(2024, 1, 31))
    assert conference.status == ConferenceStatus.HELD
    plans = Plan.objects.order_by("child__la_child_id")
    assert [(p.child, p.start_date, p.latest_category) for p in plans] == [
        (siblings[0], date(2024, 1, 31), "NEG"),
        (siblings[1], date(2024, 1, 31), "NEG"),
    ]
    assert {row.plan for row in conference.children.all()} == set(plans)


def test_an_icpc_on_the_16th_working_day_needs_a_reason(siblings, coordinator, iro):
    # S47 from Wed 10 Jan 2024: the 15th working day is Wed 31 Jan, the 16th Thu 1 Feb.
    with pytest.raises(ValidationError) as raised:
        held_icpc(siblings[:1], coordinator, iro, held_on=date(2024, 2, 1))
    assert "lateness_reason" in raised.value.message_dict
    assert Plan.objects.count() == 0
    assert not Conference.objects.filter(status=ConferenceStatus.HELD).exists()


def test_a_late_icpc_with_a_reason_is_recorded(siblings, coordinator, iro):
    conference = held_icpc(
        siblings[:1],
        coordinator,
        iro,
        held_on=date(2024, 2, 1),
        lateness_reason=LatenessReason.INTERPRETER,
    )
    assert conference.lateness_reason == LatenessReason.INTERPRETER


def test_other_as_the_lateness_reason_needs_words(siblings, coordinator, iro):
    with pytest.raises(ValidationError) as raised:
        held_icpc(
            siblings[:1],
            coordinator,
            iro,
            held_on=date(2024, 2, 5),
            lateness_reason=LatenessReason.OTHER,
        )
    assert raised.value.message_dict["lateness_detail"] == [services.LATENESS_DETAIL_REQUIRED]


def test_a_conference_before_its_strategy_discussion_is_refused(siblings, coordinator, iro):
    section47 = strategy_for(siblings[0], coordinator, held_on=date(2024, 1, 10))
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            confirm_reason="Recorded after the event",
            kind=ConferenceKind.INITIAL,
            subjects=[Subject(child=siblings[0], section47=section47)],
            scheduled_date=date(2024, 1, 9),
            acting_user=coordinator,
        )
    assert raised.value.message_dict["scheduled_date"] == [
        services.BEFORE_S47.format(date=date(2024, 1, 10))
    ]


def test_a_review_for_a_child_with_no_plan_is_refused(siblings, coordinator):
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            confirm_reason="Recorded after the event",
            kind=ConferenceKind.REVIEW,
            subjects=[Subject(child=siblings[0])],
            scheduled_date=date(2024, 7, 1),
            acting_user=coordinator,
        )
    assert raised.value.message_dict["children"] == [services.REVIEW_NEEDS_PLAN]


def test_dates_in_the_future_are_refused(siblings, coordinator):
    with pytest.raises(ValidationError) as raised:
        services.open_episode(
            child=siblings[0], referral_date=date(2030, 1, 1), acting_user=coordinator
        )
    assert raised.value.message_dict["referral_date"] == [DATE_IN_FUTURE]


def test_a_sibling_conference_must_be_for_one_family(siblings, coordinator, team):
    stranger = create_child(acting_user=coordinator, la_child_id="S9", team=team)
    subjects = [
        Subject(child=siblings[0], section47=strategy_for(siblings[0], coordinator)),
        Subject(child=stranger, section47=strategy_for(stranger, coordinator)),
    ]
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            confirm_reason="Recorded after the event",
            kind=ConferenceKind.INITIAL,
            subjects=subjects,
            scheduled_date=date(2024, 1, 20),
            acting_user=coordinator,
        )
    assert raised.value.message_dict["children"] == [services.ONE_FAMILY]


def test_the_manager_of_the_childs_team_cannot_chair(siblings, coordinator, team):
    team.manager.role = Role.IRO_MANAGER
    team.manager.save()
    section47 = strategy_for(siblings[0], coordinator)
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            confirm_reason="Recorded after the event",
            kind=ConferenceKind.INITIAL,
            subjects=[Subject(child=siblings[0], section47=section47)],
            scheduled_date=date(2024, 1, 20),
            chair=team.manager,
            acting_user=coordinator,
        )
    assert "cannot chair" in raised.value.message_dict["chair"][0]


def test_the_line_manager_of_the_childs_social_worker_cannot_chair(siblings, coordinator, iro):
    worker = User.objects.create(username="sam", role=Role.SOCIAL_WORKER, line_manager=iro)
    update_child(
        child=siblings[0],
        social_worker=worker,
        acting_user=coordinator,
        expected_version=current_version(siblings[0]),
    )
    section47 = strategy_for(siblings[0], coordinator)
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            confirm_reason="Recorded after the event",
            kind=ConferenceKind.INITIAL,
            subjects=[Subject(child=siblings[0], section47=section47)],
            scheduled_date=date(2024, 1, 20),
            chair=iro,
            acting_user=coordinator,
        )
    assert "line-manage" in raised.value.message_dict["chair"][0]


def test_a_chair_cannot_be_in_two_conferences_at_once(siblings, coordinator, iro):
    subjects = [Subject(child=c, section47=strategy_for(c, coordinator)) for c in siblings]
    services.schedule_conference(
        confirm_reason="Recorded after the event",
        kind=ConferenceKind.INITIAL,
        subjects=subjects[:1],
        scheduled_date=date(2024, 1, 22),
        scheduled_time=time(10, 0),
        chair=iro,
        acting_user=coordinator,
    )
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            confirm_reason="Recorded after the event",
            kind=ConferenceKind.INITIAL,
            subjects=subjects[1:],
            scheduled_date=date(2024, 1, 22),
            scheduled_time=time(10, 0),
            chair=iro,
            acting_user=coordinator,
        )
    assert "already chairing" in raised.value.message_dict["chair"][0]


def test_reviews_change_the_category_and_the_last_ends_the_plan(siblings, coordinator, iro):
    held_icpc(siblings[:1], coordinator, iro, held_on=date(2024, 1, 31))
    plan = Plan.objects.get()
    review = services.schedule_conference(
        confirm_reason="Recorded after the event",
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=siblings[0], plan=plan)],
        scheduled_date=date(2024, 4, 30),
        acting_user=coordinator,
    )
    services.record_conference_held(
        conference=review,
        held_on=date(2024, 4, 30),
        outcomes={siblings[0].pk: complete_outcome(Decision.CONTINUE, category="EMO")},
        acting_user=iro,
        expected_version=current_version(review),
    )
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category) == ("NEG", "EMO")
    second = services.schedule_conference(
        confirm_reason="Recorded after the event",
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=siblings[0], plan=plan)],
        scheduled_date=date(2024, 6, 20),
        acting_user=coordinator,
    )
    services.record_conference_held(
        conference=second,
        held_on=date(2024, 6, 20),
        outcomes={siblings[0].pk: complete_outcome(Decision.END, end_reason="step_down_cin")},
        acting_user=iro,
        expected_version=current_version(second),
    )
    plan.refresh_from_db()
    assert plan.end_date == date(2024, 6, 20)
    assert services.review_dates(plan) == [date(2024, 4, 30), date(2024, 6, 20)]
    assert CinPlanPeriod.objects.get().start_date == date(2024, 6, 20)


def test_a_review_a_day_after_three_months_needs_a_reason(siblings, coordinator, iro):
    held_icpc(siblings[:1], coordinator, iro, held_on=date(2024, 1, 31))
    plan = Plan.objects.get()
    review = services.schedule_conference(
        confirm_reason="Recorded after the event",
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=siblings[0], plan=plan)],
        scheduled_date=date(2024, 5, 1),
        acting_user=coordinator,
    )
    with pytest.raises(ValidationError) as raised:
        services.record_conference_held(
            conference=review,
            held_on=date(2024, 5, 1),
            outcomes={siblings[0].pk: complete_outcome(Decision.CONTINUE, category="NEG")},
            acting_user=iro,
            expected_version=current_version(review),
        )
    assert raised.value.message_dict["lateness_reason"] == [
        services.LATENESS_REASON_REQUIRED.format(due=date(2024, 4, 30))
    ]


def test_a_plan_cannot_end_before_it_started(siblings, coordinator, iro):
    held_icpc(siblings[:1], coordinator, iro, held_on=date(2024, 1, 31))
    plan = Plan.objects.get()
    with pytest.raises(ValidationError) as raised:
        services.end_plan(
            plan=plan,
            ended_on=date(2024, 1, 30),
            reason="closed",
            acting_user=iro,
            expected_version=current_version(plan),
        )
    assert raised.value.message_dict["end_date"] == [
        services.PLAN_END_BEFORE_START.format(date=date(2024, 1, 31))
    ]
    plan.refresh_from_db()
    assert plan.end_date is None


def test_the_second_of_two_editors_is_refused_and_nothing_is_lost(
    siblings, coordinator, iro, iro_manager
):
    held_icpc(siblings[:1], coordinator, iro, held_on=date(2024, 1, 31))
    plan = Plan.objects.get()
    seen_by_both = plan.version
    services.change_latest_category(
        plan=plan, category="PHY", acting_user=iro, expected_version=seen_by_both
    )
    with pytest.raises(ValidationError) as raised:
        services.change_latest_category(
            plan=plan, category="SAB", acting_user=iro_manager, expected_version=seen_by_both
        )
    assert raised.value.messages == [STALE_RECORD]
    plan.refresh_from_db()
    assert plan.latest_category == "PHY"


def test_every_change_writes_a_history_row_naming_who_made_it(
    siblings, coordinator, iro, iro_manager
):
    held_icpc(siblings[:1], coordinator, iro, held_on=date(2024, 1, 31))
    plan = Plan.objects.get()
    services.change_latest_category(
        plan=plan, category="MUL", acting_user=iro_manager, expected_version=current_version(plan)
    )
    history = list(plan.history.order_by("history_date"))
    assert [h.latest_category for h in history] == ["NEG", "MUL"]
    assert [h.history_user for h in history] == [iro, iro_manager]


def test_a_child_cannot_be_created_twice(siblings, coordinator):
    with pytest.raises(ValidationError) as raised:
        create_child(acting_user=coordinator, la_child_id="T1")
    assert raised.value.message_dict["la_child_id"] == [DUPLICATE_LA_CHILD_ID.format(id="T1")]


def test_an_icpc_can_be_marked_not_required(siblings, coordinator):
    section47 = strategy_for(siblings[0], coordinator)
    services.record_icpc_not_required(section47=section47, acting_user=coordinator)
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            confirm_reason="Recorded after the event",
            kind=ConferenceKind.INITIAL,
            subjects=[Subject(child=siblings[0], section47=section47)],
            scheduled_date=date(2024, 1, 20),
            acting_user=coordinator,
        )
    assert raised.value.message_dict["children"] == [services.S47_ICPC_NOT_REQUIRED]


def test_no_conference_needed_is_refused_while_one_is_booked_for_the_enquiry(siblings, coordinator):
    section47 = strategy_for(siblings[0], coordinator)
    services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[Subject(child=siblings[0], section47=section47)],
        scheduled_date=date(2024, 7, 12),
        confirm_reason="Booked late: the family asked for a later date",
        acting_user=coordinator,
    )
    with pytest.raises(ValidationError) as raised:
        services.record_icpc_not_required(section47=section47, acting_user=coordinator)
    assert raised.value.message_dict["icpc_not_required"] == [
        services.S47_ICPC_BOOKED.format(date=date(2024, 7, 12))
    ]
    assert "12 July 2024: cancel it first" in raised.value.message_dict["icpc_not_required"][0]
    section47.refresh_from_db()
    assert section47.icpc_not_required is False


def test_asking_for_a_conference_withdraws_an_earlier_record_that_none_was_needed(
    siblings, coordinator
):
    section47 = strategy_for(siblings[0], coordinator)
    services.record_icpc_not_required(section47=section47, acting_user=coordinator)
    services.request_icpc(
        section47=section47, requested_on=date(2024, 1, 12), acting_user=coordinator
    )
    section47.refresh_from_db()
    assert (section47.icpc_not_required, section47.icpc_requested_on) == (False, date(2024, 1, 12))
    history = list(section47.history.order_by("history_date", "history_id"))
    assert [h.icpc_not_required for h in history][-2:] == [True, False]


def test_closing_an_episode_ends_its_child_in_need_plan(siblings, coordinator):
    episode = services.open_episode(
        child=siblings[0], referral_date=date(2024, 1, 8), acting_user=coordinator
    )
    services.record_cin_plan(episode=episode, start_date=date(2024, 2, 1), acting_user=coordinator)
    services.close_episode(
        episode=episode,
        closure_date=date(2024, 5, 31),
        closure_reason="RC7",
        acting_user=coordinator,
    )
    assert CinPlanPeriod.objects.get().end_date == date(2024, 5, 31)


@pytest.mark.parametrize("reason", ["RC8", "RC9"])
def test_an_episode_that_went_further_than_its_assessment_cannot_close_as_closed_after_it(
    siblings, coordinator, reason
):
    episode = services.open_episode(
        child=siblings[0], referral_date=date(2024, 1, 8), acting_user=coordinator
    )
    services.record_cin_plan(episode=episode, start_date=date(2024, 2, 1), acting_user=coordinator)
    with pytest.raises(ValidationError) as raised:
        services.close_episode(
            episode=episode, closure_date=date(2024, 5, 31), closure_reason=reason,
            acting_user=coordinator,
        )  # fmt: skip
    (message,) = raised.value.message_dict["closure_reason"]
    assert "rule 2990" in message and "this one had a Child in Need plan" in message
    episode.refresh_from_db()
    assert episode.closure_date is None  # nothing written


def test_an_episode_that_ended_at_its_assessment_closes_as_closed_after_it(siblings, coordinator):
    episode = services.open_episode(
        child=siblings[0], referral_date=date(2024, 1, 8), acting_user=coordinator
    )
    services.close_episode(
        episode=episode, closure_date=date(2024, 2, 20), closure_reason="RC8",
        acting_user=coordinator,
    )  # fmt: skip
    episode.refresh_from_db()
    assert (episode.closure_date, episode.closure_reason) == (date(2024, 2, 20), "RC8")


def test_what_took_an_episode_further_than_its_assessment_is_named_plan_first():
    assert services.episode_activity(plans=True, section47s=True, icpc=True, cin_plans=True) == (
        "a child protection plan"
    )
    assert services.episode_activity(plans=False, section47s=True, icpc=True, cin_plans=False) == (
        "a Section 47 enquiry"
    )
    assert services.episode_activity(plans=False, section47s=False, icpc=True, cin_plans=False) == (
        "an initial conference"
    )
    assert services.episode_activity(
        plans=False, section47s=False, icpc=False, cin_plans=False
    ) == ("")


def test_an_episode_cannot_close_while_a_transfer_in_plan_is_open(siblings, coordinator, iro):
    episode = services.open_episode(
        child=siblings[0], referral_date=date(2024, 3, 1), acting_user=coordinator
    )
    conference = services.schedule_conference(
        confirm_reason="Recorded after the event",
        kind=ConferenceKind.TRANSFER_IN,
        subjects=[Subject(child=siblings[0])],
        scheduled_date=date(2024, 3, 15),
        notified_on=date(2024, 3, 4),
        acting_user=coordinator,
    )
    services.record_conference_held(
        conference=conference,
        held_on=date(2024, 3, 15),
        outcomes={
            siblings[0].pk: complete_outcome(
                Decision.PLAN, category="PHY", held_on=date(2024, 3, 15)
            )
        },
        acting_user=iro,
        expected_version=current_version(conference),
    )
    plan = Plan.objects.get()
    assert plan.episode == episode
    with pytest.raises(ValidationError) as raised:
        services.close_episode(
            episode=episode,
            closure_date=date(2024, 6, 1),
            closure_reason="RC7",
            acting_user=coordinator,
        )
    assert raised.value.message_dict["closure_date"] == [services.EPISODE_HAS_OPEN_PLAN]
    services.end_plan(
        plan=plan,
        ended_on=date(2024, 6, 1),
        reason="step_down_cin",
        acting_user=iro,
        expected_version=current_version(plan),
    )
    assert CinPlanPeriod.objects.get(episode=episode).start_date == date(2024, 6, 1)


def test_a_second_referral_while_one_is_open_is_refused_and_after_closing_it_is_taken(
    siblings, coordinator
):
    first = services.open_episode(
        child=siblings[0], referral_date=date(2024, 1, 8), acting_user=coordinator
    )
    with pytest.raises(ValidationError) as raised:
        services.open_episode(
            child=siblings[0], referral_date=date(2024, 3, 1), acting_user=coordinator
        )
    assert raised.value.message_dict["referral_date"] == [
        services.EPISODE_ALREADY_OPEN.format(
            name=str(siblings[0].first_name + " " + siblings[0].last_name), day="8 January 2024"
        )
    ]
    assert Episode.objects.filter(child=siblings[0]).count() == 1
    services.close_episode(
        episode=first, closure_date=date(2024, 2, 20), closure_reason="RC8",
        acting_user=coordinator,
    )  # fmt: skip
    services.open_episode(
        child=siblings[0], referral_date=date(2024, 3, 1), acting_user=coordinator
    )
    assert Episode.objects.filter(child=siblings[0]).count() == 2


def test_a_referral_dated_inside_an_episode_already_closed_is_a_slip_of_the_year(
    siblings, coordinator
):
    first = services.open_episode(
        child=siblings[0], referral_date=date(2023, 12, 8), acting_user=coordinator
    )
    services.close_episode(
        episode=first, closure_date=date(2024, 3, 28), closure_reason="RC8",
        acting_user=coordinator,
    )  # fmt: skip
    for slip in (date(2024, 1, 1), date(2021, 6, 1)):
        with pytest.raises(ValidationError) as raised:
            services.open_episode(child=siblings[0], referral_date=slip, acting_user=coordinator)
        assert raised.value.message_dict["referral_date"] == [
            services.REFERRAL_WITHIN_CLOSED_EPISODE.format(
                name="Ada Fenwick-Adeyemi", start=date(2023, 12, 8), end=date(2024, 3, 28)
            )
        ]
    # The day it closed is the earliest a new referral may be (as the census allows).
    services.open_episode(
        child=siblings[0], referral_date=date(2024, 3, 28), acting_user=coordinator
    )
    assert Episode.objects.filter(child=siblings[0]).count() == 2
