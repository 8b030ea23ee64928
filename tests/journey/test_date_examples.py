"""Every date input's example reads one way only: its day is above 12, so "27 3 2024" cannot
be taken for a month first, as "8 7 2024" could (8 July, or 7 August?)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms

import iro
from iro.journey.conference_forms import GovDateField, date_example

EXAMPLE = re.compile(r"\b(\d{1,2}) (\d{1,2}) (\d{4})\b")


def form_modules() -> list[str]:
    """Every module of forms in the project: ``forms`` or ``*_forms``."""
    return [
        m.name
        for m in pkgutil.walk_packages(iro.__path__, "iro.")
        if m.name.rsplit(".", 1)[-1] == "forms" or m.name.endswith("_forms")
    ]


def date_hints() -> list[tuple[str, str]]:
    """(form.field, help text) of every date input of every form that gives an example."""
    found = []
    for name in form_modules():
        module = importlib.import_module(name)
        for form_name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != name:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, GovDateField) and EXAMPLE.search(str(field.help_text)):
                    found.append((f"{form_name}.{field_name}", str(field.help_text)))
    return found


def test_the_forms_give_date_examples_to_check():
    # The search finds the hints (a change of pattern would pass the next test emptily).
    assert len(date_hints()) >= 15


def test_every_date_example_has_a_day_above_12():
    ambiguous = [
        (where, hint)
        for where, hint in date_hints()
        for day, month, _ in EXAMPLE.findall(hint)
        if int(day) <= 12 or not 1 <= int(month) <= 12
    ]
    assert ambiguous == []


def test_a_date_example_is_day_month_year_with_the_day_above_12():
    assert date_example(2024) == "For example, 27 3 2024"
    assert date_example(2026, day=17, month=8) == "For example, 17 8 2026"
    with pytest.raises(ValueError, match="above 12"):
        date_example(2024, day=8, month=7)


def test_a_date_to_come_is_given_an_example_in_next_year_worked_out_on_the_day():
    import time_machine

    from iro.journey.conference_forms import WhenWhereMixin
    from iro.journey.plan_forms import ActionForm
    from iro.people.forms import LeaveForm

    hints = (
        WhenWhereMixin.base_fields["scheduled_date"].help_text,
        ActionForm.base_fields["by_when"].help_text,
        LeaveForm.base_fields["start_date"].help_text,
    )
    with time_machine.travel("2026-12-07", tick=False):
        assert [str(h) for h in hints] == [
            "For example, 27 3 2027", "For example, 27 3 2027", "For example, 17 8 2027"
        ]  # fmt: skip
    with time_machine.travel("2031-05-01", tick=False):
        assert str(hints[0]) == "For example, 27 3 2032"
