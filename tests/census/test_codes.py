"""The census code lists and the models' choices say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

from iro.census import codes
from iro.children.models import Disability, Ethnicity, Sex
from iro.journey.models import (
    AssessmentFactor,
    Category,
    ClosureReason,
    PrimaryNeed,
    ReferralSource,
)


def test_the_census_codes_are_the_models_choices():
    assert set(Category.values) == codes.CATEGORIES
    assert set(PrimaryNeed.values) == codes.PRIMARY_NEEDS
    assert set(ClosureReason.values) == codes.CLOSURE_REASONS
    assert set(ReferralSource.values) == codes.REFERRAL_SOURCES
    assert set(Ethnicity.values) == codes.ETHNICITIES
    assert set(Disability.values) == codes.DISABILITIES
    assert set(codes.SEX_CODES.values()) == set(Sex.values)
    assert set(AssessmentFactor.values) == codes.ASSESSMENT_FACTORS


def test_the_assessment_factors_are_those_of_the_schema_iro_keeps():
    schema = (Path(codes.__file__).parent / "schema" / "cin_census.xsd").read_text()
    listed = schema[schema.index('name="AssessmentFactor"') :]
    listed = listed[: listed.index("</xs:simpleType>")]
    assert set(re.findall(r'value="([^"]+)"', listed)) == codes.ASSESSMENT_FACTORS
