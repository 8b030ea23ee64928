"""Multi-agency challenges: the IRO raises one about a child; the safeguarding
partnership, who sees no child's record, forwards it to the professional's manager and
records the response and outcome."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.access.models import AccessLogEntry
from iro.challenge import services
from iro.challenge.forms import AGENCY_REQUIRED
from iro.challenge.models import ChallengeOutcome, MultiAgencyChallenge
from tests.challenge.view_helpers import date_data, error_summary_links, html, shows
from tests.factories import AgencyFactory, ChildFactory

pytestmark = pytest.mark.django_db

TODAY = date(2024, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def child(staff):
    return ChildFactory(
        team=staff.team, first_name="Quilla", last_name="Hartwell", la_child_id="LA7001"
    )


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Northmoor Community Health")


@pytest.fixture
def challenge(staff, child, agency):
    return services.raise_multi_agency_challenge(
        child=child,
        agency=agency,
        professional="Health visitor",
        concern="No health report was shared before two conferences.",
        raised_on=date(2024, 6, 12),
        acting_user=staff.iro,
    )


def detail(challenge) -> str:
    return reverse("challenge_detail", args=[challenge.public_id])


# ------------------------------------------------------------------ raising


def test_an_iro_raises_a_challenge_from_the_childs_page(client, staff, child, agency):
    client.force_login(staff.iro)
    page = client.get(reverse("child_worries", args=[child.public_id]))
    url = reverse("challenge_new", args=[child.public_id])
    assert url in html(page)
    response = client.post(
        url,
        {
            "agency": str(agency.pk),
            "professional": "School nurse",
            "concern": "Did not attend the core group.",
            **date_data("raised_on", date(2024, 6, 28)),
        },
    )
    challenge = MultiAgencyChallenge.objects.get()
    assert response["Location"] == detail(challenge)
    assert (challenge.child, challenge.agency, challenge.raised_by) == (child, agency, staff.iro)
    assert challenge.professional == "School nurse"


def test_raising_a_challenge_refuses_missing_answers_on_their_fields(client, staff, child):
    client.force_login(staff.iro)
    url = reverse("challenge_new", args=[child.public_id])
    response = client.post(url, date_data("raised_on", TODAY))
    assert shows(response, AGENCY_REQUIRED)  # and the others at once, not a round later
    assert error_summary_links(response) == ["id_agency", "id_professional", "id_concern"]
    agency = AgencyFactory()
    response = client.post(url, {"agency": str(agency.pk), **date_data("raised_on", TODAY)})
    assert shows(response, services.TEXT_REQUIRED.format(what="professional's role"))
    assert shows(response, services.TEXT_REQUIRED.format(what="concern"))
    assert error_summary_links(response) == ["id_professional", "id_concern"]
    assert not MultiAgencyChallenge.objects.exists()


def test_only_those_who_raise_challenges_may_raise_one(client, staff, child):
    url = reverse("challenge_new", args=[child.public_id])
    for who in ("social_worker", "coordinator", "partnership", "outsider", "analyst"):
        client.force_login(getattr(staff, who))
        assert client.get(url).status_code == 403, who
        assert client.post(url, {}).status_code == 403, who


# ------------------------------------------------------------ the partnership


def test_the_partnership_list_names_the_child_by_la_child_id_only(client, staff, challenge):
    client.force_login(staff.partnership)
    response = client.get(reverse("challenge_list"))
    assert response.status_code == 200
    body = html(response)
    to_forward = body.split('id="to-forward"', 1)[1].split("</table>", 1)[0]
    assert "Child LA7001" in to_forward
    assert "Northmoor Community Health" in to_forward
    assert "Health visitor" in to_forward
    assert "Quilla" not in body and "Hartwell" not in body
    assert "/children/" not in body


def test_the_partnership_sees_a_challenge_without_the_childs_record(client, staff, challenge):
    client.force_login(staff.partnership)
    response = client.get(detail(challenge))
    assert response.status_code == 200
    body = html(response)
    assert "Child LA7001" in body
    assert "Quilla" not in body
    assert reverse("child_journey", args=[challenge.child.public_id]) not in body
    assert reverse("child_worries", args=[challenge.child.public_id]) not in body
    assert client.get(reverse("child_journey", args=[challenge.child.public_id])).status_code == 403


def test_the_partnership_forwards_it_and_records_the_outcome(client, staff, challenge):
    client.force_login(staff.partnership)
    response = client.post(
        reverse("challenge_forward", args=[challenge.public_id]),
        {"forwarded_to": "Nell Brook, health visiting lead", **date_data("forwarded_on", TODAY)},
    )
    assert response["Location"] == detail(challenge)
    challenge.refresh_from_db()
    assert (challenge.forwarded_on, challenge.forwarded_by) == (TODAY, staff.partnership)
    list_page = html(client.get(reverse("challenge_list")))
    assert "Child LA7001" in list_page.split('id="awaiting-response"', 1)[1]
    response = client.post(
        reverse("challenge_response", args=[challenge.public_id]),
        {
            "outcome": ChallengeOutcome.UPHELD,
            "response": "Reports will be shared three days before each conference.",
            **date_data("responded_on", TODAY),
        },
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.outcome, challenge.responded_on) == ("upheld", TODAY)
    page = html(client.get(detail(challenge)))
    assert "Reports will be shared three days before each conference." in page
    assert "Send it to the professional" not in page


def test_forwarding_refuses_bad_input_on_its_fields(client, staff, challenge):
    client.force_login(staff.partnership)
    response = client.post(
        reverse("challenge_forward", args=[challenge.public_id]),
        {"forwarded_to": "", **date_data("forwarded_on", date(2024, 6, 11))},
    )
    assert response.status_code == 200
    assert shows(response, services.BEFORE_RAISED.format(date=date(2024, 6, 12)))
    assert shows(response, services.TEXT_REQUIRED.format(what="manager the challenge went to"))
    assert error_summary_links(response) == ["id_forwarded_to", "id_forwarded_on_day"]
    assert MultiAgencyChallenge.objects.get().forwarded_on is None


def test_a_response_before_forwarding_is_refused_unless_withdrawn(client, staff, challenge):
    client.force_login(staff.iro)
    url = reverse("challenge_response", args=[challenge.public_id])
    data = {"response": "Spoke to them directly.", **date_data("responded_on", TODAY)}
    response = client.post(url, data | {"outcome": ChallengeOutcome.UPHELD})
    assert shows(response, services.NOT_FORWARDED)
    assert MultiAgencyChallenge.objects.get().responded_on is None
    response = client.post(url, data | {"outcome": ChallengeOutcome.WITHDRAWN})
    assert response.status_code == 302
    assert MultiAgencyChallenge.objects.get().outcome == "withdrawn"


def test_forwarding_twice_is_refused_with_the_first_date(client, staff, challenge):
    services.forward_multi_agency_challenge(
        challenge=challenge,
        forwarded_on=date(2024, 6, 20),
        forwarded_to="A manager",
        acting_user=staff.partnership,
    )
    client.force_login(staff.partnership)
    response = client.post(
        reverse("challenge_forward", args=[challenge.public_id]),
        {"forwarded_to": "Another manager", **date_data("forwarded_on", TODAY)},
    )
    assert shows(response, services.ALREADY_FORWARDED.format(date=date(2024, 6, 20)))
    assert MultiAgencyChallenge.objects.get().forwarded_to == "A manager"


def test_an_iro_cannot_forward_a_challenge(client, staff, challenge):
    client.force_login(staff.iro)
    page = html(client.get(detail(challenge)))
    assert "Quilla Hartwell" in page
    assert "Send it to the professional" not in page
    response = client.post(
        reverse("challenge_forward", args=[challenge.public_id]),
        {"forwarded_to": "A manager", **date_data("forwarded_on", TODAY)},
    )
    assert response.status_code == 403
    assert MultiAgencyChallenge.objects.get().forwarded_on is None


def test_the_challenge_pages_refuse_those_with_no_part_in_them(client, staff, challenge):
    for who in ("social_worker", "team_manager", "coordinator", "analyst", "outsider", "admin"):
        client.force_login(getattr(staff, who))
        assert client.get(reverse("challenge_list")).status_code == 403, who
        assert client.get(detail(challenge)).status_code == 403, who
        url = reverse("challenge_response", args=[challenge.public_id])
        assert client.post(url, {}).status_code == 403, who
    assert not AccessLogEntry.objects.exclude(user=staff.iro).exists()


def test_an_iro_sees_only_challenges_about_children_they_may_see(
    client, staff, challenge, settings
):
    settings.IRO_CHILD_ACCESS = "chaired"
    client.force_login(staff.other_iro)
    assert client.get(detail(challenge)).status_code == 403
    assert "Quilla" not in html(client.get(reverse("challenge_list")))


def test_viewing_a_challenge_is_logged_against_the_child(client, staff, challenge):
    client.force_login(staff.partnership)
    client.get(detail(challenge))
    entry = AccessLogEntry.objects.get(user=staff.partnership)
    assert (entry.child, entry.what) == (challenge.child, "challenge_detail")


def test_the_list_costs_the_same_queries_for_one_challenge_or_many(client, staff, challenge):
    client.force_login(staff.partnership)
    client.get(reverse("challenge_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("challenge_list"))
    for n in range(3):
        other = services.raise_multi_agency_challenge(
            child=ChildFactory(team=staff.team),
            agency=AgencyFactory(),
            professional="Police officer",
            concern="Did not share the risk assessment.",
            raised_on=date(2024, 6, 1 + n),
            acting_user=staff.iro,
        )
        if n:
            services.forward_multi_agency_challenge(
                challenge=other,
                forwarded_on=date(2024, 6, 20),
                forwarded_to="Inspector",
                acting_user=staff.partnership,
            )
        if n == 2:
            services.record_challenge_response(
                challenge=other,
                responded_on=TODAY,
                response="Shared now.",
                outcome=ChallengeOutcome.UPHELD,
                acting_user=staff.partnership,
            )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("challenge_list"))
    assert len(many) == len(one)


def test_the_menu_leads_the_partnership_and_iros_to_their_lists(client, staff):
    client.force_login(staff.partnership)
    home = html(client.get(reverse("home"), follow=True))
    assert f'href="{reverse("challenge_list")}"' in home
    assert f'href="{reverse("dispute_list")}"' not in home
    client.force_login(staff.iro)
    my_work = html(client.get(reverse("my_work")))
    assert f'href="{reverse("challenge_list")}"' in my_work
    assert f'href="{reverse("dispute_list")}"' in my_work


def test_the_professional_and_the_manager_are_read_without_the_familys_names(
    client, staff, child, agency
):
    challenge = services.raise_multi_agency_challenge(
        child=child,
        agency=agency,
        professional="Housing officer for the Hartwell family",
        concern="Repairs were not made.",
        raised_on=date(2024, 6, 12),
        acting_user=staff.iro,
    )
    services.forward_multi_agency_challenge(
        challenge=challenge,
        forwarded_on=date(2024, 6, 13),
        forwarded_to="Dana Pellow, who manages the Hartwells' housing officer",
        acting_user=staff.partnership,
    )
    client.force_login(staff.partnership)
    pages = [
        html(client.get(reverse("challenge_list"))),
        html(client.get(detail(challenge))),
        html(client.get(reverse("challenge_work"))),
    ]
    for page in pages:
        assert "Hartwell" not in page
    assert "Housing officer for the [name] family" in pages[0]
    assert "Housing officer for the [name] family" in pages[1]
    # Other agencies' staff are named on purpose: the partnership works with them.
    assert "Dana Pellow, who manages the [name] housing officer" in pages[1]
    client.force_login(staff.iro)
    assert "Housing officer for the Hartwell family" in html(client.get(detail(challenge)))


def test_another_familys_name_typed_as_the_professional_is_not_shown_to_the_partnership(
    client, staff, child, agency
):
    ChildFactory(first_name="Katie", last_name="Hollmere", team=staff.other_team)
    challenge = services.raise_multi_agency_challenge(
        child=child,
        agency=agency,
        professional="Housing officer, Katie Hollmere; her manager Will Dunstan",
        concern="Repairs were not made.",
        raised_on=date(2024, 6, 12),
        acting_user=staff.iro,
    )
    client.force_login(staff.partnership)
    pages = [
        html(client.get(reverse("challenge_list"))),
        html(client.get(detail(challenge))),
        html(client.get(reverse("challenge_work"))),
        client.get(f"/api/challenges/{challenge.public_id}/").json()["professional"],
    ]
    for page in pages:
        assert "Hollmere" not in page and "Katie" not in page
    # The professional's own manager, named by no family record, is named on purpose.
    assert "Housing officer, [name] [name]; her manager Will Dunstan" in pages[1]
    assert "Housing officer, [name] [name]; her manager Will Dunstan" in pages[3]


def test_the_partnership_reads_a_concern_without_another_familys_names(
    client, staff, child, agency
):
    ChildFactory(first_name="Amelia", last_name="Alnbrook", team=staff.other_team)
    ChildFactory(first_name="Lily", last_name="Alnbrook", team=staff.other_team)
    challenge = services.raise_multi_agency_challenge(
        child=child,
        agency=agency,
        professional="Nursery manager",
        concern="Staff said amelia alnbrook and LILY ALNBROOK were left waiting; we hope "
        "young people are heard.",
        raised_on=date(2024, 6, 12),
        acting_user=staff.iro,
    )
    client.force_login(staff.partnership)
    assert "alnbrook" not in html(client.get(reverse("challenge_list"))).lower()
    for page in (
        html(client.get(detail(challenge))),
        client.get(f"/api/challenges/{challenge.public_id}/").json()["concern"],
    ):
        assert "amelia" not in page.lower() and "alnbrook" not in page.lower()
        assert "Staff said [name] [name] and [name] [name] were left waiting; we hope young" in page


def test_the_partnership_reads_the_agency_a_concern_is_about_by_its_name(client, staff, child):
    school = AgencyFactory(name="Larkmoor High School")
    challenge = services.raise_multi_agency_challenge(
        child=child,
        agency=school,
        professional="Head of year",
        concern="Larkmoor High School did not tell us Quilla Hartwell was absent for a week "
        "while Dean Foxley stayed.",
        raised_on=date(2024, 6, 12),
        acting_user=staff.iro,
    )
    said = (
        "Larkmoor High School did not tell us [name] [name] was absent for a week while "
        "[name] [name] stayed."
    )
    client.force_login(staff.partnership)
    assert said in html(client.get(detail(challenge)))
    assert said in html(client.get(reverse("challenge_list")))
    assert client.get(f"/api/challenges/{challenge.public_id}/").json()["concern"] == said
