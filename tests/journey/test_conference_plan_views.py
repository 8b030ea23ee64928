"""The plan pages and reviews: actions, core group, booking a review with the previous
chair, recording a review that continues or ends the plan, ending a plan."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from iro.journey import plan_services
from iro.journey.checks import STALE_RECORD
from iro.journey.conference_forms import EMAIL_INVALID
from iro.journey.models import (
    ActionStatus,
    CinPlanPeriod,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    PlanAction,
    PlanEndReason,
)
from iro.journey.plan_forms import BY_WHEN_GONE_BY
from iro.journey.services import PLAN_END_BEFORE_START
from tests.factories import child_on_plan, make_staff
from tests.journey.conference_setup import record_data
from tests.journey.test_conference_views import date_data

pytestmark = [pytest.mark.django_db]

TODAY = date(2024, 6, 20)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    return child_on_plan(
        chair=staff.other_iro,
        strategy=date(2024, 3, 1),
        icpc_on=date(2024, 3, 20),
        team=staff.team,
        first_name="Quilla",
        last_name="Ashcombe",
    )


def test_the_plan_page_refuses_a_social_worker_of_another_team(client, staff, journey):
    client.force_login(staff.outsider)
    for name in ("plan_detail", "plan_action_new", "plan_core_group", "family_plan"):
        assert client.get(reverse(name, args=[journey.plan.public_id])).status_code == 403, name


def test_only_a_chair_writes_the_plan(client, staff, journey):
    client.force_login(staff.social_worker)
    assert client.get(reverse("plan_detail", args=[journey.plan.public_id])).status_code == 200
    url = reverse("plan_action_new", args=[journey.plan.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"what": "x", "who": "y"}).status_code == 403
    assert not PlanAction.objects.exists()


def test_an_action_is_added_and_shown_on_the_plan(client, staff, journey):
    client.force_login(staff.iro)
    url = reverse("plan_action_new", args=[journey.plan.public_id])
    response = client.post(
        url,
        {
            "what": "Mum goes to the parenting course every Tuesday",
            "who": "Mum",
            **date_data("by_when", date(2024, 8, 30)),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("plan_detail", args=[journey.plan.public_id])).content.decode()
    assert "Mum goes to the parenting course every Tuesday" in page
    assert "30 Aug 2024" in page


def test_an_action_with_nothing_filled_in_gets_field_errors(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]), {"what": "", "who": ""}
    ).content.decode()
    assert '<a href="#id_what">Enter what needs to happen.</a>' in page
    assert '<a href="#id_who">Enter who will do it.</a>' in page
    assert '<a href="#id_by_when_day">Enter the date it needs to happen by.</a>' in page


def test_a_new_action_due_before_today_is_refused_as_overdue_from_the_start(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Dentist", "who": "Dad", **date_data("by_when", date(2024, 6, 19))},
    ).content.decode()
    assert escape(BY_WHEN_GONE_BY) in page
    assert not PlanAction.objects.exists()
    response = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Dentist", "who": "Dad", **date_data("by_when", TODAY)},
    )
    assert response.status_code == 302


def test_an_overdue_action_keeps_its_date_and_a_date_moved_back_is_refused(client, staff, journey):
    action = plan_services.add_action(
        plan=journey.plan, what="Dentist", who="Dad", by_when=date(2024, 6, 1),
        acting_user=staff.iro,
    )  # fmt: skip
    url = reverse("plan_action", args=[journey.plan.public_id, action.pk])
    client.force_login(staff.iro)
    form = {"what": "Dentist check-up", "who": "Dad", "status": ActionStatus.IN_PROGRESS,
            "version": action.version}  # fmt: skip
    assert client.post(url, form | date_data("by_when", date(2024, 6, 1))).status_code == 302
    action.refresh_from_db()
    assert (action.what, action.by_when) == ("Dentist check-up", date(2024, 6, 1))
    page = client.post(
        url, form | {"version": action.version} | date_data("by_when", date(2024, 5, 1))
    ).content.decode()
    assert escape(BY_WHEN_GONE_BY) in page
    action.refresh_from_db()
    assert action.by_when == date(2024, 6, 1)


def test_the_plan_page_marks_the_actions_overdue_as_my_work_does(client, staff, journey):
    for what, by_when, status in (
        ("Dentist", date(2024, 6, 1), ActionStatus.IN_PROGRESS),
        ("Optician", date(2024, 6, 2), ActionStatus.DONE),
        ("Nursery place", date(2024, 7, 1), ActionStatus.NOT_STARTED),
    ):
        action = plan_services.add_action(
            plan=journey.plan, what=what, who="Dad", by_when=by_when, acting_user=staff.iro
        )
        PlanAction.objects.filter(pk=action.pk).update(status=status)
    client.force_login(staff.social_worker)
    page = client.get(reverse("plan_detail", args=[journey.plan.public_id])).content.decode()
    overdue = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    assert page.count(overdue) == 1
    assert f"In progress {overdue}" in page


def test_a_second_editor_of_an_action_is_refused_and_keeps_their_words(client, staff, journey):
    action = plan_services.add_action(
        plan=journey.plan, what="Dentist", who="Dad", by_when=date(2024, 7, 1),
        acting_user=staff.iro,
    )  # fmt: skip
    seen = action.version
    plan_services.update_action(
        action=action, what="Dentist check-up", who="Dad", by_when=date(2024, 7, 1),
        status=ActionStatus.DONE, acting_user=staff.other_iro, expected_version=seen,
    )  # fmt: skip
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_action", args=[journey.plan.public_id, action.pk]),
        {
            "what": "Dentist and optician",
            "who": "Dad",
            **date_data("by_when", date(2024, 7, 1)),
            "status": ActionStatus.IN_PROGRESS,
            "version": seen,
        },
    ).content.decode()
    assert STALE_RECORD.replace("'", "&#x27;") in page
    assert "Dentist and optician</textarea>" in page
    action.refresh_from_db()
    assert (action.what, action.status) == ("Dentist check-up", ActionStatus.DONE)


def test_actions_are_revisited_together(client, staff, journey):
    first = plan_services.add_action(
        plan=journey.plan, what="Dentist", who="Dad", by_when=date(2024, 7, 1),
        acting_user=staff.iro,
    )  # fmt: skip
    client.force_login(staff.iro)
    client.post(
        reverse("plan_actions_review", args=[journey.plan.public_id]),
        {
            f"status_{first.pk}": ActionStatus.DONE,
            f"progress_{first.pk}": "Seen on 12 June",
            f"version_{first.pk}": first.version,
        },
    )
    first.refresh_from_db()
    assert (first.status, first.progress) == (ActionStatus.DONE, "Seen on 12 June")


def test_core_group_members_are_added(client, staff, journey):
    client.force_login(staff.iro)
    client.post(
        reverse("plan_core_group", args=[journey.plan.public_id]),
        {"name": "Fern Oakley", "role": "school", **date_data("joined_on", TODAY)},
    )
    page = client.get(reverse("plan_detail", args=[journey.plan.public_id])).content.decode()
    assert "Fern Oakley, school or education" in page


def test_someone_already_in_the_core_group_is_not_added_twice(client, staff, journey):
    client.force_login(staff.iro)
    url = reverse("plan_core_group", args=[journey.plan.public_id])
    fern = {"name": "Fern Oakley", "role": "school", **date_data("joined_on", TODAY)}
    assert client.post(url, fern).status_code == 302
    page = client.post(url, {**fern, "name": " fern oakley"}).text
    assert escape(f"Fern Oakley is already in the core group, since {TODAY:%-d %B %Y}.") in page
    assert journey.plan.core_group.count() == 1


def test_a_core_group_form_shows_every_missing_answer_at_once(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_core_group", args=[journey.plan.public_id]),
        {"name": "", "role": "", "email": "not-an-address", **date_data("joined_on", TODAY)},
    ).text
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    for message in (
        plan_services.MEMBER_NAME_REQUIRED,
        plan_services.MEMBER_ROLE_REQUIRED,
        EMAIL_INVALID,
    ):
        assert escape(message) in summary
    assert summary.count("<li>") == 3  # each once
    assert not journey.plan.core_group.exists()


def test_a_team_manager_joins_the_core_group_as_team_manager(client, staff, journey):
    client.force_login(staff.iro)
    url = reverse("plan_core_group", args=[journey.plan.public_id])
    assert '<option value="team_manager">Team manager</option>' in client.get(url).text
    client.post(
        url, {"name": "Tess Larkmoor", "role": "team_manager", **date_data("joined_on", TODAY)}
    )
    page = client.get(reverse("plan_detail", args=[journey.plan.public_id])).content.decode()
    assert "Tess Larkmoor, team manager" in page


def test_the_review_is_booked_with_the_previous_chair_first(client, staff, journey):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[journey.child.public_id]) + "?kind=review"
    page = client.get(url).content.decode()
    # First review: 3 months from the plan start on 20 March 2024.
    assert "Quilla Ashcombe: due by 20 June 2024" in page
    # The first radio is "Allocate a chair later"; then the chairs, best first.
    options = page.split('name="chair" type="radio" value="')[1:]
    assert options[0].startswith('"')
    assert options[1].startswith(f'{staff.other_iro.pk}"')
    assert "Chaired these children before (last on 20 Mar 2024)" in page


def review_for(staff, journey, *, on: date) -> Conference:
    from iro.journey import services
    from iro.journey.services import Subject

    return services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=journey.child, plan=journey.plan)],
        scheduled_date=on,
        chair=staff.other_iro,
        venue="Room 1",
        acting_user=staff.coordinator,
        confirm_reason="Recorded after the event",
    )


def test_a_review_that_ends_the_plan_steps_the_child_down(client, staff, journey):
    from iro.journey import services

    episode_s47 = journey.section47
    journey.plan.episode = episode_s47.episode
    journey.plan.save()
    conference = review_for(staff, journey, on=date(2024, 6, 18))
    row = conference.children.get()
    client.force_login(staff.other_iro)
    form = client.get(reverse("conference_record", args=[conference.public_id])).content.decode()
    assert reverse("plan_actions_review", args=[journey.plan.public_id]) in form
    # The actions open in a new tab: the record being written is not lost.
    assert 'target="_blank" rel="noopener noreferrer"' in form
    assert "(opens in new tab)</a>" in form
    response = client.post(
        reverse("conference_record", args=[conference.public_id]),
        {
            **date_data("held_on", date(2024, 6, 18)),
            "version": conference.version,
            f"child{row.pk}-decision": Decision.END,
            f"child{row.pk}-category": "NEG",
            f"child{row.pk}-end_reason": PlanEndReason.STEP_DOWN_CIN,
            **record_data(row.pk),
        },
    )
    assert response.status_code == 302
    journey.plan.refresh_from_db()
    assert (journey.plan.end_date, journey.plan.end_reason) == (
        date(2024, 6, 18),
        PlanEndReason.STEP_DOWN_CIN,
    )
    assert CinPlanPeriod.objects.filter(start_date=date(2024, 6, 18)).exists()
    assert services.review_dates(journey.plan) == [date(2024, 6, 18)]
    assert Conference.objects.get(pk=conference.pk).status == ConferenceStatus.HELD


def test_a_plan_cannot_end_before_it_started(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_end", args=[journey.plan.public_id]),
        {
            **date_data("ended_on", date(2024, 3, 1)),
            "reason": PlanEndReason.LOOKED_AFTER,
            "version": journey.plan.version,
        },
    ).content.decode()
    message = PLAN_END_BEFORE_START.format(date=date(2024, 3, 20))
    assert f'<a href="#id_ended_on_day">{message}</a>' in page
    journey.plan.refresh_from_db()
    assert journey.plan.end_date is None


def test_a_plan_ends_outside_a_review(client, staff, journey):
    client.force_login(staff.iro)
    client.post(
        reverse("plan_end", args=[journey.plan.public_id]),
        {
            **date_data("ended_on", date(2024, 6, 19)),
            "reason": PlanEndReason.LOOKED_AFTER,
            "version": journey.plan.version,
        },
    )
    journey.plan.refresh_from_db()
    assert journey.plan.end_reason == PlanEndReason.LOOKED_AFTER


def test_the_social_worker_records_progress_and_too_long_progress_is_refused_unsaved(
    client, staff, journey
):
    action = PlanAction.objects.create(
        plan=journey.plan, what="Weekly visits", who="Social worker", by_when=date(2024, 6, 1)
    )
    url = reverse("plan_action_progress", args=[journey.plan.public_id, action.pk])
    client.force_login(staff.outsider)
    assert client.get(url).status_code == 403
    client.force_login(staff.social_worker)
    plan_page = client.get(reverse("plan_detail", args=[journey.plan.public_id])).content.decode()
    assert f'href="{url}"' in plan_page

    response = client.post(
        url, {"status": "in_progress", "progress": "x" * 2001, "version": action.version}
    )

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == ("not_started", "", 1)

    response = client.post(
        url, {"status": "in_progress", "progress": "Two visits so far.", "version": 1}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == (
        "in_progress",
        "Two visits so far.",
        2,
    )


def test_a_save_goes_back_to_the_work_page_it_came_from_and_nowhere_else(client, staff, journey):
    action = PlanAction.objects.create(
        plan=journey.plan, what="Weekly visits", who="Social worker", by_when=date(2024, 6, 1)
    )
    url = reverse("plan_action_progress", args=[journey.plan.public_id, action.pk])
    client.force_login(staff.social_worker)
    page = client.get(url, {"next": "/my-work/#actions-overdue"}).content.decode()
    assert '<a href="/my-work/#actions-overdue" class="govuk-back-link">Back</a>' in page
    response = client.post(
        url + "?next=/my-work/%23actions-overdue",
        {"status": "in_progress", "progress": "Two visits so far.", "version": 1},
    )
    assert response["Location"] == "/my-work/"  # its top, where the message is seen
    for version, elsewhere in ((2, "https://evil.example/"), (3, "//evil.example/")):
        response = client.post(
            url + "?next=" + elsewhere,
            {"status": "in_progress", "progress": f"Visit {version}.", "version": version},
        )
        assert response["Location"] == reverse("plan_detail", args=[journey.plan.public_id])


def test_progress_replaced_is_kept_and_shown_below_the_form(client, staff, journey):
    action = PlanAction.objects.create(
        plan=journey.plan, what="Weekly visits", who="Social worker", by_when=date(2024, 6, 1)
    )
    url = reverse("plan_action_progress", args=[journey.plan.public_id, action.pk])
    client.force_login(staff.social_worker)
    assert 'id="earlier-progress"' not in client.get(url).content.decode()
    client.post(url, {"status": "in_progress", "progress": "Two visits so far.", "version": 1})
    client.post(url, {"status": "done", "progress": "All six visits made.", "version": 2})

    page = client.get(url).content.decode()

    earlier = page.split('id="earlier-progress"')[1]
    assert "Two visits so far." in earlier and "In progress" in earlier
    assert earlier.index("Two visits so far.") < earlier.index("Not started")  # newest first
    assert staff.social_worker.get_full_name() in earlier
    assert "All six visits made." not in earlier  # the current one is in the form


def test_after_a_clash_the_change_saved_meanwhile_is_shown_to_check(client, staff, journey):
    action = PlanAction.objects.create(
        plan=journey.plan, what="Weekly visits", who="Social worker", by_when=date(2024, 6, 1)
    )
    url = reverse("plan_action_progress", args=[journey.plan.public_id, action.pk])
    client.force_login(staff.social_worker)
    client.post(url, {"status": "in_progress", "progress": "Saved in the other tab.", "version": 1})

    page = client.post(
        url, {"status": "done", "progress": "Typed in this tab.", "version": 1}
    ).content.decode()

    assert "Typed in this tab." in page.split('id="earlier-progress"')[0]  # kept in the form
    earlier = page.split('id="earlier-progress"')[1]
    assert "Saved in the other tab." in earlier  # the change to check before saving again
