from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iro.challenge import services
from iro.challenge.models import Respondent
from iro.challenge.selectors import quotable_feedback
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(staff):
    return ConferenceFactory(held_on=date(2019, 3, 4), chair=staff.iro)


def _record(staff, conference, **kwargs):
    args = {
        "conference": conference,
        "respondent": Respondent.PARENT_OR_CARER,
        "attribution": "Mother, after a strength based conference",
        "text": "I felt you wanted to listen to what I thought.",
        "received_on": date(2019, 3, 5),
        "consent_to_quote": True,
        "acting_user": staff.iro,
    }
    return services.record_feedback(**(args | kwargs))


def test_it_records_feedback_with_consent_and_quotes_it_in_its_period(staff, conference):
    feedback = _record(staff, conference)
    assert list(quotable_feedback(date(2019, 3, 1), date(2019, 3, 31))) == [feedback]
    assert not quotable_feedback(date(2019, 4, 1), date(2019, 4, 30)).exists()


def test_feedback_without_consent_is_never_quoted(staff, conference):
    _record(staff, conference, consent_to_quote=False)
    assert not quotable_feedback(date(2019, 3, 1), date(2019, 3, 31)).exists()


def test_withdrawn_consent_stops_the_quote(staff, conference):
    feedback = _record(staff, conference)
    services.withdraw_consent_to_quote(feedback=feedback, acting_user=staff.coordinator)
    assert not quotable_feedback(date(2019, 3, 1), date(2019, 3, 31)).exists()
    assert feedback.history.count() == 2


def test_it_refuses_feedback_on_a_conference_not_yet_held(staff):
    scheduled = ConferenceFactory(scheduled=True, scheduled_date=date(2019, 3, 4))
    with pytest.raises(ValidationError) as error:
        _record(staff, scheduled)
    assert error.value.message_dict["conference"] == [services.CONFERENCE_NOT_HELD]


def test_it_refuses_feedback_dated_before_the_conference(staff, conference):
    with pytest.raises(ValidationError) as error:
        _record(staff, conference, received_on=date(2019, 3, 3))
    assert error.value.message_dict["received_on"] == [
        services.BEFORE_CONFERENCE.format(date=date(2019, 3, 4))
    ]


@pytest.mark.parametrize("who", ["social_worker", "partnership", "outsider"])
def test_it_refuses_staff_outside_the_iro_service(staff, conference, who):
    with pytest.raises(PermissionDenied, match=services.CANNOT_RECORD_FEEDBACK):
        _record(staff, conference, acting_user=getattr(staff, who))
