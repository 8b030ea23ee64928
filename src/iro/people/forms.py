"""The form of the IROs' leave page."""

from __future__ import annotations

from django import forms

from iro.journey.conference_forms import GovDateField, date_example_ahead
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
        help_text=date_example_ahead(17, 8),
    )
    end_date = GovDateField(
        what="the last day away",
        label="Last day away",
        help_text=date_example_ahead(21, 8),
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        help_text="For example, annual leave or training. Others booking chairs see it.",
    )


KEEP = "Keep with {person} for now"
NOT_OFFERED = "Select one of the IROs offered for this conference."


class CoverForm(forms.Form):
    """For each conference of one IRO's being moved (``covers``, from
    ``journey.chairs.cover_for``): who chairs it now, from those offered, or nobody new
    (kept with ``person``); and the version the page showed."""

    # ``must_move(conference)``: whether ``person`` cannot chair it themselves.

    def __init__(self, *args, covers, person, must_move=lambda conference: True, **kwargs):
        super().__init__(*args, **kwargs)
        self.covers = covers
        for cover in covers:
            conference = cover.conference
            key = conference.public_id.hex
            self.fields[f"chair-{key}"] = forms.ChoiceField(
                label=f"New chair for the conference {conference.when_words()}",
                required=False,
                choices=[("", KEEP.format(person=person))]
                + [(str(c.chair.pk), f"{c.chair}: {c.hint}") for c in cover.choices],
                # The suggestion to start with where ``person`` cannot chair it (gone, or
                # away that day); kept with them otherwise, until someone is chosen.
                initial=str(cover.suggested.pk)
                if cover.suggested and must_move(conference)
                else "",
                error_messages={"invalid_choice": NOT_OFFERED},
            )
            self.fields[f"version-{key}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=conference.version, required=False
            )

    def rows(self):
        """Each cover with its bound choice and version, in the page's order."""
        return [
            (
                c,
                self[f"chair-{c.conference.public_id.hex}"],
                self[f"version-{c.conference.public_id.hex}"],
            )
            for c in self.covers
        ]

    def moves(self):
        """``(conference, chair, version)`` for each conference given a new chair."""
        moves = []
        for cover in self.covers:
            key = cover.conference.public_id.hex
            chosen = self.cleaned_data[f"chair-{key}"]
            if chosen:
                chair = next(c.chair for c in cover.choices if str(c.chair.pk) == chosen)
                moves.append((cover.conference, chair, self.cleaned_data[f"version-{key}"]))
        return moves


class OwnAddressForm(forms.Form):
    """The owner's new email address, with their password asked again."""

    email = forms.EmailField(
        label="New email address",
        max_length=254,
        help_text="Your work address. Password links and iro's emails go to it.",
        error_messages={
            "required": "Enter your new email address.",
            "invalid": "Enter an email address like name@example.gov.uk.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="To show it is you.",
        error_messages={"required": "Enter your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
