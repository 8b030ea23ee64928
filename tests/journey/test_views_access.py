"""Who may open which page: every page refuses whom it must, by role and by child."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from iro.access.models import AccessEvent, AccessLogEntry
from iro.access.scope import REFUSED_CHILD
from iro.journey.views import NO_CHILDREN, NO_MY_WORK
from tests.factories import child_on_plan, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def child(staff):
    return child_on_plan(
        chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 20),
        team=staff.team, first_name="Ayla", last_name="Brackwater", la_child_id="A100200",
    ).child  # fmt: skip


def journey_url(child) -> str:
    return reverse("child_journey", args=[child.public_id])


@pytest.mark.parametrize("url_name", ["home", "my_work", "caseload"])
def test_it_sends_anonymous_users_to_sign_in(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_it_sends_anonymous_users_to_sign_in_from_a_childs_journey(client, child):
    response = client.get(journey_url(child))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("iro", "my_work"),
        ("iro_manager", "service_work"),
        ("coordinator", "booking_work"),
        ("social_worker", "team_work"),
        ("team_manager", "team_work"),
        ("senior_manager", "service_figures"),
        ("partnership", "challenge_work"),
        ("analyst", "caseload"),
    ],
)
def test_home_sends_each_role_to_where_its_work_starts(client, staff, who, target):
    client.force_login(getattr(staff, who))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


@pytest.mark.parametrize("who", ["admin"])
def test_home_shows_roles_without_children_what_they_can_do(client, staff, who):
    client.force_login(getattr(staff, who))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1
    assert b"What you can do" in response.content
    assert b"Children</a>" not in response.content


@pytest.mark.parametrize("who", ["partnership", "admin"])
def test_it_refuses_the_caseload_to_roles_without_children(client, staff, child, who):
    client.force_login(getattr(staff, who))
    response = client.get(reverse("caseload"))
    assert response.status_code == 403
    assert escape(NO_CHILDREN) in response.content.decode()


@pytest.mark.parametrize("who", ["social_worker", "analyst", "partnership", "admin"])
def test_it_refuses_my_work_to_those_who_do_not_chair(client, staff, who):
    client.force_login(getattr(staff, who))
    response = client.get(reverse("my_work"))
    assert response.status_code == 403
    assert escape(NO_MY_WORK) in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "partnership", "admin"])
def test_it_refuses_a_childs_journey_to_those_who_may_not_see_the_child(client, staff, child, who):
    client.force_login(getattr(staff, who))
    response = client.get(journey_url(child))
    assert response.status_code == 403
    body = response.content.decode()
    assert escape(REFUSED_CHILD) in body
    assert "Ayla" not in body
    assert not AccessLogEntry.objects.exists()


def test_a_social_worker_of_another_team_does_not_see_the_child_in_the_caseload(
    client, staff, child
):
    client.force_login(staff.outsider)
    response = client.get(reverse("caseload"))
    assert response.status_code == 200
    assert b"Ayla" not in response.content
    assert b"A100200" not in response.content
    assert b"No children" in response.content


def test_the_childs_own_team_sees_the_child_in_the_caseload(client, staff, child):
    client.force_login(staff.social_worker)
    response = client.get(reverse("caseload"))
    assert b"Ayla Brackwater" in response.content


def test_an_unknown_child_is_not_found(client, staff):
    client.force_login(staff.iro)
    response = client.get("/children/8f0c2a4e-0000-4000-8000-000000000000/")
    assert response.status_code == 404


def test_viewing_a_journey_writes_one_access_log_row(client, staff, child):
    client.force_login(staff.social_worker)
    response = client.get(journey_url(child))
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.child, entry.event, entry.what) == (
        staff.social_worker,
        child,
        AccessEvent.VIEWED,
        "child_journey",
    )


def test_analysts_see_la_child_ids_and_never_names(client, staff, child):
    client.force_login(staff.analyst)
    caseload = client.get(reverse("caseload")).content.decode()
    journey = client.get(journey_url(child)).content.decode()
    for body in (caseload, journey):
        assert "Child A100200" in body
        assert "Ayla" not in body
        assert "Brackwater" not in body
    assert '<h1 class="govuk-heading-xl">Child A100200</h1>' in journey


def test_iros_limited_to_chaired_children_are_refused_others(client, staff, child, settings):
    settings.IRO_CHILD_ACCESS = "chaired"
    client.force_login(staff.other_iro)
    assert client.get(journey_url(child)).status_code == 403
    assert b"Ayla" not in client.get(reverse("caseload")).content
    client.force_login(staff.iro)
    assert client.get(journey_url(child)).status_code == 200


def test_navigation_shows_only_what_the_role_can_use(client, staff):
    client.force_login(staff.iro)
    body = client.get(reverse("my_work")).content.decode()
    assert 'href="/my-work/"' in body
    assert 'href="/children/"' in body
    client.force_login(staff.social_worker)
    body = client.get(reverse("caseload")).content.decode()
    assert 'href="/my-work/"' not in body
    assert 'href="/children/"' in body


def test_signing_out_is_a_post_form_with_csrf(client, staff):
    client.force_login(staff.iro)
    body = client.get(reverse("my_work")).content.decode()
    form = body[body.index('action="/accounts/logout/"') - 40 :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in form
    assert "csrfmiddlewaretoken" in form
