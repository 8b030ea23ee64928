"""The census code lists and the models' choices say the same thing."""

from __future__ import annotations

from iro.census import codes
from iro.children.models import Disability, Ethnicity, Sex
from iro.journey.models import Category, ClosureReason, PrimaryNeed, ReferralSource


def test_the_census_codes_are_the_models_choices():
    assert set(Category.values) == codes.CATEGORIES
    assert set(PrimaryNeed.values) == codes.PRIMARY_NEEDS
    assert set(ClosureReason.values) == codes.CLOSURE_REASONS
    assert set(ReferralSource.values) == codes.REFERRAL_SOURCES
    assert set(Ethnicity.values) == codes.ETHNICITIES
    assert set(Disability.values) == codes.DISABILITIES
    assert set(codes.SEX_CODES.values()) == set(Sex.values)
