"""The form of the IROs' leave page."""

from __future__ import annotations

from django import forms

from iro.journey.conference_forms import GovDateField
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
        what="the first day away", label="First day away", help_text="For example, 3 8 2026"
    )
    end_date = GovDateField(
        what="the last day away", label="Last day away", help_text="For example, 7 8 2026"
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        help_text="For example, annual leave or training. Others booking chairs see it.",
    )
