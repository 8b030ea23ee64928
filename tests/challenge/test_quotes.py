"""Quotes safe to publish: the IRO service manager approves a wording (never one with a
name the system knows or a word that looks like one) and features a handful a year."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iro.challenge import services
from iro.challenge.models import Feedback, QuoteStatus
from iro.challenge.selectors import quotes_awaiting_approval
from iro.children.models import FamilyMember
from tests.challenge.factories import FeedbackFactory
from tests.factories import ChildFactory, ConferenceChildFactory, ConferenceFactory, FamilyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(staff):
    family = FamilyFactory(name="Alnworth family")
    child = ChildFactory(first_name="Aarav", last_name="Alnworth", family=family, team=staff.team)
    FamilyMember.objects.create(family=family, name="Sara Alnworth", relationship="mother")
    conference = ConferenceFactory(held_on=date(2025, 6, 2), chair=staff.iro)
    ConferenceChildFactory(conference=conference, child=child)
    return conference


def feedback(conference, text="My mum said it helped.", **fields):
    return FeedbackFactory(conference=conference, text=text, respondent="parent_or_carer", **fields)


def approve(f, wording, staff):
    return services.approve_quote(feedback=f, wording=wording, acting_user=staff.iro_manager)


def refused_words(error) -> str:
    return " ".join(error.value.message_dict["wording"])


def test_a_family_members_name_is_refused_at_approval_and_where_it_is_shown(staff, conference):
    given = feedback(conference, "Sara was listened to at last.")
    with pytest.raises(ValidationError) as error:
        approve(given, "Thank you, Sara was listened to at last.", staff)
    assert "\u201cSara\u201d" in refused_words(error)
    [found] = services.names_in_wording(given, "Thank you, Sara was listened to at last.")
    assert (found.start, found.end, found.reason) == (11, 15, "known")
    given.refresh_from_db()
    assert (given.quote_status, given.published_wording) == (QuoteStatus.AWAITING, "")


def test_the_childs_surname_in_lower_case_is_refused_too(staff, conference):
    with pytest.raises(ValidationError) as error:
        approve(feedback(conference), "the alnworth children were heard", staff)
    assert "\u201calnworth\u201d" in refused_words(error)


def test_any_staff_members_name_is_refused(staff, conference):
    # Seren Elmstead is a senior manager with nothing to do with this conference.
    with pytest.raises(ValidationError) as error:
        approve(feedback(conference), "seren was kind to us.", staff)
    assert "\u201cseren\u201d" in refused_words(error)


def test_a_word_that_looks_like_a_name_is_refused(staff, conference):
    with pytest.raises(ValidationError) as error:
        approve(feedback(conference), "I felt that Bernadette listened.", staff)
    assert "\u201cBernadette\u201d" in refused_words(error)


def test_the_manager_rewords_it_the_comment_as_given_is_kept_with_history(staff, conference):
    given = feedback(conference, "Sara was listened to at last.")
    approved = approve(given, "Mum was listened to at last.", staff)
    assert approved.quote_status == QuoteStatus.APPROVED
    assert approved.text == "Sara was listened to at last."
    assert approved.published_wording == "Mum was listened to at last."
    assert approved.role_attribution == "A parent or carer"
    assert (approved.approved_by, approved.history.count()) == (staff.iro_manager, 2)
    assert not quotes_awaiting_approval(staff.iro_manager).filter(pk=given.pk).exists()


@pytest.mark.parametrize("who", ["iro", "analyst", "senior_manager", "coordinator"])
def test_only_the_iro_service_manager_approves(staff, conference, who):
    with pytest.raises(PermissionDenied):
        services.approve_quote(
            feedback=feedback(conference), wording="It helped.", acting_user=getattr(staff, who)
        )


def test_feedback_given_without_consent_cannot_be_approved(staff, conference):
    with pytest.raises(ValidationError) as error:
        approve(feedback(conference, consent_to_quote=False), "It helped.", staff)
    assert refused_words(error) == services.NOT_QUOTABLE


def feature(f, staff, featured=True):
    return services.feature_quote(feedback=f, featured=featured, acting_user=staff.iro_manager)


def test_an_approved_quote_is_featured_once_in_the_year_it_was_received(staff, conference):
    given = approve(feedback(conference), "It helped.", staff)
    feature(given, staff)
    feature(given, staff)
    assert Feedback.objects.filter(featured_in="2025-26").count() == 1
    assert Feedback.objects.get(pk=given.pk).featured_in == "2025-26"


def test_the_same_wording_is_never_featured_twice_in_a_year(staff, conference):
    feature(approve(feedback(conference), "It helped.", staff), staff)
    other = approve(feedback(conference, "it helped!"), "It  helped!", staff)
    with pytest.raises(ValidationError) as error:
        feature(other, staff)
    assert error.value.messages == [services.ALREADY_FEATURED_WORDING.format(year="2025-26")]


def test_a_quote_awaiting_approval_cannot_be_featured(staff, conference):
    with pytest.raises(ValidationError) as error:
        feature(feedback(conference), staff)
    assert error.value.messages == [services.NOT_APPROVED]


def test_a_year_features_a_handful_at_most(staff, conference):
    for n in range(services.FEATURED_LIMIT):
        feature(
            approve(feedback(conference, f"Helped {n}."), f"It helped, {n} times.", staff), staff
        )
    extra = approve(feedback(conference), "One more.", staff)
    with pytest.raises(ValidationError):
        feature(extra, staff)
    feature(Feedback.objects.filter(featured_in="2025-26").first(), staff, featured=False)
    assert feature(extra, staff).featured_in == "2025-26"


def test_withdrawn_consent_takes_the_quote_out_of_the_report(staff, conference):
    given = approve(feedback(conference), "It helped.", staff)
    feature(given, staff)
    services.withdraw_consent_to_quote(feedback=given, acting_user=staff.iro)
    given.refresh_from_db()
    assert (given.consent_to_quote, given.featured_in) == (False, "")


def test_another_familys_names_are_refused_in_any_case(staff, conference):
    ChildFactory(first_name="Daisy", last_name="Alnby", team=staff.other_team)
    with pytest.raises(ValidationError) as error:
        approve(feedback(conference), "the chair listened. daisy alnby felt heard.", staff)
    assert "\u201cdaisy\u201d" in refused_words(error)
    assert "\u201calnby\u201d" in refused_words(error)


def test_an_everyday_word_that_is_another_childs_name_is_not_refused(staff, conference):
    ChildFactory(first_name="Hope", last_name="Young", team=staff.other_team)
    approved = approve(feedback(conference), "we hope young people are heard.", staff)
    assert approved.quote_status == QuoteStatus.APPROVED
