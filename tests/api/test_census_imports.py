"""A census file imported through the API: queued as the same job as the page and
``iro cin import``, its progress polled at the URL the answer gives."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from iro.census.jobs import NOT_XML
from iro.census.models import CensusImport
from iro.census.synthetic import write_synthetic_file
from iro.children.models import Child

pytestmark = pytest.mark.django_db


def post_file(api, path_or_bytes, name="cin.xml"):
    if isinstance(path_or_bytes, bytes):
        f = io.BytesIO(path_or_bytes)
        f.name = name
        return api.client.post("/api/census/imports/", {"file": f}, headers=api.headers)
    with path_or_bytes.open("rb") as f:
        return api.client.post("/api/census/imports/", {"file": f}, headers=api.headers)


def test_an_import_is_accepted_and_its_url_says_what_it_did(staff, api_as, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 12, seed=7)
    api = api_as(staff.analyst)
    response = post_file(api, path)
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == job["url"]
    assert (job["source"], job["started_by"], job["file_name"]) == ("api", "ana-analyst", "cin.xml")
    polled = api.get(job["url"])
    assert polled.status_code == 200
    done = polled.json()
    assert done["state"] == "done"  # tests run tasks at once; the worker does in service
    assert done["progress"]["percent"] == 100
    assert done["summary"]["children_read"] == 12
    assert done["summary"]["added"]["children"] == Child.objects.count()
    listed = api.get("/api/census/imports/").json()["results"]
    assert [j["id"] for j in listed] == [job["id"]]


def test_the_api_import_does_what_the_command_line_does(staff, api_as, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 8, seed=3)
    by_api = post_file(api_as(staff.analyst), path).json()
    call_command("cin", "import", str(path), "--user", "ana-analyst", stdout=io.StringIO())
    by_cli = CensusImport.objects.get(source="command")
    assert by_cli.summary["added"] == {}  # the same file again: nothing new
    assert by_cli.summary["children_read"] == by_api["summary"]["children_read"]
    assert by_cli.summary["findings_by_rule"] == by_api["summary"]["findings_by_rule"]


def test_a_file_that_is_not_xml_gets_the_pages_message(staff, api_as):
    response = post_file(api_as(staff.analyst), b"LAchildID,Sex\nK1,F\n", "cin.csv")
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": [NOT_XML]}
    assert not CensusImport.objects.exists()


def test_an_unreadable_file_is_accepted_then_fails_saying_why(staff, api_as):
    broken = b"<Message><Children><Child><ChildIdentifiers>"
    job = post_file(api_as(staff.analyst), broken).json()
    assert job["state"] == "failed"
    assert job["error"].endswith("Nothing of the file was imported.")
    assert not Child.objects.exists()


def test_a_role_that_may_not_import_is_refused(staff, api_as, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 2, seed=1)
    analysts = post_file(api_as(staff.analyst), path).json()
    for who in (staff.iro_manager, staff.coordinator, staff.partnership):
        api = api_as(who)
        assert post_file(api, path).status_code == 403
        assert api.get("/api/census/imports/").status_code == 403
        assert api.get(analysts["url"]).status_code == 403
    assert CensusImport.objects.count() == 1


def test_an_unknown_import_is_a_404_in_the_apis_error_shape(staff, api_as):
    missing = api_as(staff.analyst).get("/api/census/imports/00000000-0000-4000-8000-000000000000/")
    assert missing.status_code == 404
    assert missing.json()["status"] == 404


def test_a_childs_journey_gives_every_module_the_return_brought(staff, api_as, tmp_path):
    from iro.journey.models import Assessment, CinPlanPeriod

    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 60, seed=21)
    api = api_as(staff.analyst)
    post_file(api, path)
    assessment = Assessment.objects.exclude(authorisation_date=None).select_related(
        "episode__child").first()  # fmt: skip
    journey = api.get(f"/api/children/{assessment.episode.child.public_id}/journey/").json()
    (episode,) = [e for e in journey["episodes"]
                  if e["referral_date"] == str(assessment.episode.referral_date)]  # fmt: skip
    assert {
        "start_date": str(assessment.start_date),
        "internal_review_date": None if assessment.internal_review_date is None
        else str(assessment.internal_review_date),
        "authorisation_date": str(assessment.authorisation_date),
        "factors": assessment.factors,
    } in episode["assessments"]  # fmt: skip
    assert set(episode) >= {"referral_nfa", "icpc_date", "cin_plans"}
    cin = CinPlanPeriod.objects.select_related("episode__child").first()
    journey = api.get(f"/api/children/{cin.episode.child.public_id}/journey/").json()
    assert {"start_date": str(cin.start_date),
            "end_date": None if cin.end_date is None else str(cin.end_date)} in [
        plan for e in journey["episodes"] for plan in e["cin_plans"]]  # fmt: skip
