"""Correcting the date a Section 47 enquiry started (journey.enquiry_date): the strategy
discussion and the enquiry move together, for brothers and sisters too; what the date may
be; and a held initial conference's timeliness decided again against the new due date."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iro.journey import enquiry_date, services
from iro.journey.models import (
    Conference,
    ConferenceAmendment,
    ConferenceKind,
    Decision,
    LateDecision,
    LatenessReason,
    Section47,
    StrategyDiscussion,
)
from iro.reports import measures
from iro.reports.measures import Ratio
from iro.timescales import ANNUAL, parse_period
from tests.factories import ChildFactory, FamilyFactory, hold_conference, make_staff, s47_for
from tests.journey.test_conference_views import date_data

pytestmark = pytest.mark.django_db

WHY = "Typed as the 17th: the discussion was on the 7th."
YEAR = parse_period(ANNUAL, "2024-25")
REFERRAL = date(2024, 12, 2)
STRATEGY = date(2025, 1, 7)  # the initial conference is due by 28 January 2025


@pytest.fixture
def staff():
    return make_staff()


def _enquiry(staff, **child_fields) -> Section47:
    child = ChildFactory(team=staff.team, **child_fields)
    return s47_for(child, referral=REFERRAL, strategy=STRATEGY)


def _errors(error, field="start_date") -> list[str]:
    return error.value.message_dict[field]


def _correct(s47, on, user, **kwargs):
    return enquiry_date.correct_enquiry_date(
        section47=s47, start_date=on, reason=WHY, acting_user=user, **kwargs
    )


def _icpc(staff, s47, held_on, **fields) -> Conference:
    return hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(s47.episode.child, {"section47": s47, "decision": Decision.NO_PLAN})],
        chair=staff.iro,
        held_on=held_on,
        **fields,
    )


def test_the_discussion_and_the_enquiry_move_together_with_the_reason_kept(staff):
    s47 = _enquiry(staff)
    result = _correct(s47, date(2025, 1, 9), staff.social_worker)
    s47.refresh_from_db()
    assert s47.start_date == date(2025, 1, 9)
    assert StrategyDiscussion.objects.get().held_on == date(2025, 1, 9)
    assert result.before == STRATEGY
    assert s47.history.first().history_change_reason == WHY
    assert StrategyDiscussion.objects.get().history.first().history_change_reason == WHY


def test_brothers_and_sisters_begun_the_same_day_are_corrected_with_it(staff):
    family = FamilyFactory()
    s47 = _enquiry(staff, family=family)
    sibling = s47_for(
        ChildFactory(team=staff.team, family=family),
        referral=REFERRAL,
        strategy=STRATEGY,
    )
    assert enquiry_date.same_day_enquiries(staff.social_worker, s47) == [sibling]
    _correct(s47, date(2025, 1, 9), staff.social_worker, also=[sibling])
    assert set(Section47.objects.values_list("start_date", flat=True)) == {date(2025, 1, 9)}


def test_an_enquiry_of_another_day_is_not_corrected_with_it(staff):
    s47 = _enquiry(staff)
    other = s47_for(ChildFactory(team=staff.team), referral=REFERRAL, strategy=date(2025, 1, 8))
    with pytest.raises(ValidationError) as error:
        _correct(s47, date(2025, 1, 9), staff.social_worker, also=[other])
    assert _errors(error) == [
        enquiry_date.NOT_THE_SAME_DAY.format(child=other.episode.child),
    ]
    assert Section47.objects.filter(start_date=STRATEGY).count() == 1


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (STRATEGY, enquiry_date.SAME_DATE),
        (date(2024, 11, 29), services.BEFORE_REFERRAL.format(date=REFERRAL)),
    ],
)
def test_a_date_that_cannot_be_is_refused_and_nothing_moves(staff, on, message):
    s47 = _enquiry(staff)
    with pytest.raises(ValidationError) as error:
        _correct(s47, on, staff.social_worker)
    assert message in _errors(error)
    s47.refresh_from_db()
    assert s47.start_date == STRATEGY


def test_a_reason_is_needed(staff):
    s47 = _enquiry(staff)
    with pytest.raises(ValidationError) as error:
        enquiry_date.correct_enquiry_date(
            section47=s47, start_date=date(2025, 1, 9), reason=" ", acting_user=staff.iro_manager
        )
    assert _errors(error, "reason") == [enquiry_date.REASON_REQUIRED]


def test_the_enquiry_cannot_start_after_its_conference_was_asked_for_or_held(staff):
    s47 = _enquiry(staff)
    services.request_icpc(
        section47=s47, requested_on=date(2025, 1, 10), acting_user=staff.social_worker
    )
    with pytest.raises(ValidationError) as error:
        _correct(s47, date(2025, 1, 13), staff.social_worker)
    assert _errors(error) == [enquiry_date.AFTER_REQUEST.format(on=date(2025, 1, 10))]
    _icpc(staff, s47, date(2025, 1, 27))
    with pytest.raises(ValidationError) as error:
        _correct(s47, date(2025, 1, 28), staff.social_worker)
    assert enquiry_date.AFTER_CONFERENCE.format(
        child=s47.episode.child, verb="was held on", on=date(2025, 1, 27)
    ) in _errors(error)


def test_it_does_not_pass_another_enquiry_of_the_episode(staff):
    s47 = _enquiry(staff)
    later = Section47.objects.create(episode=s47.episode, start_date=date(2025, 1, 20))
    with pytest.raises(ValidationError) as error:
        _correct(s47, date(2025, 1, 21), staff.iro_manager)
    assert _errors(error) == [
        enquiry_date.PASSES_ENQUIRY.format(child=s47.episode.child, on=later.start_date)
    ]


@pytest.mark.parametrize("who", ["iro", "analyst", "partnership"])
def test_only_those_who_record_enquiries_and_the_manager_correct_them(staff, who):
    s47 = _enquiry(staff)
    with pytest.raises(PermissionDenied):
        _correct(s47, date(2025, 1, 9), getattr(staff, who))
    _correct(s47, date(2025, 1, 9), staff.iro_manager)


def test_a_conference_in_time_made_late_needs_a_reason_and_a_managers_decision(staff):
    s47 = _enquiry(staff)
    icpc = _icpc(staff, s47, date(2025, 1, 27))
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 1)
    with pytest.raises(ValidationError) as error:
        _correct(s47, date(2025, 1, 2), staff.social_worker)
    [message] = _errors(error, "lateness_reason")
    assert message.startswith("The conference is outside timescale (due ")
    assert Section47.objects.get().start_date == STRATEGY  # nothing moved

    result = _correct(
        s47, date(2025, 1, 2), staff.social_worker, lateness_reason=LatenessReason.UNAVAILABLE
    )
    assert result.now_late
    icpc.refresh_from_db()
    assert icpc.lateness_reason == LatenessReason.UNAVAILABLE
    assert icpc.late_decision == ""  # waits for a manager
    amendment = ConferenceAmendment.objects.get(conference=icpc)
    assert amendment.reason == WHY
    assert {c["field"] for c in amendment.changes} == {
        "Enquiry started",
        "Reason for lateness",
        "Manager's decision on the lateness",  # now waiting for one
    }
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(0, 1)


def test_a_late_conference_made_in_time_loses_the_reason_it_no_longer_needs(staff):
    s47 = _enquiry(staff)
    icpc = _icpc(
        staff,
        s47,
        date(2025, 2, 3),
        lateness_reason=LatenessReason.REPORTS_NOT_READY,
        late_decision=LateDecision.AGREED,
        minutes_sent_on=date(2025, 2, 5),
    )
    result = _correct(s47, date(2025, 1, 14), staff.social_worker)
    assert result.now_in_time
    icpc.refresh_from_db()
    assert (icpc.lateness_reason, icpc.late_decision) == ("", "")
    assert icpc.minutes_sent_on is None  # to be sent again
    assert icpc.minutes_replaced_sent_on == date(2025, 2, 5)
    fields = [c["field"] for c in ConferenceAmendment.objects.get().changes]
    assert "Manager's decision on the lateness" in fields


def test_a_move_that_keeps_the_conference_in_time_leaves_it_alone(staff):
    s47 = _enquiry(staff)
    icpc = _icpc(staff, s47, date(2025, 1, 27))
    version = icpc.version
    _correct(s47, date(2025, 1, 8), staff.social_worker)
    icpc.refresh_from_db()
    assert icpc.version == version
    assert not ConferenceAmendment.objects.exists()


# ------------------------------------------------------------------ the page


def test_a_social_worker_corrects_the_date_from_the_child_protection_page(client, staff):
    s47 = _enquiry(staff, first_name="Isolde", last_name="Farrant")
    child = s47.episode.child
    client.force_login(staff.social_worker)
    url = reverse("section47_date", args=[child.public_id, s47.pk])
    hub = client.get(reverse("child_protection", args=[child.public_id])).text
    assert url in hub
    page = client.get(url).text
    assert "Correct the date the enquiry started" in page
    assert "Tuesday 28 January 2025" in page  # due now
    assert 'name="lateness_reason"' not in page  # no conference held to be late

    response = client.post(url, {**date_data("start_date", date(2025, 1, 9)), "reason": ""})
    assert enquiry_date.REASON_REQUIRED in response.text
    response = client.post(url, {**date_data("start_date", date(2025, 1, 9)), "reason": WHY})
    assert response["Location"] == reverse("child_protection", args=[child.public_id])
    hub = client.get(response["Location"]).text
    assert "The enquiry for Isolde Farrant now starts on 9 January 2025, not 7 January 2025" in hub
    assert Section47.objects.get().start_date == date(2025, 1, 9)


@pytest.mark.parametrize("who", ["iro", "analyst"])
def test_the_page_is_refused_to_those_who_may_not_correct_it(client, staff, who):
    s47 = _enquiry(staff)
    client.force_login(getattr(staff, who))
    url = reverse("section47_date", args=[s47.episode.child.public_id, s47.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {**date_data("start_date", date(2025, 1, 9)), "reason": WHY}).status_code
        == 403
    )
    assert Section47.objects.get().start_date == STRATEGY


def test_a_child_the_user_may_not_see_is_refused(client, staff):
    s47 = _enquiry(staff, restricted=True)
    client.force_login(staff.social_worker)
    url = reverse("section47_date", args=[s47.episode.child.public_id, s47.pk])
    assert client.get(url).status_code in (403, 404)


def test_a_held_conference_booked_late_says_its_warning_has_changed_since(client, staff):
    s47 = _enquiry(staff)
    icpc = _icpc(
        staff,
        s47,
        date(2025, 2, 3),
        lateness_reason=LatenessReason.REPORTS_NOT_READY,
        booking_warnings="3 February 2025 is after the conference is due on 28 January 2025.",
        booking_reason="The reports will not be ready.",
    )
    client.force_login(staff.iro_manager)
    url = reverse("conference_detail", args=[icpc.public_id])
    assert "booking-warning-since" not in client.get(url).text
    _correct(s47, date(2025, 1, 14), staff.social_worker)
    page = client.get(url).text
    assert "Booked anyway: 3 February 2025 is after the conference is due on 28 January" in page
    assert (
        "That was said when it was booked. The due date has been corrected since. As the "
        "records stand now: it was booked in time."
    ) in page


def test_the_analyst_reads_the_dates_a_correction_moved_but_no_ones_words(client, staff):
    s47 = _enquiry(staff)
    icpc = _icpc(staff, s47, date(2025, 1, 27))
    _correct(
        s47,
        date(2025, 1, 2),
        staff.social_worker,
        lateness_reason=LatenessReason.OTHER,
        lateness_detail="The family asked to wait for Ada's father.",
    )
    client.force_login(staff.analyst)
    page = client.get(reverse("conference_history", args=[icpc.public_id])).text
    enquiry = page.split('<td class="govuk-table__cell">Enquiry started</td>', 1)[1]
    assert "7 January 2025" in enquiry[:300] and "2 January 2025" in enquiry[:300]
    assert "Ada" not in page
    assert "[free text not shown]" in page  # the reason for lateness: words someone typed


def test_a_date_in_the_future_is_told_once(staff):
    s47 = _enquiry(staff)
    services.request_icpc(
        section47=s47, requested_on=date(2025, 1, 10), acting_user=staff.social_worker
    )
    with pytest.raises(ValidationError) as error:
        _correct(s47, date(2099, 1, 13), staff.social_worker)
    [message] = _errors(error)
    assert "future" in message
