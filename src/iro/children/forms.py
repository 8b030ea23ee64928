"""Forms for adding children, the adults of their family and referrals.

They parse and check the shape of input; the rules (a new LA child ID, possible
duplicates, who may be allocated) are the services', whose errors
``apply_service_errors`` puts back on the fields.
"""

from __future__ import annotations

from datetime import date

from django import forms

from iro import text_limits
from iro.children.models import Disability, Ethnicity, Relationship, Sex
from iro.journey.checks import today
from iro.journey.conference_forms import (
    CHOOSE_ONE,
    GovDateField,
    date_example,
    date_example_ahead,
)
from iro.journey.models import PrimaryNeed, ReferralSource

BORN = "born"
UNBORN = "unborn"
BIRTH_DATE_REQUIRED = "Enter the date of birth."
EXPECTED_DATE_REQUIRED = "Enter the expected date of birth."
LAST_NAME_REQUIRED = "Enter the child's last name."
BORN_REQUIRED = "Select whether the child has been born."
UPN_SHAPE = "A UPN is 13 characters: a letter, then 11 digits, then a digit or letter."
SOURCE_REQUIRED = "Select where the referral came from."
NEED_REQUIRED = "Select the child's primary need."
LANGUAGE_REQUIRED = "Enter the preferred language."
EMAIL_INVALID = "Enter an email address like name@example.org."
NO_DISABILITY_AND_ONE = "Tick ‘No disability’, or the child’s disabilities, not both."
ADULT_BIRTH_DATE = (
    "The date of birth makes them 18 or older: child protection is for children. Check the year."
)
# A baby is born by two weeks after the day expected, or labour is induced.
UNBORN_OVERDUE_DAYS = 30
EXPECTED_DATE_GONE = (
    "The expected date of birth is more than a month ago: if the baby has been born, "
    "choose Yes and give their date of birth."
)


def _years(born_on: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day))


class ReferralFields(forms.Form):
    referral_source = forms.ChoiceField(
        label="Where did the referral come from?",
        choices=[("", "Select the source"), *ReferralSource.choices],
        error_messages={"required": SOURCE_REQUIRED, "invalid_choice": CHOOSE_ONE},
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Select the need"), *PrimaryNeed.choices],
        error_messages={"required": NEED_REQUIRED, "invalid_choice": CHOOSE_ONE},
    )


# A referral dated longer ago than this is asked about once: most are a slip of the year,
# and a referral recorded wrongly can only be voided by the IRO service manager.
OLD_REFERRAL_DAYS = 183
OLD_REFERRAL = (
    "The referral is dated {day:%-d %B %Y}, more than 6 months ago: check the year. If the "
    "date is right, tick ‘The date is right’ and save again."
)


class OldReferralCheck(forms.Form):
    """A referral date more than 6 months ago is refused until confirmed."""

    referral_date_confirmed = forms.BooleanField(
        label="The date is right: the referral was made then", required=False
    )
    asked_about_referral_date = False  # the template shows the tick box once asked

    def _post_clean(self):
        # After every other check (the form's own ``clean`` reads the date first).
        super()._post_clean()
        data = self.cleaned_data
        day = data.get("referral_date")
        if (
            day
            and (today() - day).days > OLD_REFERRAL_DAYS
            and not data.get("referral_date_confirmed")
            and "referral_date" not in self.errors
        ):
            self.add_error("referral_date", OLD_REFERRAL.format(day=day))
            self.asked_about_referral_date = True
        elif data.get("referral_date_confirmed"):
            self.asked_about_referral_date = True  # keep the tick box shown


class ReferralForm(OldReferralCheck, ReferralFields):
    referral_date = GovDateField(
        what="the date of the referral",
        label="Date of the referral",
        help_text=date_example(2025),
    )
    field_order = ["referral_date", "referral_source", "primary_need"]


def _language_field() -> forms.CharField:
    """A child's or an adult's preferred language, as both forms ask it."""
    return forms.CharField(
        label="Preferred language",
        max_length=60,
        initial="English",
        error_messages={"required": LANGUAGE_REQUIRED},
    )


class ChildIdentityFields(forms.Form):
    """Who the child is, as adding a child and correcting their details both ask it."""

    first_name = forms.CharField(
        label="First name", max_length=80, required=False, help_text="Leave blank if not known."
    )
    last_name = forms.CharField(
        label="Last name", max_length=80, error_messages={"required": LAST_NAME_REQUIRED}
    )
    born = forms.ChoiceField(
        label="Has the child been born?",
        choices=[(BORN, "Yes"), (UNBORN, "No, an unborn baby")],
        widget=forms.RadioSelect,
        error_messages={"required": BORN_REQUIRED, "invalid_choice": CHOOSE_ONE},
    )
    date_of_birth = GovDateField(
        what="the date of birth",
        label="Date of birth",
        required=False,
        help_text=date_example(2015),
    )
    expected_date_of_birth = GovDateField(
        what="the expected date of birth",
        label="Expected date of birth (unborn baby)",
        required=False,
        help_text=date_example_ahead(27, 3),
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN)
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        initial=Ethnicity.NOBT,
        help_text="As the child or their family describe it.",
        error_messages={"invalid_choice": CHOOSE_ONE},
    )
    # The disabilities first, then 'No disability', as the census lists them apart.
    disabilities = forms.MultipleChoiceField(
        label="Disability",
        choices=[*[c for c in Disability.choices if c[0] != Disability.NONE],
                 (Disability.NONE, Disability.NONE.label)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick each that applies, or ‘No disability’. The Children in Need census "
        "asks for one or the other for a child who has been born.",
        error_messages={"invalid_choice": CHOOSE_ONE},
    )  # fmt: skip
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=13,
        required=False,
        help_text="Leave blank if the child has none yet.",
    )
    preferred_language = _language_field()
    team = forms.ChoiceField(label="Social work team", required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        team_field.choices = [("", "Not allocated"), *((str(t.pk), t.name) for t in teams)]
        team_field.error_messages["invalid_choice"] = CHOOSE_ONE

    def clean_disabilities(self) -> list[str]:
        codes = self.cleaned_data["disabilities"]
        if Disability.NONE in codes and len(codes) > 1:
            raise forms.ValidationError(NO_DISABILITY_AND_ONE)
        return codes

    def clean_upn(self) -> str:
        upn = self.cleaned_data["upn"].strip().upper()
        if upn and (len(upn) != 13 or not upn[0].isalpha() or not upn[1:12].isdigit()):
            raise forms.ValidationError(UPN_SHAPE)
        return upn

    def clean(self):
        data = super().clean()
        born = data.get("born")
        for when, field, message in (
            (BORN, "date_of_birth", BIRTH_DATE_REQUIRED),
            (UNBORN, "expected_date_of_birth", EXPECTED_DATE_REQUIRED),
        ):
            if born == when and not data.get(field) and field not in self.errors:
                self.add_error(field, message)
        if data.get("born") == BORN:
            data["expected_date_of_birth"] = None
        elif data.get("born") == UNBORN:
            data["date_of_birth"] = None
        return data


class ChildForm(OldReferralCheck, ReferralFields, ChildIdentityFields):
    """A new child (or unborn baby), optionally with the referral that brings them."""

    la_child_id = forms.CharField(
        label="LA child ID",
        max_length=40,
        help_text="The child's ID in the case management system.",
        error_messages={"required": "Enter the LA child ID."},
    )
    family_name = forms.CharField(
        label="Family name (optional)",
        max_length=160,
        required=False,
        help_text="For example, the Okafor family. Brothers and sisters added later join it.",
    )
    referral_date = GovDateField(
        what="the date of the referral",
        label="Date of the referral (optional)",
        required=False,
        help_text=f"A referral opens a Child in Need episode. {date_example(2025)}",
    )
    different_child = forms.BooleanField(
        label="I have checked: this is a different child from those listed", required=False
    )

    field_order = [
        "la_child_id",
        "first_name",
        "last_name",
        "born",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "ethnicity",
        "disabilities",
        "upn",
        "preferred_language",
        "team",
        "family_name",
        "referral_date",
        "referral_source",
        "primary_need",
        "different_child",
    ]

    def __init__(self, *args, teams=(), sibling_family: bool = False, **kwargs):
        super().__init__(*args, teams=teams, **kwargs)
        if sibling_family:
            del self.fields["family_name"]
        # The referral is optional here: its source and need only with a date.
        self.fields["referral_source"].required = False
        self.fields["primary_need"].required = False

    def clean(self):
        data = super().clean()
        # A new child: a date that would make them an adult, or a baby still unborn long
        # after the day expected, is a typo (recorded children may be both by now).
        day = today()
        born_on, expected = data.get("date_of_birth"), data.get("expected_date_of_birth")
        if born_on and "date_of_birth" not in self.errors and _years(born_on, day) >= 18:
            self.add_error("date_of_birth", ADULT_BIRTH_DATE)
        if (
            expected
            and "expected_date_of_birth" not in self.errors
            and ((day - expected).days > UNBORN_OVERDUE_DAYS)
        ):
            self.add_error("expected_date_of_birth", EXPECTED_DATE_GONE)
        if data.get("referral_date"):
            if not data.get("referral_source") and "referral_source" not in self.errors:
                self.add_error("referral_source", SOURCE_REQUIRED)
            if not data.get("primary_need") and "primary_need" not in self.errors:
                self.add_error("primary_need", NEED_REQUIRED)
        return data


class ChildDetailsForm(ChildIdentityFields):
    """Correct a child's details (the LA child ID too, typed wrongly, with a reason), and
    allocate them to a team and a social worker (``children.services.update_child``)."""

    la_child_id = forms.CharField(
        label="LA child ID",
        max_length=40,
        help_text="The child's ID in the case management system. Change it only if it was "
        "typed wrongly: say why below.",
        error_messages={"required": "Enter the LA child ID."},
    )
    social_worker = forms.ChoiceField(label="Social worker", required=False)
    reason = forms.CharField(
        label="Why are the details changing? (optional unless the LA child ID changes)",
        required=False,
        help_text="For example: the date of birth was typed wrongly. Kept in the history.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, teams=(), workers=(), **kwargs):
        super().__init__(*args, teams=teams, **kwargs)
        field = self.fields["social_worker"]
        field.choices = [("", "Not allocated"), *((str(u.pk), str(u)) for u in workers)]
        field.error_messages["invalid_choice"] = CHOOSE_ONE
        self.order_fields(["la_child_id"])

    def clean_la_child_id(self) -> str:
        return self.cleaned_data["la_child_id"].strip()


class FamilyMemberForm(forms.Form):
    name = forms.CharField(
        label="Full name", max_length=160, error_messages={"required": "Enter the adult's name."}
    )
    relationship = forms.ChoiceField(
        label="Relationship to the children",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how they are related to the children.",
            "invalid_choice": CHOOSE_ONE,
        },
    )
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    email = forms.EmailField(
        label="Email (optional)", required=False, error_messages={"invalid": EMAIL_INVALID}
    )
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.ADDRESS)],
    )
    preferred_language = _language_field()
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    contact_withheld = forms.BooleanField(
        label="Keep their address and contact details from the rest of the family",
        required=False,
        help_text="For example, after domestic abuse. Letters and documents never give one "
        "adult's details to another; this warns everyone who reads, copies or changes them.",
    )


class FamilyMemberChangeForm(FamilyMemberForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why are the details changing? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: moved house, or the name was misspelt. It is kept with the "
        "change, listed below the form.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )


class RemoveAdultForm(forms.Form):
    reason = forms.CharField(
        label="Why are they being taken off the family?",
        required=False,  # the service's message says what is missing
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: added to the wrong family. The reason is kept in the history.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )


SIBLING_FAMILY = "sibling"
OWN_FAMILY = "own"
WHERE_REQUIRED = "Select which family the child belongs to."
SIBLING_ID_REQUIRED = "Enter the LA child ID of a brother or sister already recorded."


class MoveFamilyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    where = forms.ChoiceField(
        label="Which family does the child belong to?",
        choices=[
            (SIBLING_FAMILY, "The family of a brother or sister already recorded"),
            (OWN_FAMILY, "A family of their own (no brothers or sisters recorded yet)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": WHERE_REQUIRED, "invalid_choice": CHOOSE_ONE},
    )
    sibling = forms.CharField(
        label="The brother's or sister's LA child ID",
        max_length=40,
        required=False,
        help_text="As on their page, for example NM000123.",
    )
    reason = forms.CharField(
        label="Why is the child moving family?",
        required=False,  # the service's message says what is missing
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: added to the wrong family. The reason is kept in the history.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )

    def clean(self):
        data = super().clean()
        if data.get("where") == SIBLING_FAMILY and not (data.get("sibling") or "").strip():
            self.add_error("sibling", SIBLING_ID_REQUIRED)
        return data
