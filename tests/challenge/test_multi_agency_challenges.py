from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iro.challenge import services
from iro.challenge.models import ChallengeOutcome, MultiAgencyChallenge
from iro.journey import corrections
from iro.notices.models import Notice
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(staff, child):
    return services.raise_multi_agency_challenge(
        child=child,
        agency=AgencyFactory(name="Northmoor Community Health"),
        professional="Health visitor",
        concern="Reports not shared before the conference.",
        raised_on=date(2019, 2, 4),
        acting_user=staff.iro,
    )


def test_it_raises_a_challenge_to_another_agency(challenge, staff):
    assert challenge.raised_by == staff.iro
    assert challenge.agency.name == "Northmoor Community Health"
    assert challenge.forwarded_on is None


def test_the_partnership_forwards_it_to_the_professionals_manager(challenge, staff):
    forwarded = services.forward_multi_agency_challenge(
        challenge=challenge,
        forwarded_on=date(2019, 2, 6),
        forwarded_to="Health visiting team leader",
        acting_user=staff.partnership,
    )
    assert (forwarded.forwarded_on, forwarded.forwarded_by) == (date(2019, 2, 6), staff.partnership)


def test_the_response_and_outcome_are_recorded_after_forwarding(challenge, staff):
    services.forward_multi_agency_challenge(
        challenge=challenge,
        forwarded_on=date(2019, 2, 6),
        forwarded_to="Team leader",
        acting_user=staff.partnership,
    )
    answered = services.record_challenge_response(
        challenge=challenge,
        responded_on=date(2019, 2, 20),
        response="Reports will be shared three days before.",
        outcome=ChallengeOutcome.UPHELD,
        acting_user=staff.partnership,
    )
    assert answered.outcome == ChallengeOutcome.UPHELD
    assert answered.history.count() == 3


def test_it_refuses_a_response_before_the_challenge_is_forwarded(challenge, staff):
    with pytest.raises(ValidationError) as error:
        services.record_challenge_response(
            challenge=challenge,
            responded_on=date(2019, 2, 20),
            response="Noted.",
            outcome=ChallengeOutcome.NOT_UPHELD,
            acting_user=staff.partnership,
        )
    assert error.value.message_dict["outcome"] == [services.NOT_FORWARDED]


def test_an_iro_can_withdraw_a_challenge_never_forwarded(challenge, staff):
    withdrawn = services.record_challenge_response(
        challenge=challenge,
        responded_on=date(2019, 2, 5),
        response="Resolved by phone.",
        outcome=ChallengeOutcome.WITHDRAWN,
        acting_user=staff.iro,
    )
    assert withdrawn.outcome == ChallengeOutcome.WITHDRAWN


def test_it_refuses_forwarding_twice_or_before_it_was_raised(challenge, staff):
    with pytest.raises(ValidationError) as error:
        services.forward_multi_agency_challenge(
            challenge=challenge,
            forwarded_on=date(2019, 2, 1),
            forwarded_to="Team leader",
            acting_user=staff.partnership,
        )
    assert error.value.message_dict["forwarded_on"] == [
        services.BEFORE_RAISED.format(date=date(2019, 2, 4))
    ]
    services.forward_multi_agency_challenge(
        challenge=challenge,
        forwarded_on=date(2019, 2, 5),
        forwarded_to="Team leader",
        acting_user=staff.partnership,
    )
    with pytest.raises(ValidationError) as error:
        services.forward_multi_agency_challenge(
            challenge=challenge,
            forwarded_on=date(2019, 2, 6),
            forwarded_to="Team leader",
            acting_user=staff.partnership,
        )
    assert services.ALREADY_FORWARDED.format(date=date(2019, 2, 5)) in error.value.messages


@pytest.mark.parametrize("who", ["iro", "social_worker", "outsider", "admin"])
def test_only_the_partnership_forwards(challenge, staff, who):
    with pytest.raises(PermissionDenied, match=services.CANNOT_FORWARD):
        services.forward_multi_agency_challenge(
            challenge=challenge,
            forwarded_on=date(2019, 2, 6),
            forwarded_to="Team leader",
            acting_user=getattr(staff, who),
        )


def test_it_refuses_a_challenge_without_a_concern(staff, child):
    with pytest.raises(ValidationError) as error:
        services.raise_multi_agency_challenge(
            child=child,
            agency=AgencyFactory(),
            professional="GP",
            concern="",
            raised_on=date(2019, 2, 4),
            acting_user=staff.iro,
        )
    assert error.value.message_dict == {"concern": [services.TEXT_REQUIRED.format(what="concern")]}
    assert not MultiAgencyChallenge.objects.exists()


def test_it_refuses_a_challenge_from_someone_who_cannot_raise_one(staff, child):
    with pytest.raises(PermissionDenied):
        services.raise_multi_agency_challenge(
            child=child,
            agency=AgencyFactory(),
            professional="GP",
            concern="Late reports.",
            raised_on=date(2019, 2, 4),
            acting_user=staff.outsider,
        )


def test_forwarding_settles_every_partnership_officers_notice(challenge, staff):
    assert Notice.objects.filter(settled_at=None).count() == 1  # the one officer
    services.forward_multi_agency_challenge(
        challenge=challenge,
        forwarded_on=date(2019, 2, 6),
        forwarded_to="Team leader",
        acting_user=staff.partnership,
    )
    assert not Notice.objects.filter(settled_at=None).exists()


def test_a_withdrawal_before_forwarding_settles_the_notice_too(challenge, staff):
    services.record_challenge_response(
        challenge=challenge,
        responded_on=date(2019, 2, 5),
        response="Resolved by phone.",
        outcome=ChallengeOutcome.WITHDRAWN,
        acting_user=staff.iro,
    )
    assert not Notice.objects.filter(settled_at=None).exists()


def test_a_voided_challenge_leaves_no_message_waiting(challenge, staff):
    corrections.void_challenge(
        challenge=challenge, reason="Raised twice.", acting_user=staff.iro_manager
    )
    assert not Notice.objects.filter(settled_at=None).exists()
