"""The restricted-record form: restricted or not, and who is on the list."""

from __future__ import annotations

from django import forms

from iro.access.capabilities import Capability, has_capability
from iro.people.models import User


def eligible_users():
    """Active staff whose role includes children's records (only they can be named)."""
    users = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    return [u for u in users if has_capability(u, Capability.VIEW_CHILDREN)]


class RestrictionForm(forms.Form):
    restricted = forms.BooleanField(
        label="Restrict this record to the people named below",
        required=False,
        help_text="Nobody else will see the child in any list, search or page. Reports still "
        "count them, and statutory returns still include them by LA child ID.",
    )
    allowed_users = forms.MultipleChoiceField(
        label="Who may see it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Name everyone who works with the child: their social worker, team manager "
        "and chair too. Being on the list is the only way in.",
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        self.fields["allowed_users"].choices = [
            (str(u.pk), f"{u} ({u.get_role_display()})") for u in users
        ]

    def chosen_users(self) -> list[User]:
        return [self.users[pk] for pk in self.cleaned_data["allowed_users"]]
