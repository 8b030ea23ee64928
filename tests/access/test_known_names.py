"""Every name the service records is kept, word by word, as it is saved, so free text
can be screened against all of them with one look-up of its own words."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iro.access import known_names
from iro.access.known_names import Lookup, known_among
from iro.access.models import KnownName
from iro.children.models import FamilyMember
from iro.journey.models import Invitation, InviteeRole
from tests.factories import ChildFactory, ConferenceFactory, FamilyFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def kept(staff: bool = False) -> set[str]:
    return set(KnownName.objects.filter(staff=staff).values_list("part", flat=True))


def test_a_childs_family_and_family_members_names_are_kept_as_they_are_saved(staff):
    family = FamilyFactory(name="Greyley family")
    ChildFactory(first_name="Mary-Jane", last_name="O'Neill", family=family)
    FamilyMember.objects.create(family=family, name="Dorota Greyley", relationship="mother")
    assert {"mary-jane", "mary", "jane", "o'neill", "neill", "greyley", "dorota"} <= kept()


def test_a_parent_invited_is_kept_but_a_professional_is_not(staff):
    conference = ConferenceFactory(held_on=date(2025, 6, 2), chair=staff.iro)
    Invitation.objects.create(conference=conference, name="Tamsin Quarrie", role=InviteeRole.PARENT)
    Invitation.objects.create(conference=conference, name="Hollis Brack", role=InviteeRole.POLICE)
    assert {"tamsin", "quarrie"} <= kept()
    assert not {"hollis", "brack"} & (kept() | kept(staff=True))


def test_staff_names_are_kept_apart_and_a_sign_in_writes_nothing(staff):
    assert {"ivy", "coldharbour"} <= kept(staff=True)
    assert "coldharbour" not in kept()
    staff.iro.last_login = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        staff.iro.save(update_fields=["last_login"])
    assert not [q for q in ctx.captured_queries if "access_knownname" in q["sql"]]


def test_the_words_of_a_text_that_are_names_are_found_in_any_case_and_the_plural(staff):
    ChildFactory(first_name="Lily", last_name="Greyley")
    text = "LILY and the greyleys' dog met Ivy."
    assert known_among([text]) == {"lily", "greyley"}
    assert known_among([text], staff=True) == {"lily", "greyley", "ivy"}


def test_a_lookup_asks_for_each_word_once(staff):
    ChildFactory(first_name="Lily", last_name="Greyley")
    lookup = Lookup()
    with CaptureQueriesContext(connection) as ctx:
        lookup.prime(["Lily came.", "Greyley came."])
        assert lookup("lily came") == {"lily"}
        assert lookup("greyley came") == {"greyley"}
    assert len(ctx.captured_queries) == 1


def test_rebuilding_keeps_the_same_words_as_the_saves_did(staff):
    family = FamilyFactory(name="Greyley family")
    ChildFactory(first_name="Lily", last_name="Quarrie", family=family)
    before = (kept(), kept(staff=True))
    KnownName.objects.all().delete()
    assert known_names.rebuild() == len(before[0]) + len(before[1])
    assert (kept(), kept(staff=True)) == before
