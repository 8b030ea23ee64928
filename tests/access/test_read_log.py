"""Every read of a child's data writes an access-log row, from one place (the read-log
middleware), and no page of iro can be added without saying which children it shows."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from iro.access import read_log
from iro.access.models import AccessEvent, AccessLogEntry
from iro.challenge import services as challenge_services
from iro.challenge.models import DisputeReason
from iro.children.services import set_restriction
from iro.journey import plan_services
from tests.factories import AgencyFactory, child_on_plan, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------ every page is known


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry, route


def _keywords(pattern: URLPattern) -> set[str]:
    regex = pattern.pattern.regex
    return set(regex.groupindex)


def test_the_log_knows_which_children_every_page_of_iro_shows():
    checked = 0
    for pattern, route in _patterns(get_resolver()):
        if not pattern.callback.__module__.startswith("iro.") or route.startswith("admin/"):
            continue  # the admin and sign-in pages: no child's data
        read_log.read_plan(pattern.name, route, _keywords(pattern))
        checked += 1
    assert checked > 40


def test_a_page_nobody_declared_is_refused():
    with pytest.raises(ImproperlyConfigured):
        read_log.read_plan("new_list", "things/", set())
    with pytest.raises(ImproperlyConfigured):
        read_log.read_plan("widget", "widgets/<uuid:public_id>/", {"public_id"})
    with pytest.raises(ImproperlyConfigured):
        read_log.read_plan("x", "plans/<uuid:public_id>/x/<int:n>", {"public_id", "n"})


# ------------------------------------------------------------ each page writes a row


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    return sibling_group(staff)


@pytest.fixture
def conference(staff, siblings):
    return book_icpc(staff, siblings)


@pytest.fixture
def journey(staff):
    journey = child_on_plan(
        chair=staff.iro_manager,
        strategy=date(2024, 1, 8),
        icpc_on=date(2024, 1, 22),
        team=staff.team,
        first_name="Tamsin",
        last_name="Oakhurst",
    )
    plan_services.add_outcome(
        plan=journey.plan, text="Tamsin is safe at home.", acting_user=staff.iro_manager
    )
    return journey


def _logged(user, what: str) -> set[int]:
    return set(
        AccessLogEntry.objects.filter(user=user, what=what, event=AccessEvent.VIEWED).values_list(
            "child_id", flat=True
        )
    )


CONFERENCE_PAGES = [
    "conference_detail",
    "conference_pre_meetings",
    "conference_record",
    "conference_chair",
    "conference_attendance",
    "conference_invitations",
    "conference_feedback",
]


@pytest.mark.parametrize("name", CONFERENCE_PAGES)
def test_reading_a_conference_page_is_logged_for_each_child(
    client, staff, conference, siblings, name
):
    client.force_login(staff.iro_manager)
    response = client.get(reverse(name, args=[conference.public_id]))
    assert response.status_code == 200
    assert _logged(staff.iro_manager, name) == {c.pk for c in siblings.children}


def test_a_restricted_sibling_left_off_a_conference_page_is_not_logged_as_read(
    client, staff, conference, siblings
):
    hidden, *others = siblings.children
    set_restriction(
        child=hidden, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
    )
    client.force_login(staff.senior_manager)

    page = client.get(reverse("conference_detail", args=[conference.public_id])).text

    assert hidden.first_name not in page
    assert _logged(staff.senior_manager, "conference_detail") == {c.pk for c in others}
    client.force_login(staff.iro)  # on the list: the page and the log name all three
    client.get(reverse("conference_detail", args=[conference.public_id]))
    assert _logged(staff.iro, "conference_detail") == {c.pk for c in siblings.children}


def test_a_childs_pre_meeting_page_is_logged_for_that_child(client, staff, conference):
    row = conference.children.order_by("pk").first()
    client.force_login(staff.iro_manager)
    url = reverse("conference_pre_meeting", args=[conference.public_id, row.pk])
    assert client.get(url).status_code == 200
    assert _logged(staff.iro_manager, "conference_pre_meeting") == {row.child_id}


def test_a_form_sent_back_with_errors_is_a_read_too(client, staff, conference, siblings):
    client.force_login(staff.iro_manager)
    response = client.post(reverse("conference_attendance", args=[conference.public_id]), {})
    assert response.status_code == 200
    assert _logged(staff.iro_manager, "conference_attendance") == {c.pk for c in siblings.children}


@pytest.mark.parametrize(
    "name",
    [
        "plan_detail",
        "plan_outcome_new",
        "plan_action_new",
        "plan_actions_review",
        "plan_core_group",
        "plan_end",
        "family_plan",
    ],
)
def test_reading_a_plan_page_is_logged(client, staff, journey, name):
    client.force_login(staff.iro_manager)
    assert client.get(reverse(name, args=[journey.plan.public_id])).status_code == 200
    assert _logged(staff.iro_manager, name) == {journey.child.pk}


def test_editing_an_outcome_is_logged(client, staff, journey):
    outcome = journey.plan.outcomes.get()
    client.force_login(staff.iro_manager)
    url = reverse("plan_outcome", args=[journey.plan.public_id, outcome.pk])
    assert client.get(url).status_code == 200
    assert _logged(staff.iro_manager, "plan_outcome") == {journey.child.pk}


@pytest.mark.parametrize("name", ["child_journey", "child_protection", "child_worries"])
def test_reading_a_childs_page_is_logged(client, staff, journey, name):
    client.force_login(staff.social_worker)
    assert client.get(reverse(name, args=[journey.child.public_id])).status_code == 200
    assert _logged(staff.social_worker, name) == {journey.child.pk}


def test_the_caseload_logs_the_children_it_lists(client, staff, journey, siblings):
    client.force_login(staff.social_worker)
    assert client.get(reverse("caseload")).status_code == 200
    assert _logged(staff.social_worker, "caseload") == {
        journey.child.pk,
        *(c.pk for c in siblings.children),
    }


def test_my_work_logs_the_children_it_lists(client, staff, conference, siblings):
    client.force_login(staff.iro)  # book_icpc makes staff.iro the chair
    assert client.get(reverse("my_work")).status_code == 200
    assert _logged(staff.iro, "my_work") == {c.pk for c in siblings.children}


def test_the_children_behind_a_report_figure_are_logged(client, staff, journey):
    client.force_login(staff.iro_manager)
    response = client.get("/reports/annual/2023-24/plans_started/")
    assert response.status_code == 200
    assert _logged(staff.iro_manager, "report_children") == {journey.child.pk}


def test_the_dispute_and_challenge_lists_log_their_children(client, staff, journey):
    challenge_services.raise_dispute(
        child=journey.child,
        plan=journey.plan,
        raised_on=date(2024, 6, 3),
        reason=DisputeReason.ASSESSMENT,
        detail="The assessment is late.",
        addressed_to=staff.team_manager,
        acting_user=staff.iro,
    )
    challenge_services.raise_multi_agency_challenge(
        child=journey.child,
        agency=AgencyFactory(),
        professional="Health visitor",
        concern="No report was shared.",
        raised_on=date(2024, 6, 12),
        acting_user=staff.iro,
    )
    client.force_login(staff.iro)
    assert client.get(reverse("dispute_list")).status_code == 200
    assert client.get(reverse("challenge_list")).status_code == 200
    assert _logged(staff.iro, "dispute_list") == {journey.child.pk}
    assert _logged(staff.iro, "challenge_list") == {journey.child.pk}


def test_a_refused_or_missing_page_writes_nothing(client, staff, conference):
    client.force_login(staff.outsider)
    assert client.get(reverse("conference_detail", args=[conference.public_id])).status_code == 403
    client.force_login(staff.iro_manager)
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("conference_detail", args=[missing])).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_caseload_logs_with_the_same_queries_for_one_child_or_many(client, staff, siblings):
    client.force_login(staff.social_worker)
    client.get(reverse("caseload"))
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("caseload"))
    sibling_group(staff, surname="Fernleigh", names=("Ivo", "Juno"))
    sibling_group(staff, surname="Hollins", names=("Kit", "Lark"))
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("caseload"))
    assert len(six) == len(two)
