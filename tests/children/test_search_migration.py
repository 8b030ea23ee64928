"""The data migration makes the children recorded before the search findable."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from iro.children import migrations as children_migrations
from iro.children.models import Child, ChildSearchTerm
from iro.children.search import terms_for
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

# Found by name, not number: merges may renumber the migration.
_FILE = next(
    Path(children_migrations.__file__).parent.glob("*_index_existing_children_for_search.py")
)
migration = importlib.import_module(f"iro.children.migrations.{_FILE.stem}")


def test_existing_children_get_the_same_terms_the_services_write():
    family = FamilyFactory(name="Ó Súilleabháin family")
    child = Child.objects.create(la_child_id="OLD-1", first_name="Siobhán", family=family)
    assert not ChildSearchTerm.objects.exists()
    migration.index_children(apps, None)
    stored = set(ChildSearchTerm.objects.filter(child=child).values_list("term", "word_start"))
    assert stored == set(terms_for("Siobhán", "", "Ó Súilleabháin family"))
    assert ("suilleabhain", True) in stored


def test_the_migration_keeps_its_own_copy_of_the_folding():
    assert migration.terms_for("Zoë O'Brien") == terms_for("Zoë O'Brien")
