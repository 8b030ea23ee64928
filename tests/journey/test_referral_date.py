"""Correcting the date of a referral (journey.referral_date): the episode's start moves
with a reason kept; it stays before everything recorded in the episode and outside the
child's other episodes; and the way to it from the enquiry's date correction."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iro.journey import enquiry_date, referral_date
from iro.journey.models import Episode
from iro.journey.services import BEFORE_REFERRAL
from tests.factories import ChildFactory, EpisodeFactory, make_staff, s47_for
from tests.journey.test_conference_views import date_data

pytestmark = pytest.mark.django_db

WHY = "Typed as 2025: the referral came in December 2024."
REFERRAL = date(2025, 1, 3)
STRATEGY = date(2025, 1, 7)


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def s47(staff):
    child = ChildFactory(team=staff.team, first_name="Tamsin", last_name="Quarrell")
    return s47_for(child, referral=REFERRAL, strategy=STRATEGY)


def _correct(episode, on, user, reason=WHY):
    return referral_date.correct_referral_date(
        episode=episode, referral_date=on, reason=reason, acting_user=user
    )


def _errors(error, field="referral_date") -> list[str]:
    return error.value.message_dict[field]


def test_the_referral_moves_with_its_reason_kept(staff, s47):
    episode = _correct(s47.episode, date(2024, 12, 30), staff.social_worker)
    assert Episode.objects.get().referral_date == date(2024, 12, 30)
    assert episode.history.first().history_change_reason == WHY


def test_it_cannot_come_after_what_the_episode_records(staff, s47):
    with pytest.raises(ValidationError) as error:
        _correct(s47.episode, date(2025, 1, 9), staff.social_worker)
    assert _errors(error) == [
        referral_date.AFTER_RECORD.format(what="strategy discussion", on=STRATEGY)
    ]
    assert Episode.objects.get().referral_date == REFERRAL


def test_it_stays_outside_the_childs_other_episodes(staff, s47):
    child = s47.episode.child
    EpisodeFactory(child=child, referral_date=date(2024, 3, 1), closure_date=date(2024, 12, 20))
    with pytest.raises(ValidationError) as error:
        _correct(s47.episode, date(2024, 12, 10), staff.social_worker)
    assert "was open until then" in _errors(error)[0]
    _correct(s47.episode, date(2024, 12, 20), staff.social_worker)  # the day it closed: allowed


def test_a_reason_and_a_new_date_are_needed(staff, s47):
    with pytest.raises(ValidationError) as error:
        _correct(s47.episode, REFERRAL, staff.social_worker, reason=" ")
    assert _errors(error) == [referral_date.SAME_DATE]
    assert _errors(error, "reason") == [referral_date.REASON_REQUIRED]


@pytest.mark.parametrize("who", ["iro", "analyst", "partnership"])
def test_only_those_who_record_referrals_and_the_manager_correct_them(staff, s47, who):
    with pytest.raises(PermissionDenied):
        _correct(s47.episode, date(2024, 12, 30), getattr(staff, who))
    _correct(s47.episode, date(2024, 12, 30), staff.iro_manager)


def test_the_enquirys_correction_leads_to_the_referrals_and_back(client, staff, s47):
    child = s47.episode.child
    client.force_login(staff.social_worker)
    enquiry_url = reverse("section47_date", args=[child.public_id, s47.pk])
    page = client.post(
        enquiry_url, {**date_data("start_date", date(2025, 1, 2)), "reason": "Typed wrong."}
    ).text
    assert BEFORE_REFERRAL.format(date=REFERRAL) in page
    url = reverse("referral_date", args=[child.public_id, s47.episode_id])
    assert f"{url}?next=" in page  # the way on, from the refusal's page

    response = client.post(
        f"{url}?next={enquiry_url}",
        {**date_data("referral_date", date(2024, 12, 30)), "reason": WHY},
    )
    assert response["Location"] == enquiry_url
    journey = client.get(reverse("child_journey", args=[child.public_id])).text
    assert url in journey  # corrected from the journey too
    page = client.post(
        enquiry_url, {**date_data("start_date", date(2025, 1, 2)), "reason": "Typed wrong."}
    )
    assert page.status_code == 302


def test_the_page_is_refused_to_a_role_that_may_not_correct_it(client, staff, s47):
    client.force_login(staff.analyst)
    url = reverse("referral_date", args=[s47.episode.child.public_id, s47.episode_id])
    assert client.get(url).status_code == 403
    assert (
        client.post(
            url, {**date_data("referral_date", date(2024, 12, 30)), "reason": WHY}
        ).status_code
        == 403
    )
    assert Episode.objects.get().referral_date == REFERRAL


def test_the_journey_lists_the_dates_corrected_with_their_reasons(client, staff, s47):
    _correct(s47.episode, date(2024, 12, 30), staff.social_worker)
    enquiry_date.correct_enquiry_date(
        section47=s47,
        start_date=date(2025, 1, 6),
        reason="Tamsin's strategy discussion was a day earlier than typed.",
        acting_user=staff.social_worker,
    )
    url = reverse("child_journey", args=[s47.episode.child.public_id])
    client.force_login(staff.iro_manager)
    page = client.get(url).text
    corrected = page[page.index('id="corrected-dates"') :]
    assert corrected.index("Date the Section 47 enquiry started") < corrected.index(
        "Referral date"
    )  # newest first
    assert "from 7 Jan 2025<br>to 6 Jan 2025" in corrected
    assert "from 3 Jan 2025<br>to 30 Dec 2024" in corrected
    assert WHY in corrected
    assert f"by {staff.social_worker}" in corrected
    # The analyst sees what changed and when, never the words naming the child.
    client.force_login(staff.analyst)
    page = client.get(url).text
    assert "from 3 Jan 2025<br>to 30 Dec 2024" in page
    assert "Tamsin" not in page
