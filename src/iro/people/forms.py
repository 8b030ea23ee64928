"""The form of the IROs' leave page."""

from __future__ import annotations

from django import forms

from iro.journey.conference_forms import GovDateField, date_example
from iro.people.selectors import iros

CHOOSE_IRO = "Select the IRO who will be away."


class LeaveForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=iros().order_by("last_name", "first_name"),
        label="Who will be away?",
        empty_label="Select an IRO",
        error_messages={"required": CHOOSE_IRO, "invalid_choice": CHOOSE_IRO},
    )
    start_date = GovDateField(
        what="the first day away",
        label="First day away",
        help_text=date_example(2026, day=17, month=8),
    )
    end_date = GovDateField(
        what="the last day away",
        label="Last day away",
        help_text=date_example(2026, day=21, month=8),
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        help_text="For example, annual leave or training. Others booking chairs see it.",
    )
