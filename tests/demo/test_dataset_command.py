"""``iro demo --dataset``: what it refuses, and what it prints."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from iro.children.models import Child
from iro.demo.datasets import BAD_DATASET
from iro.demo.management.commands.demo import BAD_SIZE, NOT_EMPTY, SCALE_WITH_DATASET
from iro.people.models import User
from tests.demo.conftest import TODAY
from tests.factories import ChildFactory

pytestmark = [pytest.mark.django_db]


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    return str(caught.value)


def test_it_refuses_a_dataset_it_does_not_know():
    assert refused("--dataset", "county") == BAD_DATASET.format(
        value="county", choices="regional or national"
    )
    assert not User.objects.exists()


def test_it_refuses_a_dataset_size_out_of_range():
    assert refused("--dataset", "regional", "--dataset-size", "2") == BAD_SIZE.format(value="2")


def test_it_refuses_a_dataset_with_a_scale():
    assert refused("--dataset", "regional", "--scale", "0.5") == SCALE_WITH_DATASET


def test_it_refuses_a_dataset_in_a_database_that_is_not_empty():
    ChildFactory()
    assert refused("--dataset", "regional") == NOT_EMPTY.format(what="1 children")
    assert Child.objects.count() == 1


def test_it_builds_a_small_dataset_and_prints_its_figures_and_the_logins():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        out = run("--dataset", "regional", "--dataset-size", "0.002", "--today", TODAY.isoformat())
    assert "Built the regional dataset" in out
    assert "10 authorities" in out
    assert "children on a plan at 31 March" in out
    assert "demo-iro" in out
