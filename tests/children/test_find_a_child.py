"""Find a child from the header: by any part of a name, LA child ID, UPN or date of birth,
only among the children the user may see, in a fixed number of indexed queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.access.models import AccessLogEntry
from iro.children.models import ChildSearchTerm
from iro.children.search import SEARCH_EMPTY, SEARCH_TOO_LONG, matching, parse
from iro.children.selectors import find_children
from iro.children.services import create_child, update_child
from tests.factories import ChildFactory, FamilyFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def zoe(staff):
    family = FamilyFactory(name="Okonkwo-Brennan family")
    return ChildFactory(
        first_name="Zoë",
        last_name="Ashworth",
        la_child_id="LA-4471",
        upn="A123456789012",
        date_of_birth=date(2015, 4, 3),
        family=family,
        team=staff.team,
    )


def found(user, text) -> set[str]:
    return {c.la_child_id for c in find_children(user, text)[1]}


@pytest.mark.parametrize(
    "text", ["zoe", "ZOË", "Zoe", "ashworth", "ASHW", "shwort", "worth", "zoe ash", "ash zo"]
)
def test_a_name_is_found_by_any_part_accents_and_case_ignored(staff, zoe, text):
    assert found(staff.coordinator, text) == {"LA-4471"}


def test_the_family_name_finds_the_child(staff, zoe):
    assert found(staff.coordinator, "okonkwo") == {"LA-4471"}
    assert found(staff.coordinator, "brennan") == {"LA-4471"}


def test_every_word_must_match(staff, zoe):
    assert found(staff.coordinator, "zoe nowak") == set()


def test_one_or_two_letters_match_the_start_of_a_word_only(staff, zoe):
    assert found(staff.coordinator, "as") == {"LA-4471"}
    assert found(staff.coordinator, "hw") == set()


@pytest.mark.parametrize("text", ["LA-4471", "la-4471", "A123456789012", "a123456789012"])
def test_the_la_child_id_and_upn_find_the_child(staff, zoe, text):
    assert found(staff.coordinator, text) == {"LA-4471"}


def test_a_former_upn_finds_the_child(staff, zoe):
    ChildFactory(la_child_id="LA-5", former_upn="B123456789012", team=staff.team)
    assert found(staff.coordinator, "B123456789012") == {"LA-5"}


@pytest.mark.parametrize("text", ["3/4/2015", "03/04/2015", "2015-04-03"])
def test_the_date_of_birth_finds_the_child(staff, zoe, text):
    ChildFactory(la_child_id="LA-OTHER", date_of_birth=date(2015, 3, 4), team=staff.team)
    assert found(staff.coordinator, text) == {"LA-4471"}


def test_an_expected_date_of_birth_finds_an_unborn_baby(staff):
    ChildFactory(
        la_child_id="LA-UNBORN", date_of_birth=None, expected_date_of_birth=date(2026, 1, 9)
    )
    assert found(staff.coordinator, "9/1/2026") == {"LA-UNBORN"}


def test_a_user_of_another_team_finds_nothing_of_this_teams_children(staff, zoe):
    for text in ("zoe", "Ashworth", "LA-4471", "A123456789012", "3/4/2015", "okonkwo"):
        assert found(staff.outsider, text) == set(), text
    assert found(staff.social_worker, "zoe") == {"LA-4471"}


def test_a_restricted_child_is_found_only_by_the_people_on_its_list(staff, zoe):
    zoe.restricted = True
    zoe.save(update_fields=["restricted"])
    assert found(staff.coordinator, "zoe") == set()


def test_the_analyst_finds_by_la_child_id_only(staff, zoe):
    assert found(staff.analyst, "LA-4471") == {"LA-4471"}
    for text in ("zoe", "Ashworth", "A123456789012", "3/4/2015", "okonkwo"):
        assert found(staff.analyst, text) == set(), text


def test_roles_without_children_find_nothing(staff, zoe):
    assert found(staff.partnership, "LA-4471") == set()
    assert found(staff.admin, "LA-4471") == set()


def test_names_follow_changes_made_through_the_services(staff, zoe):
    update_child(
        child=zoe, acting_user=staff.coordinator, expected_version=zoe.version, last_name="Nowak"
    )
    assert found(staff.coordinator, "nowak") == {"LA-4471"}
    assert found(staff.coordinator, "ashworth") == set()
    created = create_child(
        acting_user=staff.coordinator, la_child_id="LA-NEW", first_name="Élodie", last_name="Park"
    )
    assert found(staff.coordinator, "elodie") == {created.la_child_id}


# ------------------------------------------------------------------------------ the page


def test_the_page_lists_the_children_found_like_the_caseload(client, staff, zoe):
    ChildFactory(first_name="Zoe", last_name="Ashcroft", la_child_id="LA-2", team=staff.team)
    client.force_login(staff.coordinator)
    response = client.get(reverse("child_search"), {"q": "zoe"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 children found" in body
    assert "Zoë Ashworth" in body and "Zoe Ashcroft" in body
    assert reverse("child_journey", args=[zoe.public_id]) in body


def test_one_child_found_opens_their_record(client, staff, zoe):
    client.force_login(staff.coordinator)
    response = client.get(reverse("child_search"), {"q": "ashw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("child_journey", args=[zoe.public_id])


def test_one_child_found_is_opened_without_building_the_list_of_children(client, staff, zoe):
    client.force_login(staff.coordinator)
    client.get(reverse("child_search"), {"q": "LA-4471"})  # the session warmed up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("child_search"), {"q": "LA-4471"})
    assert response.status_code == 302
    # The session, the user, and the one query that finds the child: no count, no
    # page of children, no plans, reviews or chairs looked up for a list not shown.
    assert len(ctx.captured_queries) <= 4, [q["sql"] for q in ctx.captured_queries]


def test_a_page_of_results_asked_for_is_listed_even_with_one_child(client, staff, zoe):
    client.force_login(staff.coordinator)
    response = client.get(reverse("child_search"), {"q": "ashw", "page": "1"})
    assert response.status_code == 200
    assert "1 child found" in response.content.decode()


def test_a_child_someone_may_not_see_is_not_opened_for_them(client, staff, zoe):
    client.force_login(staff.coordinator)
    zoe.restricted = True
    zoe.save()
    response = client.get(reverse("child_search"), {"q": "LA-4471"})
    assert response.status_code == 200
    assert "No children you can see match" in response.content.decode()


def test_the_children_shown_are_logged_as_read(client, staff, zoe):
    ChildFactory(first_name="Zoe", last_name="Ashcroft", la_child_id="LA-2", team=staff.team)
    client.force_login(staff.coordinator)
    client.get(reverse("child_search"), {"q": "zoe"})
    logged = AccessLogEntry.objects.filter(user=staff.coordinator, what="child_search")
    assert logged.count() == 2


def test_the_analyst_sees_la_child_ids_and_no_names(client, staff, zoe):
    ChildFactory(la_child_id="LA-44710", team=staff.team)
    client.force_login(staff.analyst)
    body = client.get(reverse("child_search"), {"q": "LA-4471"}).content.decode()
    # One found opens the record, which shows the ID in place of the name.
    response = client.get(reverse("child_search"), {"q": "LA-4471"}, follow=True)
    assert "Zoë" not in response.content.decode() and "Ashworth" not in body
    body = client.get(reverse("child_search"), {"q": "Ashworth"}).content.decode()
    assert "No children you can see match" in body
    assert "Ashworth</a>" not in body and "LA-4471" not in body


@pytest.mark.parametrize(("text", "message"), [("", SEARCH_EMPTY), ("x" * 101, SEARCH_TOO_LONG)])
def test_bad_input_is_explained_not_a_traceback(client, staff, text, message):
    client.force_login(staff.coordinator)
    response = client.get(reverse("child_search"), {"q": text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Error: " in response.content.decode()


def test_the_search_box_is_in_the_header_of_roles_that_see_children(client, staff):
    for user, box in (
        (staff.coordinator, True),
        (staff.analyst, True),
        (staff.partnership, False),
    ):
        client.force_login(user)
        body = client.get(reverse("home"), follow=True).content.decode()
        assert ('id="iro-find-child"' in body) is box, user.role
    client.force_login(staff.analyst)
    body = client.get(reverse("caseload")).content.decode()
    assert "Find a child by LA child ID" in body


def search_queries(client, text: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("child_search"), {"q": text})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_children_found(client, staff):
    client.force_login(staff.coordinator)
    for i in range(3):
        ChildFactory(first_name="Mia", last_name=f"Hollins{i}", team=staff.team)
    with_three = search_queries(client, "hollins")
    for i in range(3, 30):
        ChildFactory(first_name="Mia", last_name=f"Hollins{i}", team=staff.team)
    assert search_queries(client, "hollins") == with_three


def test_names_are_looked_up_through_the_index_not_by_reading_every_child(staff, zoe):
    search = parse("ashw")
    queryset = find_children(staff.coordinator, "ashw")[1]
    assert ChildSearchTerm.objects.filter(child=zoe).exists()
    plan = queryset.explain() if connection.vendor == "sqlite" else ""
    if connection.vendor == "sqlite":
        assert "child_search_term_idx" in plan, plan
        assert "SCAN children_child" not in plan, plan
    assert matching(search) is not None
