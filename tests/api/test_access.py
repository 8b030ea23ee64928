"""The API sees what the pages see: the same scope, names only for roles that see
names, reads in the same access log."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from iro.access.models import AccessEvent, AccessLogEntry
from iro.children.models import Child
from iro.journey import invitations
from iro.journey.checks import current_version
from iro.journey.models import CancellationReason, Conference
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_a_token_of_another_team_is_refused_this_teams_child(case, staff, api_as):
    child = case.journey.child
    outsider = api_as(staff.outsider)
    for path in (
        f"/api/children/{child.public_id}/",
        f"/api/children/{child.public_id}/journey/",
        f"/api/plans/{case.journey.plan.public_id}/",
        f"/api/conferences/{case.review.public_id}/",
    ):
        response = outsider.get(path)
        assert response.status_code == 403, path
        assert "Quorrelle" not in response.content.decode()
    assert outsider.get("/api/children/", q="LA-API-1").json()["results"] == []
    assert outsider.get("/api/conferences/").json()["results"] == []
    assert outsider.get("/api/plans/").json()["results"] == []
    assert not AccessLogEntry.objects.filter(child=child).exists()


def test_the_same_token_of_the_childs_team_sees_and_is_logged(case, staff, api_as):
    child = case.journey.child
    api = api_as(staff.social_worker)
    response = api.get(f"/api/children/{child.public_id}/")
    assert response.status_code == 200
    assert response.json()["name"] == "Quorrelle Ashdown"
    assert response["ETag"] == f'"{child.version}"'
    entry = AccessLogEntry.objects.get(child=child)
    assert (entry.user, entry.event, entry.what) == (staff.social_worker, AccessEvent.VIEWED,
                                                      "api_child")  # fmt: skip


def test_a_childs_team_id_is_the_one_the_conference_list_filters_by(case, staff, api_as):
    api = api_as(staff.iro_manager)
    child = api.get(f"/api/children/{case.journey.child.public_id}/").json()
    assert child["team_id"] == staff.team.pk
    listed = api.get("/api/conferences/", team=child["team_id"])
    assert listed.status_code == 200
    assert str(case.review.public_id) in {c["public_id"] for c in listed.json()["results"]}


def test_a_search_finds_by_id_name_or_birth_and_logs_the_children_returned(case, staff, api_as):
    api = api_as(staff.iro)
    child = case.journey.child
    for q in ("LA-API-1", "Quorrelle", child.date_of_birth.strftime("%d/%m/%Y")):
        found = api.get("/api/children/", q=q).json()["results"]
        assert [c["la_child_id"] for c in found] == ["LA-API-1"], q
    assert AccessLogEntry.objects.filter(child=child, what="api_children").count() == 3


def test_an_analyst_sees_identifiers_never_names(case, staff, api_as):
    api = api_as(staff.analyst)
    child = api.get(f"/api/children/{case.journey.child.public_id}/").json()
    assert child["name"] == "Child LA-API-1"
    assert child["first_name"] is None and child["last_name"] is None
    assert api.get("/api/children/", q="Quorrelle").json()["results"] == []
    journey = api.get(f"/api/children/{case.journey.child.public_id}/journey/").content
    assert b"Quorrelle" not in journey and b"Ashdown" not in journey


def test_a_restricted_child_does_not_exist_for_those_off_its_list(case, staff, api_as):
    hidden = ChildFactory(team=staff.team, restricted=True, la_child_id="LA-HIDDEN")
    api = api_as(staff.iro)
    assert api.get(f"/api/children/{hidden.public_id}/").status_code == 404
    assert api.get("/api/children/", q="LA-HIDDEN").json()["results"] == []


def test_the_partnership_and_the_administrator_see_no_child(case, staff, api_as):
    for user in (staff.partnership, staff.admin):
        api = api_as(user)
        assert api.get("/api/children/").status_code == 403
        assert api.get(f"/api/children/{case.journey.child.public_id}/").status_code == 403


def test_lists_are_cursor_paginated_in_the_order_asked(staff, api_as):
    for n in range(5):
        ChildFactory(team=staff.team, la_child_id=f"LA-{n}")
    api = api_as(staff.iro)
    first = api.get("/api/children/", page_size=2, ordering="-la_child_id").json()
    assert [c["la_child_id"] for c in first["results"]] == ["LA-4", "LA-3"]
    second = api.client.get(first["next"], headers=api.headers).json()
    assert [c["la_child_id"] for c in second["results"]] == ["LA-2", "LA-1"]
    assert Child.objects.count() == 5


def test_a_bad_filter_is_a_400_with_the_field_named(staff, api_as):
    response = api_as(staff.iro).get("/api/conferences/", date_from="31/12/2026")
    assert response.status_code == 400
    assert response.json()["errors"] == {"date_from": ["Enter a date as YYYY-MM-DD."]}


def test_conferences_filter_by_dates_chair_team_and_status(case, staff, api_as):
    api = api_as(staff.iro)

    def found(**params):
        return [c["public_id"] for c in api.get("/api/conferences/", **params).json()["results"]]

    review, icpc = str(case.review.public_id), str(case.journey.icpc.public_id)
    assert found() == [icpc, review]
    assert found(ordering="-scheduled_date") == [review, icpc]
    assert found(date_from="2026-06-01", date_to="2026-06-30") == [review]
    assert found(status="held") == [icpc]
    assert found(chair="otto-iro") == []
    assert found(chair="ivy-iro", team=str(staff.team.pk)) == [icpc, review]
    assert found(team=str(staff.other_team.pk)) == []


def test_a_conference_says_when_the_social_work_report_arrived(case, staff, api_as):
    url = f"/api/conferences/{case.review.public_id}/"
    data = api_as(staff.iro).get(url).json()
    assert (data["report_received_on"], data["report_shared_on"]) == (None, None)
    Conference.objects.filter(pk=case.review.pk).update(report_received_on=date(2026, 5, 28))
    data = api_as(staff.iro).get(url).json()
    assert data["report_received_on"] == "2026-05-28"


def test_a_cancelled_conference_says_when_and_why_it_was_cancelled(case, staff, api_as):
    url = f"/api/conferences/{case.review.public_id}/"
    data = api_as(staff.iro).get(url).json()
    assert (data["cancelled_on"], data["cancellation_reason"]) == (None, "")
    with time_machine.travel(date(2026, 6, 1), tick=False):
        invitations.cancel_and_notify(
            conference=case.review,
            reason=CancellationReason.MOVED_AWAY,
            acting_user=staff.coordinator,
            expected_version=current_version(case.review),
        )
    data = api_as(staff.iro).get(url).json()
    assert (data["status"], data["cancelled_on"], data["cancellation_reason"]) == (
        "cancelled",
        "2026-06-01",
        "moved_away",
    )


def test_an_analyst_reading_a_conferences_feedback_is_told_they_may_not_read_it(
    case, staff, api_as
):
    from iro.challenge.services import CANNOT_READ_FEEDBACK

    conference = case.journey.icpc
    response = api_as(staff.analyst).get(f"/api/conferences/{conference.public_id}/feedback/")
    assert response.status_code == 403
    assert response.json()["detail"] == CANNOT_READ_FEEDBACK
