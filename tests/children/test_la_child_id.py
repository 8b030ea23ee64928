"""Review finding 11: an LA child ID is letters, digits, hyphens and underscores only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from iro.children.models import Child
from iro.children.services import LA_CHILD_ID_CHARACTERS, LA_CHILD_ID_REQUIRED, create_child
from tests.factories import make_staff

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("la_child_id", ["1234567890", "ABC_000123_x", "RB-2024-17", "a" * 40])
def test_the_ids_case_systems_use_are_accepted(la_child_id):
    child = create_child(acting_user=make_staff().coordinator, la_child_id=la_child_id)
    assert child.la_child_id == la_child_id


@pytest.mark.parametrize(
    "la_child_id",
    ["AB\r\nC", "AB\rC", 'A"B', "<b>A</b>", "A B", "A;B", "A/B", "A.B", "Ŵ12", "１２３", "A\x00B"],
)
def test_an_id_with_any_other_character_is_refused_and_nothing_is_stored(la_child_id):
    with pytest.raises(ValidationError) as raised:
        create_child(acting_user=make_staff().coordinator, la_child_id=la_child_id)
    assert raised.value.message_dict == {"la_child_id": [LA_CHILD_ID_CHARACTERS]}
    assert not Child.objects.exists()


def test_a_blank_id_is_still_asked_for():
    with pytest.raises(ValidationError) as raised:
        create_child(acting_user=make_staff().coordinator, la_child_id="  ")
    assert raised.value.message_dict == {"la_child_id": [LA_CHILD_ID_REQUIRED]}
