"""Forms of the journey pages. The caseload filters are a GET form: bad values are
reported and ignored, never a crash."""

from __future__ import annotations

from django import forms

from iro.access.scope import shows_names, visible_to
from iro.journey.models import Category
from iro.journey.selectors import ANY, NO, OPEN, YES, CaseloadFilters
from iro.people.models import Team, User
from iro.people.selectors import iros

UNKNOWN_CHOICE = "Choose one of the options in the list."

YES_NO_ANY = [(ANY, "Any"), (YES, "Yes"), (NO, "No")]


class CaseloadFilterForm(forms.Form):
    team = forms.ChoiceField(label="Team", required=False)
    chair = forms.ChoiceField(
        label="Chair",
        required=False,
        help_text="The chair of their latest conference, or of one booked for them. (The "
        "reports' IRO loads count the latest conference's chair only.)",
    )
    social_worker = forms.ChoiceField(label="Social worker", required=False)
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[(ANY, "Any"), *Category.choices],
    )
    on_plan = forms.ChoiceField(
        label="On a plan",
        required=False,
        choices=[*YES_NO_ANY, (OPEN, "On a plan or waiting for a first conference")],
    )
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
        # The social workers of the children ``user`` may see, theirs marked: a social
        # worker's own children among the team's. Not for a role that sees no names.
        if user is not None and shows_names(user):
            workers = User.objects.filter(pk__in=visible_to(user).values("social_worker")).order_by(
                "last_name", "first_name"
            )
            self.fields["social_worker"].choices = [
                (ANY, "Any"),
                *((u.pk, f"{u} (you)" if u.pk == user.pk else str(u)) for u in workers),
            ]
        else:
            del self.fields["social_worker"]
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
            social_worker_id=as_int("social_worker"),
            category=data.get("category") or ANY,
            on_plan=data.get("on_plan") or ANY,
            overdue=data.get("overdue") or ANY,
        )
