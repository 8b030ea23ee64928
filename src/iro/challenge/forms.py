"""Forms of the dispute, multi-agency challenge and feedback pages.

Forms parse the shape of input (a real date, one of the choices); the rules are the
services' (``challenge.services``), whose field-level ``ValidationError``s are put back
on these forms by ``apply_service_errors``. Text a service requires is left optional
here so its one message shows, not two. The GOV.UK date input and the error summary
are the conference pages' (``journey.conference_forms``), so every form of the service
looks and refuses alike.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from iro import text_limits
from iro.challenge.models import (
    CHALLENGE_RESPONSE_WORKING_DAYS,
    RATING_QUESTIONS,
    ChallengeOutcome,
    ComparisonArea,
    DisputeOutcome,
    DisputeReason,
    Respondent,
    TargetDirection,
    Theme,
)
from iro.challenge.services import (
    ADDRESSEE_REQUIRED,
    ANSWER_REQUIRED,
    DETAIL_REQUIRED,
    ESCALATION_NOTE_REQUIRED,
    NEXT_ADDRESSEE_REQUIRED,
    NOT_A_NUMBER,
    REASONING_REQUIRED,
    RESPONSE_DAYS_RANGE,
    TEXT_REQUIRED,
)
from iro.journey.conference_forms import (
    CHOOSE_ONE,
    AllAtOnce,
    GovDateField,
    VersionedForm,
    date_example,
)
from iro.people.models import Agency

REASON_REQUIRED = "Select the main reason for the dispute."
AGENCY_REQUIRED = "Select the agency the professional works for."
OUTCOME_REQUIRED = "Select the outcome."
DISPUTE_OUTCOME_REQUIRED = "Select whether the resolution addressed your concern."
RESOLUTION_REQUIRED = "Enter how the dispute was resolved."
RESPONDENT_REQUIRED = "Select who gave the feedback."
CONSENT_REQUIRED = "Select whether they agreed to be quoted."
NOT_ABOUT_ONE_PLAN = "Not about one plan"
CHOOSE_PERSON = "Choose a person"
DIRECTION_REQUIRED = "Select whether the figure should be at least or at most the target."


def _radios(choices, *, label: str, required_message: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        label=label,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": CHOOSE_ONE},
        **kwargs,
    )


def _text(label: str, *, help_text: str = "", max_length: int | None = None) -> forms.CharField:
    validators = [text_limits.MaxChars(max_length)] if max_length else []
    return forms.CharField(label=label, required=False, help_text=help_text, validators=validators)


def _person(label: str, *, help_text: str = "") -> forms.TypedChoiceField:
    """A member of staff from a list (grouped); the service says when none is chosen."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        help_text=help_text,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": CHOOSE_ONE},
    )


def _long_text(
    label: str, *, help_text: str = "", limit: int = text_limits.NOTE
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea,
        validators=[text_limits.MaxChars(limit)],
    )


# ------------------------------------------------------------------- disputes


class RaiseDisputeForm(AllAtOnce, forms.Form):
    # The page's order, so that the error summary follows it.
    field_order = ["reason", "plan", "detail", "addressed_to", "raised_on"]
    service_requires = {"addressed_to": ADDRESSEE_REQUIRED, "detail": DETAIL_REQUIRED}

    raised_on = GovDateField(
        what="the date the dispute was raised",
        label="When did you raise it?",
        help_text=date_example(2024),
    )
    reason = _radios(
        DisputeReason.choices,
        label="What is the main reason?",
        required_message=REASON_REQUIRED,
    )
    plan = forms.ChoiceField(
        label="Which plan is it about?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_ONE},
    )
    addressed_to = _person(
        "Who did you raise it with?",
        help_text="They answer it in iro, and are told it is waiting for them.",
    )
    detail = _long_text(
        "What are you worried about?",
        help_text="What has drifted or is missing, and what you are asking for.",
    )

    def __init__(self, *args, plans=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = [("", CHOOSE_PERSON), *people]
        choices = [(str(p.public_id), label) for p, label in plans]
        if choices:
            self.fields["plan"].choices = [*choices, ("", NOT_ABOUT_ONE_PLAN)]
        else:
            del self.fields["plan"]


class StageResponseForm(AllAtOnce, VersionedForm):
    # The page's order, so that the error summary follows it.
    field_order = ["response", "responded_on"]
    service_requires = {"response": TEXT_REQUIRED.format(what="response")}

    responded_on = GovDateField(
        what="the date of the response",
        label="When did they respond?",
        help_text=date_example(2024),
    )
    response = _long_text("What did they say?")


class AnswerForm(StageResponseForm):
    """The addressee's own answer: the same fields, in their words."""

    service_requires = {"response": ANSWER_REQUIRED}

    response = _long_text(
        "What is your answer?",
        help_text="What you will do about the worry, or why you disagree. The IRO reads it.",
    )
    responded_on = GovDateField(
        what="the date of your answer",
        label="When did you answer?",
        help_text="Today, unless you answered outside iro before.",
    )


class EscalateForm(AllAtOnce, VersionedForm):
    # The page's order, so that the error summary follows it.
    field_order = ["addressed_to", "note", "escalated_on"]
    service_requires = {"addressed_to": NEXT_ADDRESSEE_REQUIRED, "note": ESCALATION_NOTE_REQUIRED}

    escalated_on = GovDateField(
        what="the date it was escalated",
        label="When did you escalate it?",
        help_text="The current stage ends that day and the next one starts.",
    )
    addressed_to = _person(
        "Who is it going to?",
        help_text="Up the line: stage 2 goes to a team manager, stage 3 and on to a service "
        "manager, head of service or senior leader. The child's team manager, or the line "
        "manager of whoever had the last stage, is chosen for you when iro knows them "
        "(never whoever had the last stage). They answer it in iro.",
    )
    note = _long_text(
        "Why are you escalating it?",
        help_text="What the last stage did not resolve. The manager reads it.",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = [("", CHOOSE_PERSON), *people]


class ResolveForm(VersionedForm):
    # The page's order, so that the error summary follows it.
    field_order = ["resolution", "outcome", "resolved_on"]
    resolved_on = GovDateField(
        what="the date it was resolved",
        label="When was it resolved?",
        help_text="It is resolved at the stage it has reached.",
    )
    resolution = _long_text("How was it resolved?")
    outcome = _radios(
        DisputeOutcome.choices,
        label="Did the resolution address your concern?",
        required_message=DISPUTE_OUTCOME_REQUIRED,
    )

    def clean(self):
        # Said here as well as by the service, so that a blank form gets every error at
        # once: the outcome's (a form rule) and this one (the service's, not reached).
        data = super().clean()
        if not (data.get("resolution") or "").strip():
            self.add_error("resolution", RESOLUTION_REQUIRED)
        return data


# ------------------------------------------------------ multi-agency challenges


class RaiseChallengeForm(AllAtOnce, forms.Form):
    field_order = ["agency", "professional", "concern", "raised_on"]
    service_requires = {
        "professional": TEXT_REQUIRED.format(what="professional's role"),
        "concern": TEXT_REQUIRED.format(what="concern"),
    }

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        label="Which agency does the professional work for?",
        empty_label="Select an agency",
        error_messages={"required": AGENCY_REQUIRED, "invalid_choice": CHOOSE_ONE},
    )
    professional = _text(
        "Who is the professional?",
        help_text="Their role, and their name where you know it, for example 'Health visitor'.",
        max_length=text_limits.NAME,
    )
    concern = _long_text(
        "What is your concern?",
        help_text=(
            "The partnership sends this to the professional's manager. Say who by their "
            "role, not their name: the partnership does not see the family's names, and "
            "any it would see are hidden."
        ),
    )
    raised_on = GovDateField(
        what="the date the challenge was raised",
        label="When did you raise it?",
        help_text=date_example(2024),
    )


class ForwardForm(forms.Form):
    forwarded_to = _text(
        "Who is the professional's manager?",
        help_text="Their name and role.",
        max_length=text_limits.NAME,
    )
    forwarded_on = GovDateField(
        what="the date it was forwarded",
        label="When did you send it to them?",
        help_text=date_example(2024),
    )
    response_working_days = forms.IntegerField(
        label="Working days for their response",
        initial=CHALLENGE_RESPONSE_WORKING_DAYS,
        required=False,
        help_text="The response is due this many working days after you send it: "
        f"{CHALLENGE_RESPONSE_WORKING_DAYS} in the protocol (and if left blank). Change it if "
        "you agreed another time with the manager.",
        error_messages={"invalid": RESPONSE_DAYS_RANGE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_response_working_days(self) -> int:
        # Left blank: the protocol's time (the hint says which).
        days = self.cleaned_data.get("response_working_days")
        return CHALLENGE_RESPONSE_WORKING_DAYS if days is None else days


class ChallengeResponseForm(forms.Form):
    responded_on = GovDateField(
        what="the date of the response",
        label="When did the manager respond?",
        help_text="For a withdrawal, the date it was withdrawn.",
    )
    outcome = _radios(
        ChallengeOutcome.choices,
        label="What was the outcome?",
        required_message=OUTCOME_REQUIRED,
    )
    response = _long_text("What was the response?")


# ------------------------------------------------------------------ feedback


RATING_CHOICES = [
    ("1", "1, not at all"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5, completely"),
]


def _rating(question: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=RATING_CHOICES,
        label=f"\u201c{question}\u201d (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_ONE},
    )


def _themes(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=Theme.choices,
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": CHOOSE_ONE},
    )


class FeedbackForm(forms.Form):
    YES = "yes"
    NO = "no"

    respondent = _radios(
        Respondent.choices,
        label="Who gave the feedback?",
        required_message=RESPONDENT_REQUIRED,
    )
    rating_understood = _rating(RATING_QUESTIONS["rating_understood"])
    rating_listened_to = _rating(RATING_QUESTIONS["rating_listened_to"])
    rating_plan_clear = _rating(RATING_QUESTIONS["rating_plan_clear"])
    text = _long_text(
        "What did they say? (optional)",
        help_text="Their words as given. A quote is published only after the IRO service "
        "manager approves a wording of it without names.",
    )
    themes = _themes("What was it about? (optional)")
    received_on = GovDateField(
        what="the date the feedback was given",
        label="When was it given?",
        help_text=date_example(2024),
    )
    consent = _radios(
        [(YES, "Yes, they agreed to be quoted"), (NO, "No")],
        label="Did they agree to be quoted in reports?",
        required_message=CONSENT_REQUIRED,
    )

    def consented(self) -> bool:
        return self.cleaned_data["consent"] == self.YES

    def ratings(self) -> dict[str, int | None]:
        return {field: self.cleaned_data.get(field) for field in RATING_QUESTIONS}


class QuoteApprovalForm(forms.Form):
    APPROVE = "approve"
    DECLINE = "decline"

    wording = _long_text(
        "Wording to publish",
        help_text="Edit it if you need to: take out anything that identifies someone. The "
        "comment as given is kept unchanged. It is attributed by role only.",
    )
    themes = _themes("What was it about?")


class FeatureQuoteForm(forms.Form):
    featured = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])


# ------------------------------------------------------------------- targets


class TargetForm(AllAtOnce, forms.Form):
    # An empty form: the direction's message with the value's and the reasoning's.
    service_requires = {"value": NOT_A_NUMBER, "action": REASONING_REQUIRED}

    direction = _radios(
        TargetDirection.choices,
        label="Should the figure be at least or at most the target?",
        required_message=DIRECTION_REQUIRED,
    )
    # Text, so the service's one message explains a bad number ("such as 75 or 82.5").
    value = _text("What is the target?", max_length=20)
    action = _long_text(
        "Why this target?",
        help_text="The reasoning, and what the service will do to meet it. It appears in "
        "the annual report's action plan.",
        limit=text_limits.PLAN_ITEM,
    )


# ------------------------------------------------------ figures the reports need
# Text fields, so the service's one message explains a bad number.


class PopulationForm(forms.Form):
    children = _text("How many children aged 0 to 17 live in the authority?", max_length=20)
    source = _text("Where does the figure come from?", max_length=200)


class WorkingHoursForm(forms.Form):
    fte = _text("Full-time equivalent", max_length=10)
    starts_on = GovDateField(what="the date the hours start", label="From when?", required=False)


class ComparisonForm(forms.Form):
    """A figure and its source for each area; a blank figure means none is recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area, label in ComparisonArea.choices:
            self.fields[f"{area}_value"] = _text(f"{label}: figure", max_length=20)
            self.fields[f"{area}_source"] = _text(f"{label}: source", max_length=200)


# ------------------------------------------------- feedback given through a link
# The public form (challenge.given_views): no account, in the giver's language, so every
# word is marked for translation. The child's version asks the same three questions in
# fewer words and answers them with three faces (1, 3 or 5).

ADULT_QUESTIONS = {
    "rating_understood": _("I understood why the meeting happened"),
    "rating_listened_to": _("I was listened to"),
    "rating_plan_clear": _("The plan is clear to me"),
}
CHILD_QUESTIONS = {
    "rating_understood": _("I knew why we met"),
    "rating_listened_to": _("People listened to me"),
    "rating_plan_clear": _("I know what happens next"),
}
ADULT_ANSWERS = [
    ("1", _("Not at all")),
    ("2", _("A little")),
    ("3", _("Partly")),
    ("4", _("Mostly")),
    ("5", _("Completely")),
]
# Each face: its value, its word, its picture and the picture's alternative text.
CHILD_ANSWERS = [
    ("1", _("No"), "challenge/faces/sad.svg", _("A sad face")),
    ("3", _("A bit"), "challenge/faces/unsure.svg", _("A face that is not sure")),
    ("5", _("Yes"), "challenge/faces/happy.svg", _("A happy face")),
]
GIVE_SOMETHING = _("Answer at least one question, or write what you think.")
GIVE_SOMETHING_CHILD = _("Choose a face, or write what you think.")


class GivenFeedbackForm(forms.Form):
    """What the giver sends: three optional ratings, a comment, consent to quote."""

    rating_understood = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    rating_listened_to = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    rating_plan_clear = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    text = forms.CharField(
        required=False, validators=[text_limits.MaxChars(text_limits.NOTE)], strip=True
    )
    consent = forms.BooleanField(required=False)

    def __init__(self, *args, child: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        answers = [(a[0], a[1]) for a in CHILD_ANSWERS] if child else ADULT_ANSWERS
        questions = CHILD_QUESTIONS if child else ADULT_QUESTIONS
        for field, question in questions.items():
            self.fields[field].choices = answers
            self.fields[field].label = question
            self.fields[field].error_messages["invalid_choice"] = _("Choose one of the answers.")

    def questions(self) -> list[dict]:
        """Each question with its answers, as the template draws them."""
        out = []
        for field in RATING_QUESTIONS:
            bound = self[field]
            value = str(bound.value() or "")
            choices = CHILD_ANSWERS if self.child else [(v, t, "", "") for v, t in ADULT_ANSWERS]
            out.append(
                {
                    "name": field,
                    "label": self.fields[field].label,
                    "errors": bound.errors,
                    "answers": [
                        {
                            "value": v,
                            "label": label,
                            "picture": picture,
                            "alt": alt,
                            "id": f"{field}-{v}",
                            "checked": v == value,
                        }
                        for v, label, picture, alt in choices
                    ],
                }
            )
        return out

    def clean(self):
        data = super().clean()
        ratings = [data.get(f) for f in RATING_QUESTIONS]
        if not self.errors and not (data.get("text") or any(r is not None for r in ratings)):
            self.add_error("text", GIVE_SOMETHING_CHILD if self.child else GIVE_SOMETHING)
        return data

    def ratings(self) -> dict[str, int | None]:
        return {field: self.cleaned_data.get(field) for field in RATING_QUESTIONS}
