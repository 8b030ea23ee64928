"""Forms of the journey pages. The caseload filters are a GET form: bad values are
reported and ignored, never a crash."""

from __future__ import annotations

from django import forms

from iro.access.scope import visible_to
from iro.journey.models import Category
from iro.journey.selectors import ANY, NO, YES, CaseloadFilters
from iro.people.models import Team
from iro.people.selectors import iros

UNKNOWN_CHOICE = "Choose one of the options in the list."

YES_NO_ANY = [(ANY, "Any"), (YES, "Yes"), (NO, "No")]


class CaseloadFilterForm(forms.Form):
    team = forms.ChoiceField(label="Team", required=False)
    chair = forms.ChoiceField(label="Chair", required=False)
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[(ANY, "Any"), *Category.choices],
    )
    on_plan = forms.ChoiceField(label="On a plan", required=False, choices=YES_NO_ANY)
    overdue = forms.ChoiceField(label="Overdue", required=False, choices=YES_NO_ANY)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # One query each: the choices are read once, not per option. The teams are those
        # of the children ``user`` may see (a social worker's own), not every team.
        teams = Team.objects.order_by("name")
        if user is not None:
            teams = teams.filter(pk__in=visible_to(user).values("team"))
        self.fields["team"].choices = [(ANY, "Any"), *teams.values_list("pk", "name")]
        self.fields["chair"].choices = [
            (ANY, "Any"),
            *((u.pk, str(u)) for u in iros().order_by("last_name", "first_name")),
        ]
        for f in self.fields.values():
            f.error_messages["invalid_choice"] = UNKNOWN_CHOICE

    def filters(self) -> CaseloadFilters:
        """The valid filters; a field with a bad value counts as "any"."""
        if not self.is_bound:
            return CaseloadFilters()
        self.is_valid()
        data = self.cleaned_data

        def as_int(name: str) -> int | None:
            value = data.get(name)
            return int(value) if value else None

        return CaseloadFilters(
            team_id=as_int("team"),
            chair_id=as_int("chair"),
            category=data.get("category") or ANY,
            on_plan=data.get("on_plan") or ANY,
            overdue=data.get("overdue") or ANY,
        )
