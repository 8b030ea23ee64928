"""Forms of the plan pages: outcomes, actions (and their review), the core group.

The family-facing words (outcomes, what needs to happen) are checked for plain
language while they are written; see ``iro.documents.plain_language``.
"""

from __future__ import annotations

from django import forms

from iro import text_limits
from iro.journey.checks import VERSION_MISSING, today
from iro.journey.conference_forms import (
    CHOOSE_ONE,
    EMAIL_INVALID,
    AllAtOnce,
    GovDateField,
    VersionedForm,
    _agency_field,
    _radios,
    date_example_ahead,
)
from iro.journey.models import ActionStatus, InviteeRole
from iro.journey.plan_services import MEMBER_NAME_REQUIRED, MEMBER_ROLE_REQUIRED

SIBLINGS_HINT = "Each child's copy can then be changed on its own."
BY_WHEN_GONE_BY = (
    "The date it needs to happen by has gone by: the action would be overdue from the start. "
    "Enter today or a later date."
)


class SiblingsMixin:
    """A new outcome or action for a sibling group is written once: ``siblings`` lists
    the other children's open plans ([(public id, name)]), all ticked at first."""

    def add_siblings_field(self, siblings, what: str) -> None:
        if not siblings:
            return
        choices = [(str(public_id), name) for public_id, name in siblings]
        self.fields["siblings"] = forms.MultipleChoiceField(
            label=f"Add the same {what} to the plans of",
            choices=choices,
            initial=[value for value, _ in choices],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=SIBLINGS_HINT,
            error_messages={"invalid_choice": CHOOSE_ONE},
        )

    def chosen_siblings(self) -> set[str]:
        return set(self.cleaned_data.get("siblings") or ())


class OutcomeForm(SiblingsMixin, VersionedForm):
    text = forms.CharField(
        label="What needs to be different for the child?",
        help_text="Write it as you would say it to the family.",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.OUTCOME)],
    )

    def __init__(self, *args, siblings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_siblings_field(siblings, "outcome")


class ActionProgressForm(VersionedForm):
    """How an action is going, between conferences."""

    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    progress = forms.CharField(
        label="Progress",
        help_text="What has happened since the plan was made, in words the family will follow.",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.PLAN_ITEM)],
    )


class ActionForm(SiblingsMixin, VersionedForm):
    what = forms.CharField(
        label="What needs to happen?",
        help_text="Write it as you would say it to the family.",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.ACTION)],
    )
    who = forms.CharField(
        label="Who will do it?",
        required=False,
        validators=[text_limits.MaxChars(text_limits.NAME)],
        help_text="For example, Mum",
    )
    agency = _agency_field()
    by_when = GovDateField(
        what="the date it needs to happen by",
        label="By when?",
        required=False,
        help_text=date_example_ahead(27, 3),
    )
    outcome = forms.ChoiceField(label="Which outcome does it help?", required=False)
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, initial=ActionStatus.NOT_STARTED
    )
    progress = forms.CharField(
        label="Progress (optional)",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.PLAN_ITEM)],
    )

    def __init__(self, *args, outcomes=(), editing: bool = False, siblings=(), **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        self.add_siblings_field(siblings, "action")
        self.fields["outcome"].choices = [("", "Not linked to an outcome")] + [
            (str(o.pk), o.text[:80]) for o in outcomes
        ]
        self.fields["outcome"].error_messages["invalid_choice"] = CHOOSE_ONE
        self.editing = editing
        if not editing:
            del self.fields["status"]
            del self.fields["progress"]

    def clean_by_when(self):
        """A new action, or a date changed, must not be due already (an action past its
        date keeps it when only its words or status change)."""
        by_when = self.cleaned_data.get("by_when")
        if by_when and by_when < today() and (not self.editing or "by_when" in self.changed_data):
            raise forms.ValidationError(BY_WHEN_GONE_BY)
        return by_when


class ReviewActionsForm(forms.Form):
    """Each action's status and progress at a review: ``status_<pk>``, ``progress_<pk>``
    and the hidden ``version_<pk>``."""

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"status_{action.pk}"] = _radios(
                ActionStatus.choices, label=action.what, initial=action.status
            )
            self.fields[f"progress_{action.pk}"] = forms.CharField(
                label="Progress",
                required=False,
                widget=forms.Textarea,
                initial=action.progress,
                validators=[text_limits.MaxChars(text_limits.PLAN_ITEM)],
            )
            self.fields[f"version_{action.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=action.version, required=False
            )

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(f"version_{a.pk}") is None for a in self.actions):
            raise forms.ValidationError(VERSION_MISSING, code="stale")
        return cleaned

    def rows(self):
        return [
            (a, self[f"status_{a.pk}"], self[f"progress_{a.pk}"], self[f"version_{a.pk}"])
            for a in self.actions
        ]


class CoreGroupForm(AllAtOnce, forms.Form):
    # Every missing answer on the first try, the email's or the date's error beside them.
    service_requires = {"name": MEMBER_NAME_REQUIRED, "role": MEMBER_ROLE_REQUIRED}

    name = forms.CharField(
        label="Name", required=False, validators=[text_limits.MaxChars(text_limits.NAME)]
    )
    role = forms.ChoiceField(
        label="Role", choices=[("", "Select a role"), *InviteeRole.choices], required=False
    )
    agency = _agency_field()
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": EMAIL_INVALID},
    )
    joined_on = GovDateField(what="the date they joined", label="Joined the core group on")


class LeaveCoreGroupForm(forms.Form):
    left_on = GovDateField(what="the date they left", label="Left the core group on")
