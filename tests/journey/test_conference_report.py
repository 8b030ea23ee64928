"""The social work report for a conference: the days it reached the chair and the family
are recorded by the social worker, their team manager, a coordinator or the chair, never
after the conference, and the conference page and the team's list say them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iro.journey import services
from iro.journey.checks import DATE_IN_FUTURE, STALE_RECORD, current_version
from tests.factories import make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 25), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def conference(staff):
    return book_icpc(staff, sibling_group(staff), on=date(2024, 6, 28))  # a Friday


def record(conference, user, received=None, shared=None, version=None):
    return services.record_conference_report(
        conference=conference,
        received_on=received,
        shared_on=shared,
        acting_user=user,
        expected_version=current_version(conference) if version is None else version,
    )


def test_the_social_worker_records_the_report_reaching_the_chair_and_the_family(staff, conference):
    record(conference, staff.social_worker, received=date(2024, 6, 24), shared=date(2024, 6, 25))
    conference.refresh_from_db()
    assert (conference.report_received_on, conference.report_shared_on) == (
        date(2024, 6, 24),
        date(2024, 6, 25),
    )


@pytest.mark.parametrize("who", ["team_manager", "coordinator", "iro", "iro_manager"])
def test_the_team_manager_a_coordinator_and_the_chairs_may_record_it_too(staff, conference, who):
    record(conference, getattr(staff, who), received=date(2024, 6, 24))


@pytest.mark.parametrize("who", ["outsider", "analyst", "senior_manager", "partnership"])
def test_who_may_not_record_it_is_refused(staff, conference, who):
    with pytest.raises(PermissionDenied):
        record(conference, getattr(staff, who), received=date(2024, 6, 24))
    conference.refresh_from_db()
    assert conference.report_received_on is None


def test_a_date_in_the_future_or_after_the_conference_is_refused(staff, conference):
    with pytest.raises(ValidationError) as raised:
        record(conference, staff.social_worker, received=date(2024, 6, 26))
    assert raised.value.message_dict["report_received_on"] == [DATE_IN_FUTURE]
    with (
        time_machine.travel(date(2024, 7, 2), tick=False),
        pytest.raises(ValidationError) as raised,
    ):
        record(conference, staff.social_worker, shared=date(2024, 7, 1))
    assert raised.value.message_dict["report_shared_on"] == [
        services.REPORT_AFTER_CONFERENCE.format(date=date(2024, 6, 28))
    ]


def test_a_date_months_before_the_conference_is_refused_as_a_typo(staff, conference):
    with pytest.raises(ValidationError) as raised:
        record(conference, staff.social_worker, received=date(2014, 6, 24))  # for 2024
    assert raised.value.message_dict["report_received_on"] == [
        services.REPORT_TOO_EARLY.format(date=date(2024, 6, 28))
    ]
    record(conference, staff.social_worker, received=date(2024, 3, 28))  # 92 days: taken
    conference.refresh_from_db()
    assert conference.report_received_on == date(2024, 3, 28)


def test_nothing_changed_and_a_stale_page_are_refused(staff, conference):
    with pytest.raises(ValidationError) as raised:
        record(conference, staff.social_worker)
    assert raised.value.messages == [services.REPORT_NOTHING_CHANGED]
    record(conference, staff.social_worker, received=date(2024, 6, 24))
    with pytest.raises(ValidationError) as raised:
        record(conference, staff.social_worker, shared=date(2024, 6, 24), version=1)
    assert raised.value.messages == [STALE_RECORD]


def test_the_page_records_it_and_the_conference_page_says_it(client, staff, conference):
    client.force_login(staff.social_worker)
    detail = reverse("conference_detail", args=[conference.public_id])
    url = reverse("conference_report", args=[conference.public_id])
    page = client.get(detail).text
    assert "Due with the chair by" in page and "Tuesday 25 June 2024" in page
    assert url in page
    response = client.post(
        url,
        {
            "report_received_on_day": "24",
            "report_received_on_month": "6",
            "report_received_on_year": "2024",
            "report_shared_on_day": "",
            "report_shared_on_month": "",
            "report_shared_on_year": "",
            "version": str(conference.version),
        },
        follow=True,
    )
    assert "Recorded for the social work report: the chair received it on 24 June 2024." in (
        response.text
    )
    assert "24 June 2024" in response.text.split('id="report-dates"')[1][:1500]


def test_the_page_says_a_bad_date_and_keeps_what_was_saved(client, staff, conference):
    record(conference, staff.social_worker, received=date(2024, 6, 24))
    conference.refresh_from_db()
    client.force_login(staff.social_worker)
    page = client.post(
        reverse("conference_report", args=[conference.public_id]),
        {
            "report_received_on_day": "31",
            "report_received_on_month": "6",
            "report_received_on_year": "2024",
            "version": str(conference.version),
        },
    ).text
    assert "There is a problem" in page
    conference.refresh_from_db()
    assert conference.report_received_on == date(2024, 6, 24)


def test_the_page_gives_one_message_a_date_naming_which_date(client, staff, conference):
    client.force_login(staff.social_worker)
    page = client.post(
        reverse("conference_report", args=[conference.public_id]),
        {
            "report_received_on_day": "5",
            "report_received_on_month": "12",
            "report_received_on_year": "2019",
            "report_shared_on_day": "1",
            "report_shared_on_month": "1",
            "report_shared_on_year": "2018",
            "version": str(conference.version),
        },
    ).text
    too_early = "is more than 3 months before the conference on 28 June 2024"
    assert page.count(too_early) == 4  # each date's, in the summary and by its field
    received = conference_forms_field_name(page, too_early)
    assert len(set(received)) == 2  # the two dates named apart


def conference_forms_field_name(page: str, words: str) -> list[str]:
    """The words before each message: "The date the chair received the report", ..."""
    import re

    return re.findall(r"(The date[^<.]*?) " + re.escape(words), page)


@pytest.mark.parametrize("who", ["outsider", "analyst", "partnership"])
def test_the_page_refuses_who_may_not_record_it(client, staff, conference, who):
    client.force_login(getattr(staff, who))
    url = reverse("conference_report", args=[conference.public_id])
    assert client.get(url).status_code in (403, 404)
