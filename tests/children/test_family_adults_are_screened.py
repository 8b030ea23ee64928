"""The adults of a family are names the screening knows: readers who see no names read
"[name]" where free text mentions them."""

from __future__ import annotations

import pytest

from iro.children.models import FamilyMember, Relationship
from iro.journey.selectors import known_names
from iro.names import screen
from tests.factories import ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db


def test_a_family_adults_name_is_screened_out_of_free_text():
    family = FamilyFactory(name="Okafor family")
    child = ChildFactory(family=family, first_name="Amara", last_name="Okafor")
    FamilyMember.objects.create(
        family=family, name="Grace Adebayo", relationship=Relationship.CARER
    )
    names = known_names(child)
    assert "adebayo" in names
    assert (
        screen("Grace Adebayo came to the meeting.", names) == "[name] [name] came to the meeting."
    )
