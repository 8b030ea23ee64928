"""Changes go through the services with the version the caller read: a stale version is
refused (409, or 412 with If-Match), a missing one too (428), and the services' own
messages come back field by field."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from iro.api.errors import API_STALE as STALE_RECORD
from iro.api.errors import API_VERSION_MISSING as VERSION_MISSING
from iro.api.serializers import UNKNOWN_FIELD
from iro.journey.conference_forms import TIME_INVALID, TIME_REQUIRED
from iro.journey.models import Conference, ConferenceStatus, Decision, PlanAction
from iro.journey.services import ATTENDANCE_REQUIRED, WORRIES_REQUIRED
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


def chair_path(case):
    return f"/api/conferences/{case.review.public_id}/chair/"


def test_allocating_a_chair_with_the_version_read_saves_it_and_moves_the_version_on(
    case, staff, api_as
):
    api = api_as(staff.iro_manager)
    version = api.get(f"/api/conferences/{case.review.public_id}/")["ETag"]
    response = api.post(chair_path(case), {"chair": "otto-iro"}, headers={"If-Match": version})
    assert response.status_code == 200, response.json()
    assert response.json()["chair"] == "otto-iro"
    case.review.refresh_from_db()
    assert case.review.chair == staff.other_iro
    assert response["ETag"] == f'"{case.review.version}"' != version


def test_a_stale_version_is_refused_and_nothing_changes(case, staff, api_as):
    api = api_as(staff.iro_manager)
    stale = case.review.version
    assert api.post(chair_path(case), {"chair": "otto-iro", "version": stale}).status_code == 200
    response = api.post(chair_path(case), {"chair": "ivy-iro", "version": stale})
    assert response.status_code == 409
    assert response.json() == {
        "status": 409,
        "detail": STALE_RECORD,
        "errors": {"version": [STALE_RECORD]},
    }
    by_header = api.post(chair_path(case), {"chair": "ivy-iro"}, headers={"If-Match": f'"{stale}"'})
    assert by_header.status_code == 412
    case.review.refresh_from_db()
    assert case.review.chair == staff.other_iro


def test_a_change_without_a_version_is_refused(case, staff, api_as):
    response = api_as(staff.iro_manager).post(chair_path(case), {"chair": "otto-iro"})
    assert response.status_code == 428
    assert response.json()["errors"] == {"version": [VERSION_MISSING]}


def test_a_role_without_the_capability_is_refused(case, staff, api_as):
    response = api_as(staff.iro).post(chair_path(case), {"chair": "otto-iro", "version": 1})
    assert response.status_code == 403


def record(case, **changes):
    outcome = {
        "child": str(case.journey.child.public_id),
        "decision": Decision.CONTINUE,
        "category": "NEG",
        "attendance": "did_not_attend",
        "wishes_feelings": "She wants to stay at her school.",
        "worries": "Nobody checks the home is warm.",
        "working_well": "Her grandmother visits every day.",
        "needs_to_happen": "A health visitor calls each week.",
    }
    return {
        "held_on": "2026-06-12",
        "version": case.review.version,
        "outcomes": [outcome | changes],
    }


def test_the_chair_records_a_conference_outcome(case, staff, api_as):
    response = api_as(staff.iro).post(
        f"/api/conferences/{case.review.public_id}/record/", record(case)
    )
    assert response.status_code == 200, response.json()
    case.review.refresh_from_db()
    assert case.review.status == ConferenceStatus.HELD
    row = case.review.children.get()
    assert (row.decision, row.worries) == (Decision.CONTINUE, "Nobody checks the home is warm.")


def test_a_record_missing_what_the_form_asks_gets_the_forms_messages_by_child(case, staff, api_as):
    response = api_as(staff.iro).post(
        f"/api/conferences/{case.review.public_id}/record/",
        record(case, attendance="", worries=""),
    )
    assert response.status_code == 400
    child = case.journey.child
    key = f"outcomes.{child.public_id}"
    assert response.json()["errors"] == {
        f"{key}.attendance": [ATTENDANCE_REQUIRED.format(child=child)],
        f"{key}.worries": [WORRIES_REQUIRED.format(child=child)],
    }
    case.review.refresh_from_db()
    assert case.review.status == ConferenceStatus.SCHEDULED


def test_another_iro_may_not_record_a_conference_they_do_not_chair(case, staff, api_as):
    response = api_as(staff.other_iro).post(
        f"/api/conferences/{case.review.public_id}/record/", record(case)
    )
    assert response.status_code == 403


def test_booking_a_review_through_the_api(staff, api_as):
    from tests.factories import child_on_plan

    journey = child_on_plan(
        chair=staff.iro, strategy=date(2026, 3, 2), icpc_on=date(2026, 3, 20), team=staff.team
    )
    response = api_as(staff.coordinator).post(
        "/api/conferences/",
        {
            "kind": "review",
            "children": [str(journey.child.public_id)],
            "scheduled_date": "2026-06-19",
            "scheduled_time": "10:30",
            "chair": "ivy-iro",
            "venue": "Moorside Family Centre",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["children"][0]["plan"] == str(journey.plan.public_id)
    assert response.json()["scheduled_time"] == "10:30"


@pytest.mark.parametrize(("given", "message"), [(None, TIME_REQUIRED), ("half ten", TIME_INVALID)])
def test_booking_through_the_api_needs_a_start_time_as_the_booking_page_does(
    staff, api_as, given, message
):
    from tests.factories import child_on_plan

    journey = child_on_plan(
        chair=staff.iro, strategy=date(2026, 3, 2), icpc_on=date(2026, 3, 20), team=staff.team
    )
    body = {
        "kind": "review",
        "children": [str(journey.child.public_id)],
        "scheduled_date": "2026-06-19",
        "venue": "Moorside Family Centre",
    }
    if given is not None:
        body["scheduled_time"] = given
    response = api_as(staff.coordinator).post("/api/conferences/", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"scheduled_time": [message]}
    assert not Conference.objects.filter(kind="review", scheduled_date=date(2026, 6, 19)).exists()


def test_a_misspelt_field_is_refused_by_name_and_nothing_is_booked(staff, api_as):
    from tests.factories import child_on_plan

    journey = child_on_plan(
        chair=staff.iro, strategy=date(2026, 3, 2), icpc_on=date(2026, 3, 20), team=staff.team
    )
    response = api_as(staff.coordinator).post(
        "/api/conferences/",
        {
            "kind": "review",
            "children": [str(journey.child.public_id)],
            "scheduled_date": "2026-06-19",
            "scheduled_time": "10:30",
            "chiar": "ivy-iro",
            "venu": "Moorside Family Centre",
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"chiar": [UNKNOWN_FIELD], "venu": [UNKNOWN_FIELD]}
    assert not Conference.objects.filter(kind="review", scheduled_date=date(2026, 6, 19)).exists()


def test_a_misspelt_field_of_a_childs_outcome_is_refused_by_name(case, staff, api_as):
    response = api_as(staff.iro).post(
        f"/api/conferences/{case.review.public_id}/record/", record(case, worrys="Typed wrong.")
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"outcomes.0.worrys": [UNKNOWN_FIELD]}
    case.review.refresh_from_db()
    assert case.review.status == ConferenceStatus.SCHEDULED


def test_a_date_that_does_not_exist_is_said_so_not_called_a_wrong_format(staff, api_as):
    child = ChildFactory(team=staff.team)
    body = {"kind": "review", "children": [str(child.public_id)], "scheduled_date": "2026-02-30"}
    response = api_as(staff.coordinator).post(
        "/api/conferences/", body | {"scheduled_time": "10:00"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["scheduled_date"] == [
        "There is no such date as 2026-02-30: check the day and the month."
    ]
    listed = api_as(staff.coordinator).get("/api/conferences/?date_from=2026-02-30")
    assert listed.status_code == 400
    assert "no such date as 2026-02-30" in str(listed.json()["errors"])
    wrong = api_as(staff.coordinator).get("/api/conferences/?date_from=30/02/2026")
    assert wrong.json()["errors"] == {"date_from": ["Enter a date as YYYY-MM-DD."]}


def test_booking_for_a_child_of_another_team_is_refused(staff, api_as):
    child = ChildFactory(team=staff.team)
    response = api_as(staff.outsider).post(
        "/api/conferences/",
        {"kind": "review", "children": [str(child.public_id)], "scheduled_date": "2026-06-19"},
    )
    assert response.status_code == 403


def test_action_progress_is_recorded_with_its_version(case, staff, api_as):
    action = PlanAction.objects.create(
        plan=case.journey.plan, what="Visit weekly", who="Sam", by_when=date(2026, 7, 1)
    )
    path = f"/api/plans/{case.journey.plan.public_id}/actions/{action.pk}/progress/"
    api = api_as(staff.social_worker)
    body = {"status": "in_progress", "progress": "Two visits made.", "version": action.version}
    assert api.post(path, body).status_code == 200
    assert api.post(path, body).status_code == 409
    action.refresh_from_db()
    assert (action.status, action.version) == ("in_progress", 2)


def test_a_malformed_body_is_a_400_with_field_messages(case, staff, api_as):
    response = api_as(staff.iro_manager).post(chair_path(case), {"version": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"chair", "version"}
