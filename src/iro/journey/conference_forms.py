"""Forms of the conference pages: strategy discussion to recording the conference.

Forms only parse and check the shape of input (a real date, a number from 0 to 10);
the rules of the journey are the services', whose ``ValidationError``s are put back
on the form's fields by ``apply_service_errors`` so each message shows against its
field and in the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme

from iro import text_limits, timescales
from iro.journey.checks import (
    DATE_IN_FUTURE,
    DATE_TOO_EARLY,
    VERSION_MISSING,
    not_in_future,
    today,
)
from iro.journey.models import (
    CancellationReason,
    Category,
    ChildAttendance,
    ConferenceKind,
    Decision,
    InviteeAttendance,
    InviteeRole,
    LateDecision,
    LatenessReason,
    PlanEndReason,
    ReferralSource,
)
from iro.journey.services import (
    CANCELLATION_REASON_REQUIRED,
    LATE_DECISION_REQUIRED,
    TAKE_OFF_THE_LIST,
    Recommendation,
)
from iro.people.models import Agency
from iro.people.selectors import closure_days

DATE_REQUIRED = "Enter {what}."
DATE_INCOMPLETE = "{What} must include a {part}."
DATE_NOT_REAL = "{What} must be a real date, for example 27 3 2024."
# "24" for 2024: the GOV.UK pattern's own message, not "not a real date".
DATE_YEAR_DIGITS = "{What} must have a year of 4 numbers, for example 2024, not {year}."
TIME_INVALID = "Enter the time as hours and minutes, for example 10:00 or 14:30."
TIME_REQUIRED = "Enter the start time, for example 10:00 or 14:30: the invitations give it."
URL_INVALID = "Enter the full link for joining online, starting with https://"
EMAIL_INVALID = "Enter an email address like name@example.org."
CHOOSE_ONE = "Select one of the options."
CHOOSE_CHILDREN = "Select the children the conference is for."
CHOOSE_CHILDREN_TO_ADD = "Select the brothers or sisters to add to the conference."
SIBLING_NO_LONGER_WAITING = (
    "A brother or sister ticked no longer waits for a conference to be requested (it was "
    "recorded since this page opened): check who is listed now and save again."
)
CONFIRM_REASON_REQUIRED = "Enter why the conference is booked on this date anyway."
VENUE_OR_LINK = "Enter a venue, a link for joining online, or both."
HELD_NOT_AS_BOOKED = (
    "The conference was booked for {booked}, not {held}{day}. Correct the date held, or "
    "confirm that it was held on {held}."
)
DECISION_REQUIRED = "Select the decision for this child."
CHILD_DECISION_REQUIRED = "Select the decision for {name}."
SCALING_RANGE = "The scaling judgement must be a whole number from 0 to 10."
REFERRAL_DATE_NEEDED = (
    "{name} has no open Child in Need episode: enter the date of the referral that opens one."
)
ICPC_DECISION_REQUIRED = "Select whether an initial conference is needed."
REQUESTED_ON_REQUIRED = "Enter the date the initial conference was requested."
OTHER_DETAIL = "Describe the other reason the conference is late."
DURATION_INVALID = "Enter the length as a whole number of minutes, for example 90."


# ------------------------------------------------------------ GOV.UK date input


def _example_ahead(day: int, month: int) -> str:
    return date_example(today().year + 1, day=day, month=month)


# A date to come (a booking, a plan action's "by when", leave): its example is next year's,
# worked out when the page is drawn, so it never shows a day gone by.
date_example_ahead = lazy(_example_ahead, str)


def date_example(year: int, *, day: int = 27, month: int = 3) -> str:
    """A date input's hint: "For example, 27 3 2024". The day is above 12, so the
    example reads one way only ("8 7 2024" could be 8 July or 7 August). Every date
    input's example comes from here."""
    if day <= 12:
        raise ValueError(f"An example date's day must be above 12, not {day}.")
    date(year, month, day)  # a real date
    return f"For example, {day} {month} {year}"


class GovDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes named ``<name>_day`` etc."""

    def __init__(self, attrs=None):
        widgets = {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovDateField(forms.MultiValueField):
    """A date entered as day, month and year, with GOV.UK's error messages.

    ``what`` names the date in messages: "the date of the strategy discussion".
    """

    widget = GovDateWidget

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        parts = (forms.CharField(required=False),) * 3
        super().__init__(
            fields=parts,
            require_all_fields=False,
            error_messages={"required": DATE_REQUIRED.format(what=what)},
            **kwargs,
        )

    @property
    def what_capitalised(self) -> str:
        """``what`` starting a sentence: "The date of the strategy discussion"."""
        return self.what[0].upper() + self.what[1:]

    def compress(self, data_list):
        if not data_list or not any(v.strip() for v in data_list if v):
            return None
        day, month, year = (v.strip() if v else "" for v in data_list)
        what = self.what_capitalised
        for part, value in (("day", day), ("month", month), ("year", year)):
            if not value:
                raise ValidationError(DATE_INCOMPLETE.format(What=what, part=part))
        if year.isdigit() and len(year) != 4:
            raise ValidationError(DATE_YEAR_DIGITS.format(What=what, year=year))
        try:
            if len(year) != 4:
                raise ValueError
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(DATE_NOT_REAL.format(What=what)) from None


def field_anchor(field: forms.BoundField) -> str:
    """The id the error summary links to: the day box of a date, else the control."""
    if isinstance(field.field.widget, GovDateWidget):
        return f"{field.auto_id}_day"
    return field.auto_id


def error_summary(*forms_: forms.Form | None) -> list[tuple[str, str]]:
    """[(anchor, message)] for the GOV.UK error summary, in page order."""
    items: list[tuple[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        first = next((f for f in form.visible_fields()), None)
        for message in form.non_field_errors():
            items.append((field_anchor(first) if first else "main-content", message))
        for field in form.visible_fields():
            items.extend(
                (field_anchor(field), text_limits.naming(message, field.label))
                for message in field.errors
            )
    return items


def wording_only(*forms_: forms.Form) -> None:
    """Show ``forms_`` as typed without validating them: "Check the wording" checks the
    words, it is not a save, so a missing date or decision is not an error yet."""
    for form in forms_:
        # Django validates on the first read of ``errors``; an empty ErrorDict is
        # what a form that has been cleaned without findings holds.
        form._errors = ErrorDict()


def came_from(request) -> str:
    """The page a work queue or another form sent the user from (``?next=``), to go back
    to once saved: a path on this site only, never another's address."""
    url = request.GET.get("next", "")
    if (
        url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(url, None)
    ):
        return url
    return ""


def apply_service_errors(
    form: forms.Form, error: ValidationError, *, aliases: dict[str, str] | None = None
) -> bool:
    """Put a service's ``ValidationError`` on ``form``: each message on the field of
    the same name (or its alias), the rest on the whole form. True if it was the
    stale-record refusal."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return any(getattr(e, "code", None) == "stale" for e in error.error_list)
    for name, errors in error.error_dict.items():
        target = aliases.get(name, name)
        if target in form.fields:
            form.add_error(target, naming_the_date(form.fields[target], errors, among=form))
        else:
            form.add_error(None, errors)
    return False


def naming_the_date(field: forms.Field, errors: list, *, among: forms.Form | None = None) -> list:
    """A service's "The date cannot be in the future." (or "... before 1 January 1990.")
    said of the date it is about ("The date of the strategy discussion cannot be in the
    future."), so a form with two dates says which one, in its error summary too. On a
    form (``among``) with more than one date, every message about "The date" is named
    (the social work report's two dates, each "more than 3 months before" it)."""
    if not isinstance(field, GovDateField):
        return errors
    generic = "The date "
    dates = among is not None and sum(isinstance(f, GovDateField) for f in among.fields.values())

    def named(text: str) -> bool:
        if text.lower().startswith(field.what.lower() + " "):  # already says which date
            return False
        return text in (DATE_IN_FUTURE, DATE_TOO_EARLY) or (dates > 1 and text.startswith(generic))

    return [
        field.what_capitalised + " " + str(getattr(e, "message", e)).removeprefix(generic)
        if named(str(getattr(e, "message", e)))
        else e
        for e in (errors.error_list if isinstance(errors, ValidationError) else errors)
    ]


def _radios(choices, **kwargs) -> forms.ChoiceField:
    field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **kwargs)
    field.error_messages["required"] = kwargs.get("error_messages", {}).get("required", CHOOSE_ONE)
    field.error_messages["invalid_choice"] = CHOOSE_ONE
    return field


def _time_field(**kwargs) -> forms.TimeField:
    return forms.TimeField(
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={"invalid": TIME_INVALID, "required": TIME_REQUIRED},
        widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}),
        **kwargs,
    )


def _agency_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Agency (optional)",
        empty_label="Not from an agency",
        error_messages={"invalid_choice": CHOOSE_ONE},
    )


class AllAtOnce:
    """A form some of whose answers only its service requires (``service_requires``:
    field, the service's message). When the form is refused for something else the
    service is not asked, so those messages are given here too: every missing answer
    shows on the first try, never one round at a time, and still only once."""

    service_requires: dict[str, str] = {}

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.errors:
            return  # the service is asked, and says what is missing
        for field, message in self.service_requires.items():
            if field in self.errors:
                continue
            value = self.cleaned_data.get(field)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.add_error(field, message)


class VersionedForm(forms.Form):
    """A form editing a record: the version the editor saw travels with it, and a form
    sent without it is refused (it could overwrite someone else's change unseen).
    ``editing=False`` for a form that creates the record."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, editing: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.editing and self.cleaned_data.get("version") is None:
            # On the whole form: the field is hidden, so the error summary shows this.
            self.add_error(None, ValidationError(VERSION_MISSING, code="stale"))


# ------------------------------------------------------- strategy discussion, S47


class StrategyDiscussionForm(forms.Form):
    held_on = GovDateField(
        what="the date of the strategy discussion",
        label="When was the strategy discussion?",
        help_text=date_example(2024),
    )
    start_section47 = forms.TypedChoiceField(
        label="Did it decide to start a Section 47 enquiry?",
        choices=[
            ("yes", "Yes: the Section 47 enquiry starts on the day of the discussion"),
            ("no", "No"),
        ],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select whether a Section 47 enquiry was started."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.NOTE)],
    )
    also_for = forms.MultipleChoiceField(
        label="Record the same discussion for brothers and sisters",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each child has their own enquiry and timescale.",
    )
    referral_date = GovDateField(
        what="the referral date",
        label="Referral date",
        required=False,
        help_text="Only for a child with no open Child in Need episode: the referral opens one.",
    )
    referral_source = forms.ChoiceField(
        label="Referral source (optional)",
        required=False,
        choices=[("", "Not known"), *ReferralSource.choices],
    )

    def __init__(self, *args, siblings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["also_for"].choices = [(str(c.public_id), name) for c, name in siblings]
        if not siblings:
            del self.fields["also_for"]


class IcpcDecisionForm(forms.Form):
    REQUEST = "request"
    NOT_REQUIRED = "not_required"

    decision = _radios(
        [
            (REQUEST, "Yes: request an initial child protection conference"),
            (NOT_REQUIRED, "No: the enquiry found no need for a conference"),
        ],
        label="Is an initial child protection conference needed?",
        error_messages={"required": ICPC_DECISION_REQUIRED},
    )
    requested_on = GovDateField(
        what="the date the conference was requested",
        label="Date requested",
        required=False,
        help_text=f"Only when requesting a conference. {date_example(2024)}",
    )
    reason = forms.CharField(
        label="Why is no conference needed now? (when one was requested)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[text_limits.MaxChars(text_limits.REASON)],
        help_text="The coordinators were asked to book it: they are told, with this reason.",
    )
    siblings = forms.MultipleChoiceField(
        label="Request it for their brothers and sisters too",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their enquiries started at the same strategy discussion and have no "
        "conference requested yet. One conference for the family is usual: untick anyone "
        "whose enquiry found no need for one, or has not finished.",
        error_messages={"invalid_choice": SIBLING_NO_LONGER_WAITING},
    )

    def __init__(self, *args, siblings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siblings"].choices = [(str(s47.pk), label) for s47, label in siblings]
        self.fields["siblings"].initial = [str(s47.pk) for s47, _ in siblings]
        # Kept when a page sent some that are no longer offered, so that is refused.
        if not siblings and not (self.is_bound and self.data.getlist("siblings")):
            del self.fields["siblings"]

    def clean(self):
        data = super().clean()
        wanted = data.get("decision") == self.REQUEST
        if wanted and not data.get("requested_on") and "requested_on" not in self.errors:
            self.add_error("requested_on", REQUESTED_ON_REQUIRED)
        return data


# ------------------------------------------------------------- booking, chair


class WhenWhereMixin(forms.Form):
    scheduled_date = GovDateField(
        what="the date of the conference", label="Date", help_text=date_example_ahead(27, 3)
    )
    # Required: the invitations and letters give it, and the chair's diary is checked
    # against it (a conference from a census return may have none; it is not booked here).
    scheduled_time = _time_field(label="Start time", help_text="For example, 10:00 or 14:30")
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        required=False,
        initial=120,  # journey.services.DEFAULT_DURATION_MINUTES
        help_text="The chair is booked for this long: 120 (two hours) unless you change it.",
        error_messages={"invalid": DURATION_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    venue = forms.CharField(
        label="Venue", required=False, validators=[text_limits.MaxChars(text_limits.VENUE)]
    )
    virtual_link = forms.URLField(
        label="Link for joining online (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": URL_INVALID},
    )
    # Shown once the service has said the date needs a confirmation (see
    # journey/conference/_confirm_booking.html); ``confirmed_date`` is the date the
    # warning was shown for, so a confirmation never covers a date nobody was warned of.
    confirm_booking = forms.BooleanField(label="Book it anyway", required=False)
    confirm_reason = forms.CharField(
        label="Why book it anyway?",
        required=False,
        validators=[text_limits.MaxChars(text_limits.REASON)],
        widget=forms.Textarea,
        help_text="Kept with the booking and shown in the lists of conferences.",
    )
    confirmed_date = forms.CharField(required=False, widget=forms.HiddenInput)

    def confirmation(self) -> str:
        """The reason to give the service: only when the box is ticked for this date."""
        data = self.cleaned_data
        day = data.get("scheduled_date")
        if data.get("confirm_booking") and day and data.get("confirmed_date") == day.isoformat():
            return data.get("confirm_reason") or ""
        return ""

    def confirming(self) -> date | None:
        """The date the box was ticked for, when it is still the date asked for: a form
        refused for another reason shows the confirmation again with what was given."""
        data = getattr(self, "cleaned_data", {})
        day = data.get("scheduled_date")
        if day and data.get("confirmed_date") == day.isoformat():
            return day
        return None

    def clean(self):
        data = super().clean()
        if (
            not data.get("venue")
            and not data.get("virtual_link")
            and "virtual_link" not in self.errors
            and "venue" not in self.errors  # a venue too long is said as that alone
        ):
            self.add_error("venue", VENUE_OR_LINK)
        if (
            data.get("confirm_booking")
            and not data.get("confirm_reason")
            and "confirm_reason" not in self.errors
            and self.confirming()
        ):
            self.add_error("confirm_reason", CONFIRM_REASON_REQUIRED)
        return data


class ConferenceBookingForm(WhenWhereMixin):
    children = forms.MultipleChoiceField(
        label="Which children is the conference for?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": CHOOSE_CHILDREN, "invalid_choice": CHOOSE_CHILDREN},
    )
    chair = forms.ChoiceField(label="Chair", required=False, widget=forms.RadioSelect)

    def __init__(self, *args, candidates=(), chairs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(str(c.public_id), label) for c, label in candidates]
        self.set_chairs(chairs)
        self.fields["chair"].error_messages["invalid_choice"] = CHOOSE_ONE

    def set_chairs(self, chairs) -> None:
        """The chairs to choose from, in the order shown."""
        self.fields["chair"].choices = [("", "Allocate a chair later")] + [
            (str(u.pk), str(u)) for u in chairs
        ]

    def keep_errors_of(self, *names: str) -> None:
        """Forget every error but those of the fields ``names`` (a check of part of the
        form: the rest is said when the form is sent to be saved)."""
        for name in [n for n in self.errors if n not in names]:
            del self.errors[name]


class TransferNotifiedForm(forms.Form):
    """The first step of booking a transfer-in conference: the date that starts its clock."""

    notified_on = GovDateField(
        what="the date the authority was told of the transfer",
        label="When was the authority told the child had moved here?",
        help_text="The conference is due within 15 working days of this date. "
        + date_example(2024),
    )


class RescheduleForm(VersionedForm, WhenWhereMixin):
    # Shown when the chair cannot be there at the new time: whoever can chair instead.
    chair = forms.ChoiceField(
        label="Who will chair at the new time?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_ONE},
    )

    def set_chairs(self, chairs) -> None:
        self.fields["chair"].choices = [(str(u.pk), str(u)) for u in chairs]


class ChairForm(VersionedForm):
    chair = forms.ChoiceField(
        label="Who will chair?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the chair.", "invalid_choice": CHOOSE_ONE},
    )

    def __init__(self, *args, chairs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = [(str(u.pk), str(u)) for u in chairs]


class AddChildrenForm(VersionedForm):
    """Brothers and sisters to add to a booked conference; a reason when the service asks
    for a confirmation (one of them is due before the day booked)."""

    children = forms.MultipleChoiceField(
        label="Who else is the conference for?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": CHOOSE_CHILDREN_TO_ADD,
            "invalid_choice": CHOOSE_CHILDREN_TO_ADD,
        },
    )
    confirm_reason = forms.CharField(
        label="Why keep this date?",
        required=False,
        validators=[text_limits.MaxChars(text_limits.REASON)],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the booking and shown in the lists of conferences.",
    )

    def __init__(self, *args, candidates: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = candidates


CHOOSE_CHILD_TO_TAKE_OFF = "Select the child to take off the conference."


class RemoveChildForm(VersionedForm):
    """The child added to a booked conference by mistake, and why they come off it (the
    service requires the reason)."""

    child = _radios(
        [],
        label="Who should not be at this conference?",
        error_messages={"required": CHOOSE_CHILD_TO_TAKE_OFF},
    )
    reason = forms.CharField(
        label="Why are they coming off it?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: added by mistake, their enquiry is to be discussed apart. "
        "Kept in the conference's history.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )

    def __init__(self, *args, children: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = children


class CancelForm(VersionedForm):
    """Why the conference is cancelled; the service checks the rest (a detail for
    another reason)."""

    reason = _radios(
        CancellationReason.choices,
        label="Why is the conference cancelled?",
        error_messages={"required": CANCELLATION_REASON_REQUIRED},
    )
    detail = forms.CharField(
        label="More about why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for another reason. It is kept on the conference's page.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )


# --------------------------------------------------------------- invitations


class InviteeContactForm(forms.Form):
    """How someone invited is reached (``services.change_invitee_contact``; and, with
    who they are, ``InviteeForm``)."""

    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Leave it blank to invite them by letter.",
        error_messages={"invalid": EMAIL_INVALID},
    )
    address = forms.CharField(
        label="Postal address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For the printed letter.",
        validators=[text_limits.MaxChars(text_limits.ADDRESS)],
    )


class InviteeContactChangeForm(InviteeContactForm):
    """A change of contact details on the invitations page; for a family adult, whether
    their family record takes the new details too (the next conference suggests those)."""

    family_record_too = forms.BooleanField(
        label="Also change them on the family's record",
        required=False,
        initial=True,
        help_text="The next conference's invitations are suggested from the family's record.",
    )
    # What the page showed (``services.contact_seen``): a change made since is refused.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    family_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, family_adult=None, **kwargs):
        super().__init__(*args, **kwargs)
        if family_adult is None:
            del self.fields["family_record_too"]
            del self.fields["family_version"]


class InviteeForm(InviteeContactForm):
    name = forms.CharField(
        label="Name", required=False, validators=[text_limits.MaxChars(text_limits.NAME)]
    )
    role = forms.ChoiceField(
        label="Who are they?",
        choices=[("", "Select a role"), *InviteeRole.choices],
        required=False,
    )
    agency = _agency_field()
    field_order = ["name", "role", "agency", "email", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone new: both ways of reaching them are optional, the email the usual.
        self.fields["email"].label = "Email address (optional)"
        self.fields["email"].help_text = "Without one, print the letter and post it."
        self.fields["address"].label = "Postal address (optional)"


CAME = (InviteeAttendance.ATTENDED, InviteeAttendance.PART, InviteeAttendance.VIRTUAL)


class AttendanceForm(VersionedForm):
    """One radio group per invitation, ``attendance_<pk>``; and someone who came without
    being on the list (``attendee_*``: a relative or an officer who turned up)."""

    attendee_name = forms.CharField(
        label="Name (optional)",
        required=False,
        help_text="Someone who came but was not on the list.",
        validators=[text_limits.MaxChars(text_limits.NAME)],
    )
    attendee_role = forms.ChoiceField(
        label="Who are they?",
        choices=[("", "Select a role"), *InviteeRole.choices],
        required=False,
    )
    attendee_attendance = _radios(
        [(value, label) for value, label in InviteeAttendance.choices if value in CAME],
        label="How did they attend?",
        initial=InviteeAttendance.ATTENDED,
        required=False,
    )
    attendance_reason = forms.CharField(
        label="Why is who attended being corrected?",
        required=False,  # the service's message says when it is needed
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Needed once the conference is recorded as held and you change what was "
            "recorded: the record's history keeps the correction and its reason."
        ),
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )

    def __init__(self, *args, invitations=(), held: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation_fields = []
        for invitation in invitations:
            name = f"attendance_{invitation.pk}"
            # Someone listed by mistake and never sent anything (added as coming, on the
            # wrong conference) comes off the record of a held conference altogether.
            mistake = (
                [(TAKE_OFF_THE_LIST, "Not there: listed by mistake, take them off")]
                if held and invitation.sent_at is None
                else []
            )
            self.fields[name] = _radios(
                [("", "Not recorded"), *InviteeAttendance.choices, *mistake],
                label=f"{invitation.name} ({invitation.get_role_display()})",
                required=False,
                initial=invitation.attendance,
            )
            self.invitation_fields.append(name)

    def bound_invitation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.invitation_fields]

    def attendance(self) -> dict[int, str]:
        return {
            int(n.rsplit("_", 1)[1]): self.cleaned_data.get(n) or "" for n in self.invitation_fields
        }

    def attendee(self) -> dict[str, str] | None:
        """Someone who came without being on the list, as ``services.add_attendee``
        takes them; None when no one is given."""
        data = self.cleaned_data
        if not (data.get("attendee_name") or "").strip() and not data.get("attendee_role"):
            return None
        return {
            "name": data.get("attendee_name") or "",
            "role": data.get("attendee_role") or "",
            "attendance": data.get("attendee_attendance") or InviteeAttendance.ATTENDED,
        }


# ------------------------------------------------------- before the conference


class PreMeetingForm(VersionedForm):
    child_met_on = GovDateField(
        what="the date the chair met the child",
        label="When did the chair meet the child?",
        required=False,
        help_text="Leave blank if they have not met yet.",
    )
    child_too_young = forms.BooleanField(
        label="The child is too young to meet the chair", required=False
    )
    parents_met_on = GovDateField(
        what="the date the chair met the parents",
        label="When did the chair meet the parents?",
        required=False,
        help_text="Leave blank if they have not met yet.",
    )
    advocacy_offered = forms.BooleanField(label="An advocate was offered", required=False)
    advocate_involved = forms.BooleanField(label="An advocate is involved", required=False)
    advocate_organisation = forms.CharField(
        label="Who is the advocate from?",
        required=False,
        validators=[text_limits.MaxChars(text_limits.NAME)],
        help_text="For example, NYAS (National Youth Advocacy Service)",
    )
    interpreter_needed = forms.BooleanField(label="An interpreter is needed", required=False)
    interpreter_language = forms.CharField(
        label="Language for the interpreter",
        required=False,
        validators=[text_limits.MaxChars(text_limits.LANGUAGE)],
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.NOTE)],
    )


# --------------------------------------------------------- recording the conference


def _lateness_reason(label: str) -> forms.ChoiceField:
    """Why a conference was held after its due date: recording it and correcting it."""
    return _radios(
        [("", "It was held in time"), *LatenessReason.choices], label=label, required=False
    )


def _lateness_detail() -> forms.CharField:
    return forms.CharField(
        label="Describe the other reason (only if Other)",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )


class RecordConferenceForm(VersionedForm):
    """The conference's own part of its record. A date held that is not the day it was
    booked for (``booked``) is taken once confirmed for that date: a slip of the day or
    month box would otherwise record the conference, its plan and its timeliness on the
    wrong day, which then has to be corrected (``journey.held_date``)."""

    held_on = GovDateField(what="the date the conference was held", label="Date held")
    confirm_held_on = forms.BooleanField(
        label="Yes, it was held on the date given, not the day it was booked for",
        required=False,
    )
    # The date the box was shown for: a tick never covers a date nobody was asked about.
    confirmed_held_on = forms.CharField(required=False, widget=forms.HiddenInput)
    lateness_reason = _lateness_reason("If the conference was held after its due date, why?")
    lateness_detail = _lateness_detail()

    def __init__(self, *args, booked: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.booked = booked

    def clean_held_on(self):
        # The service refuses it too; said here, it comes with the form's other errors
        # instead of after them, on a second try.
        held_on = self.cleaned_data["held_on"]
        problem = not_in_future(held_on)
        if problem:
            raise forms.ValidationError(problem)
        return held_on

    def clean(self):
        data = super().clean()
        held_on, booked = data.get("held_on"), self.booked
        if held_on is None or booked is None or held_on == booked:
            return data
        if data.get("confirm_held_on") and data.get("confirmed_held_on") == held_on.isoformat():
            return data
        not_working = timescales.non_working_day(held_on, closures=closure_days())
        self.add_error(
            "confirm_held_on",
            HELD_NOT_AS_BOOKED.format(
                booked=f"{booked:%A} {booked.day} {booked:%B %Y}",
                held=f"{held_on:%A} {held_on.day} {held_on:%B %Y}",
                day=f", {not_working}" if not_working else "",
            ),
        )
        self.data = self.data.copy()  # the box is shown for this date
        self.data["confirmed_held_on"] = held_on.isoformat()
        return data

    @property
    def asking_held_on(self) -> bool:
        """Whether the confirmation is shown: asked for, or already given for the date."""
        return bool(self.data.get("confirmed_held_on")) or "confirm_held_on" in self.errors


class ChildOutcomeForm(forms.Form):
    """One child's decision, participation, wishes and feelings, agencies'
    recommendations and strength-based record. What must be filled in is the
    service's rule (``services.record_errors``): the form only checks shapes."""

    decision = _radios([], label="Decision", error_messages={"required": DECISION_REQUIRED})
    category = forms.ChoiceField(
        label="Category of abuse",
        required=False,
        choices=[("", "Not applicable"), *Category.choices],
        help_text="Needed for a new plan; at a review, the latest category.",
    )
    end_reason = _radios(
        PlanEndReason.choices,
        label="If the plan ends, what happens next?",
        required=False,
    )
    first_core_group_on = GovDateField(
        what="the date of the first core group meeting",
        label="Date of the first core group meeting",
        required=False,
        help_text="Needed when a plan starts: due within 10 working days of the conference.",
    )
    outline_plan = forms.CharField(
        label="Outline child protection plan",
        required=False,
        widget=forms.Textarea,
        help_text="Needed when a plan starts: what must change, and who will help.",
        validators=[text_limits.MaxChars(text_limits.CONFERENCE_RECORD)],
    )
    dissent = forms.CharField(
        label="Did anyone disagree with the decision? (optional)",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "Who disagreed, and why. Leave blank if nobody did. "
            "It is in the minutes the family receives."
        ),
        validators=[text_limits.MaxChars(text_limits.CONFERENCE_RECORD)],
    )
    kept_from_family = forms.CharField(
        label="Information kept from the family (optional)",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "What an agency shared that the family must not read, for example police "
            "information about another adult. Professionals see it on the conference's "
            "page; it is never in the minutes, the plan or a letter."
        ),
        validators=[text_limits.MaxChars(text_limits.CONFERENCE_RECORD)],
    )
    attendance = _radios(
        ChildAttendance.choices,
        label="Did the child attend?",
        required=False,
    )
    advocate_attended = forms.BooleanField(label="An advocate attended", required=False)
    written_views = forms.BooleanField(
        label="The child's written views were shared", required=False
    )
    direct_work = forms.BooleanField(
        label="Direct work with the child was brought to the meeting", required=False
    )
    wishes_feelings = forms.CharField(
        label="The child's wishes and feelings",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "In the child's own words where you can, or how they were gathered "
            "(for example by an advocate). If they could not be gathered, say why."
        ),
        validators=[text_limits.MaxChars(text_limits.CONFERENCE_RECORD)],
    )
    worries = forms.CharField(
        label="What are we worried about?",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.CONFERENCE_RECORD)],
    )
    working_well = forms.CharField(
        label="What is working well?",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.CONFERENCE_RECORD)],
    )
    needs_to_happen = forms.CharField(
        label="What needs to happen?",
        required=False,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(text_limits.CONFERENCE_RECORD)],
    )
    scaling_score = forms.IntegerField(
        label="Scaling judgement (0 to 10)",
        required=False,
        min_value=0,
        max_value=10,
        help_text="0: the child is not safe; 10: the child is safe enough to close the plan.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": SCALING_RANGE,
            "min_value": SCALING_RANGE,
            "max_value": SCALING_RANGE,
        },
    )

    def __init__(self, *args, kind: str, agencies: Sequence[str] = (), name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if name:  # a conference of brothers and sisters: say whose decision is missing
            self.fields["decision"].error_messages["required"] = CHILD_DECISION_REQUIRED.format(
                name=name
            )
        if kind == ConferenceKind.REVIEW:
            choices = [(Decision.CONTINUE, "Continue the plan"), (Decision.END, "End the plan")]
            del self.fields["first_core_group_on"]
        else:
            choices = [(Decision.PLAN, "Child protection plan"), (Decision.NO_PLAN, "No plan")]
            del self.fields["end_reason"]
        self.fields["decision"].choices = choices
        self.agencies = list(agencies)
        for i, agency in enumerate(self.agencies):
            self.fields[f"rec_{i}"] = forms.ChoiceField(
                label=f"{agency}: recommendation",
                required=False,
                choices=[("", "No recommendation given"), *choices],
                error_messages={"invalid_choice": CHOOSE_ONE},
            )
            self.fields[f"rec_comment_{i}"] = forms.CharField(
                label=f"{agency}: reasons or comment (optional)",
                help_text="In the minutes the family receives.",
                required=False,
                widget=forms.Textarea,
                validators=[text_limits.MaxChars(text_limits.REASON)],
            )
        # In the order the page asks them, which the error summary follows.
        self.order_fields(
            [
                "attendance", "advocate_attended", "written_views", "direct_work",
                "wishes_feelings",
                *(f"{n}_{i}" for i in range(len(self.agencies)) for n in ("rec", "rec_comment")),
                "decision", "category", "end_reason", "dissent", "first_core_group_on",
                "outline_plan", "worries", "working_well", "needs_to_happen", "scaling_score",
                "kept_from_family",
            ]
        )  # fmt: skip

    def recommendation_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"rec_{i}"], self[f"rec_comment_{i}"]) for i in range(len(self.agencies))]

    def recommendations(self) -> tuple[Recommendation, ...]:
        """The recommendations given, from cleaned data."""
        d = self.cleaned_data
        return tuple(
            Recommendation(
                agency=agency, recommendation=d[f"rec_{i}"], comment=d[f"rec_comment_{i}"]
            )
            for i, agency in enumerate(self.agencies)
            if d.get(f"rec_{i}")
        )


def recommendation_initial(agencies: Sequence[str], given: Iterable) -> dict[str, str]:
    """The form's initial values for the ``ConferenceRecommendation`` rows ``given``."""
    by_agency = {r.agency: r for r in given}
    initial = {}
    for i, agency in enumerate(agencies):
        if (rec := by_agency.get(agency)) is not None:
            initial[f"rec_{i}"] = rec.recommendation
            initial[f"rec_comment_{i}"] = rec.comment
    return initial


class AmendReasonForm(VersionedForm):
    reason = forms.CharField(
        label="Why are you amending the record?",
        required=False,
        widget=forms.Textarea,
        help_text="Everyone who reads the record sees this, with your name and the date.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )


def _why_the_date_is_corrected(help_text: str) -> forms.CharField:
    """A date correction's reason (held, enquiry started, referral): the service says
    when it is missing."""
    return forms.CharField(
        label="Why are you correcting the date?",
        required=False,
        widget=forms.Textarea,
        help_text=help_text,
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )


class HeldDateForm(VersionedForm):
    """Correcting the date a held conference was held and its reason for lateness; what
    the date may be is the service's rule (``journey.held_date``)."""

    held_on = GovDateField(what="the date the conference was held", label="Date held")
    lateness_reason = _lateness_reason("If it was held after its due date, why?")
    lateness_detail = _lateness_detail()
    reason = _why_the_date_is_corrected(
        "Everyone who reads the record sees this, with your name and the date."
    )


class EnquiryDateForm(AllAtOnce, forms.Form):
    """Correcting the date a Section 47 enquiry started (its strategy discussion's); what
    the date may be is the service's rule (``journey.enquiry_date``)."""

    field_order = ["start_date", "siblings", "lateness_reason", "lateness_detail", "reason"]

    start_date = GovDateField(
        what="the date of the strategy discussion",
        label="The date the strategy discussion was held",
        help_text=date_example(2024),
    )
    siblings = forms.MultipleChoiceField(
        label="Correct their brothers' and sisters' enquiries too",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their enquiries started the same day, at the same strategy discussion "
        "as a rule. Untick anyone whose date was right.",
        error_messages={"invalid_choice": SIBLING_NO_LONGER_WAITING},
    )
    lateness_reason = _lateness_reason(
        "If the initial conference was then held after its due date, why?"
    )
    lateness_detail = _lateness_detail()
    reason = _why_the_date_is_corrected(
        "It is shown on the child's journey, with your name and the date."
    )

    def __init__(self, *args, siblings=(), held=False, **kwargs):
        from iro.journey.enquiry_date import REASON_REQUIRED

        self.service_requires = {"reason": REASON_REQUIRED}
        super().__init__(*args, **kwargs)
        self.fields["siblings"].choices = [(str(s47.pk), label) for s47, label in siblings]
        self.fields["siblings"].initial = [str(s47.pk) for s47, _ in siblings]
        if not siblings and not (self.is_bound and self.data.getlist("siblings")):
            del self.fields["siblings"]
        if not held:  # no conference held: no lateness to give
            del self.fields["lateness_reason"]
            del self.fields["lateness_detail"]


class ReferralDateForm(AllAtOnce, forms.Form):
    """Correcting the date of a referral; what it may be is the service's rule
    (``journey.referral_date``)."""

    referral_date = GovDateField(
        what="the date of the referral",
        label="The date of the referral",
        help_text=date_example(2024),
    )
    reason = _why_the_date_is_corrected(
        "It is shown on the child's journey, with your name and the date."
    )

    def __init__(self, *args, **kwargs):
        from iro.journey.referral_date import REASON_REQUIRED

        self.service_requires = {"reason": REASON_REQUIRED}
        super().__init__(*args, **kwargs)


class ConferenceReportForm(VersionedForm):
    """The days the social work report reached the chair and the family; blank where it
    has not yet."""

    report_received_on = GovDateField(
        what="the date the chair received the report",
        label="When did the chair receive the social work report?",
        required=False,
    )
    report_shared_on = GovDateField(
        what="the date the family were given the report",
        label="When were the family given the report to read?",
        required=False,
    )


class LateDecisionForm(forms.Form):
    """The manager's decision on a late conference; the service checks the rest (a
    comment when the reason is not accepted, the date, who may decide)."""

    decision = _radios(
        [
            (LateDecision.AGREED, "Agree: the reason for the lateness is accepted"),
            (LateDecision.NOT_AGREED, "Do not agree: the reason is not accepted"),
        ],
        label="Do you agree the late conference?",
        error_messages={"required": LATE_DECISION_REQUIRED},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea,
        help_text="Required if you do not agree: say why. The chair and managers read it.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )
    decided_on = GovDateField(what="the date of the decision", label="Date of the decision")
    changing = forms.BooleanField(required=False, widget=forms.HiddenInput)
    change_reason = forms.CharField(
        label="Why are you changing the decision?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the record's history with the decision it replaces.",
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )


# The form's names for the service's fields.
LATE_DECISION_ALIASES = {
    "late_decision": "decision",
    "late_decision_comment": "comment",
    "late_decided_on": "decided_on",
    "late_change_reason": "change_reason",
}


class MinutesSentForm(VersionedForm):
    sent_on = GovDateField(
        what="the date the minutes were sent", label="Date the minutes and plan were sent"
    )


# ------------------------------------------------------------------- the plan


class EndPlanForm(VersionedForm):
    ended_on = GovDateField(what="the date the plan ended", label="Date the plan ended")
    reason = _radios(
        PlanEndReason.choices,
        label="What happens next for the child?",
        error_messages={"required": "Select why the plan ended."},
    )
