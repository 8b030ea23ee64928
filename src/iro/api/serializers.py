"""What the API reads and writes. Reads are plain shapes built from records already
fetched through ``iro.access.scope``; writes are checked here only for shape (types,
required keys) and then go to the services, which hold every rule."""

from __future__ import annotations

import re
from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iro.access.known_names import Lookup
from iro.access.scope import FREE_TEXT_WITHHELD, display_name, shows_names, withholds_free_text
from iro.challenge import forms as challenge_forms
from iro.challenge.models import ChallengeOutcome, DisputeOutcome, DisputeReason
from iro.journey.conference_forms import DATE_REQUIRED, TIME_INVALID, TIME_REQUIRED
from iro.journey.models import (
    ActionStatus,
    ChildAttendance,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    LatenessReason,
)
from iro.names import screen_for_reader, screen_known

VERSION_HELP = (
    "The version of the record the change was made from (or send it as the If-Match "
    "header). A stale version is refused with 409 (412 with If-Match); none with 428."
)


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "description": "A local time (Europe/London), HH:MM.",
        "example": "10:30",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the service's local time, as ``HH:MM`` (no offset: OpenAPI's
    ``format: time`` would demand one)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name to its messages; 'non_field_errors' for the rest.",
    )


def _viewer(context):
    return context["request"].user


class ScreenedText(serializers.CharField):
    """Free text people wrote about a child: as written for readers who see names; for
    the partnership, with the child's and family's names taken out; for the analyst,
    ``FREE_TEXT_WITHHELD`` in its place, as the pages' ``{% screened %}`` does."""

    def __init__(self, *, child: str, known_only: bool = False, organisation: str = "", **kwargs):
        self.child_path = child
        # Only the names recorded around the child, as ``{% screened ... known_only %}``.
        self.known_only = known_only
        # An agency the reader is shown anyway (a challenge's: "agency.name"), its name
        # kept where the text writes it whole, as ``{% screened ... organisation %}``.
        self.organisation_path = organisation
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        text = super().get_attribute(instance)
        if not text or shows_names(_viewer(self.context)):
            return text
        if withholds_free_text(_viewer(self.context)):
            return FREE_TEXT_WITHHELD
        from iro.journey.selectors import known_names

        child = instance
        for part in self.child_path.split("."):
            child = getattr(child, part)
        cache = self.context.setdefault("_known_names", {})
        if child.pk not in cache:
            cache[child.pk] = known_names(child)
        elsewhere = self.context.setdefault("_names_elsewhere", Lookup())
        if self.known_only:
            # Other agencies' staff are named on purpose; a family's name is not.
            return screen_known(text, cache[child.pk], elsewhere(text))
        organisation = instance
        for part in self.organisation_path.split(".") if self.organisation_path else ():
            organisation = getattr(organisation, part)
        organisations = [organisation] if self.organisation_path else []
        return screen_for_reader(
            text, cache[child.pk], elsewhere(text), organisations=organisations
        )


class WithheldText(serializers.CharField):
    """Free text that may name the family and belongs to no one child (a conference's
    place: "the family home", a relative's flat): as written for readers who see names,
    ``FREE_TEXT_WITHHELD`` for the others, as the pages' ``{% screened text None %}``."""

    def get_attribute(self, instance):
        text = super().get_attribute(instance)
        if not text or shows_names(_viewer(self.context)):
            return text
        return FREE_TEXT_WITHHELD


class ChildRefSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    la_child_id = serializers.CharField()
    name = serializers.SerializerMethodField(
        help_text="The child's name for roles that see names, else 'Child <LA child ID>'."
    )

    def get_name(self, child) -> str:
        return display_name(_viewer(self.context), child)


class ChildSerializer(ChildRefSerializer):
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()
    date_of_birth = serializers.DateField(allow_null=True)
    expected_date_of_birth = serializers.DateField(allow_null=True)
    sex = serializers.CharField()
    ethnicity = serializers.CharField()
    upn = serializers.CharField()
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    team_id = serializers.IntegerField(
        allow_null=True, help_text="The team's id, as the lists' team filter takes it."
    )
    version = serializers.IntegerField()

    def get_first_name(self, child) -> str | None:
        return child.first_name if shows_names(_viewer(self.context)) else None

    def get_last_name(self, child) -> str | None:
        return child.last_name if shows_names(_viewer(self.context)) else None


class CinPlanSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class AssessmentSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    internal_review_date = serializers.DateField(allow_null=True)
    authorisation_date = serializers.DateField(allow_null=True)
    factors = serializers.ListField(
        child=serializers.CharField(), help_text="The DfE's assessment factor codes."
    )


class EpisodeSerializer(serializers.Serializer):
    referral_date = serializers.DateField()
    referral_source = serializers.CharField()
    referral_nfa = serializers.BooleanField(help_text="The referral led to no further action.")
    primary_need = serializers.CharField()
    closure_date = serializers.DateField(allow_null=True)
    closure_reason = serializers.CharField()
    icpc_date = serializers.DateField(
        allow_null=True, help_text="An initial conference date a return gave with no Section 47."
    )
    assessments = AssessmentSerializer(many=True, source="assessments.all")
    cin_plans = CinPlanSerializer(many=True, source="cin_plans.all")


class Section47Serializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    start_date = serializers.DateField()
    icpc_not_required = serializers.BooleanField()
    icpc_requested_on = serializers.DateField(allow_null=True)


class PlanSummarySerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    initial_category = serializers.CharField()
    latest_category = serializers.CharField()
    end_reason = serializers.CharField()
    version = serializers.IntegerField()


class JourneyConferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(source="conference.public_id")
    kind = serializers.CharField(source="conference.kind")
    status = serializers.CharField(source="conference.status")
    scheduled_date = serializers.DateField(source="conference.scheduled_date", allow_null=True)
    held_on = serializers.DateField(source="conference.held_on", allow_null=True)
    decision = serializers.CharField()
    category = serializers.CharField()


class JourneySerializer(serializers.Serializer):
    child = ChildSerializer()
    episodes = EpisodeSerializer(many=True)
    section47s = Section47Serializer(many=True)
    conferences = JourneyConferenceSerializer(many=True)
    plans = PlanSummarySerializer(many=True)


class ConferenceChildSerializer(serializers.Serializer):
    child = ChildRefSerializer()
    decision = serializers.CharField()
    category = serializers.CharField()
    attendance = serializers.CharField()
    plan = serializers.UUIDField(source="plan.public_id", allow_null=True, default=None)


class ConferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ConferenceKind.choices)
    status = serializers.ChoiceField(choices=ConferenceStatus.choices)
    scheduled_date = serializers.DateField(allow_null=True)
    scheduled_time = LocalTimeField(allow_null=True)
    duration_minutes = serializers.IntegerField()
    held_on = serializers.DateField(allow_null=True)
    venue = WithheldText(help_text="Where it meets; withheld from readers who see no names.")
    virtual_link = WithheldText(
        help_text="The link to join online; withheld from readers who see no names."
    )
    chair = serializers.CharField(source="chair.username", allow_null=True, default=None)
    lateness_reason = serializers.CharField()
    late_decision = serializers.CharField(
        help_text="A manager's decision on a late conference: 'agreed', 'not_agreed', or "
        "blank while none is recorded."
    )
    late_decided_on = serializers.DateField(allow_null=True)
    report_received_on = serializers.DateField(
        allow_null=True, help_text="The day the social work report reached the chair."
    )
    report_shared_on = serializers.DateField(
        allow_null=True, help_text="The day the family were given the social work report."
    )
    cancelled_on = serializers.DateField(allow_null=True)
    cancellation_reason = serializers.CharField(
        help_text="Why a cancelled conference was cancelled: 'not_needed', 'moved_away', "
        "'booked_again', 'mistake' or 'other'; blank for one not cancelled, or cancelled "
        "before a reason was asked."
    )
    version = serializers.IntegerField()
    children = serializers.SerializerMethodField()

    def get_children(self, conference) -> list[dict]:
        hidden = getattr(conference, "hidden_child_ids", set())
        rows = [
            r
            for r in conference.children.select_related("child", "plan").order_by("pk")
            if r.child_id not in hidden
        ]
        return ConferenceChildSerializer(rows, many=True, context=self.context).data


NO_SUCH_DATE = "There is no such date as {value}: check the day and the month."
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def no_such_date(value) -> str | None:
    """The message for a date written as YYYY-MM-DD that does not exist (2026-02-30),
    which is not a wrong format; None for anything else."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            date.fromisoformat(value.strip())
        except ValueError:
            return NO_SUCH_DATE.format(value=value.strip())
    return None


class DateField(serializers.DateField):
    """A date sent as YYYY-MM-DD; one that does not exist is said so, not called a wrong
    format."""

    def to_internal_value(self, value):
        if message := no_such_date(value):
            raise serializers.ValidationError(message)
        return super().to_internal_value(value)


UNKNOWN_FIELD = (
    "This call takes no field of this name: check its spelling against the API's "
    "documentation. Nothing was saved."
)


class Input(serializers.Serializer):
    """What a call is sent. A field it does not take is refused by name, never dropped:
    a misspelt "chiar" would otherwise book a conference with no chair."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(str(k) for k in data if k not in self.fields)
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class BookConferenceSerializer(Input):
    kind = serializers.ChoiceField(choices=ConferenceKind.choices)
    children = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=20,
        help_text="The public ids of the child, or of the brothers and sisters.",
    )  # fmt: skip
    scheduled_date = DateField()
    # Required, as on the booking page: the invitations and letters give the time.
    scheduled_time = LocalTimeField(
        help_text="The start time, HH:MM.",
        error_messages={"required": TIME_REQUIRED, "null": TIME_REQUIRED, "invalid": TIME_INVALID},
    )
    duration_minutes = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    chair = serializers.CharField(required=False, allow_blank=True, max_length=150)
    venue = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    virtual_link = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    notified_on = DateField(required=False, allow_null=True)
    confirm_reason = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class VersionedSerializer(Input):
    version = serializers.IntegerField(
        required=False, min_value=0, max_value=2_147_483_647, help_text=VERSION_HELP
    )


class AllocateChairSerializer(VersionedSerializer):
    chair = serializers.CharField(
        allow_blank=True, max_length=150, help_text="The chair's username; blank to clear."
    )


class RecommendationSerializer(Input):
    agency = serializers.CharField(allow_blank=True, max_length=10_000)
    recommendation = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ChildOutcomeSerializer(Input):
    child = serializers.UUIDField(help_text="The child's public id.")
    decision = serializers.ChoiceField(choices=Decision.choices)
    category = serializers.CharField(required=False, allow_blank=True, max_length=3)
    end_reason = serializers.CharField(required=False, allow_blank=True, max_length=16)
    attendance = serializers.ChoiceField(
        choices=ChildAttendance.choices, required=False, allow_blank=True
    )
    advocate_attended = serializers.BooleanField(required=False, default=False)
    written_views = serializers.BooleanField(required=False, default=False)
    direct_work = serializers.BooleanField(required=False, default=False)
    advocacy_offered = serializers.BooleanField(required=False, default=False)
    advocate_involved = serializers.BooleanField(required=False, default=False)
    interpreter_needed = serializers.BooleanField(required=False, default=False)
    pre_meeting_child = serializers.BooleanField(required=False, default=False)
    pre_meeting_child_not_applicable = serializers.BooleanField(required=False, default=False)
    pre_meeting_parents = serializers.BooleanField(required=False, default=False)
    worries = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    working_well = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    needs_to_happen = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    scaling_score = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                             max_value=10)  # fmt: skip
    wishes_feelings = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    outline_plan = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    dissent = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    kept_from_family = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    first_core_group_on = DateField(required=False, allow_null=True)
    recommendations = RecommendationSerializer(many=True, required=False)


class RecordConferenceSerializer(VersionedSerializer):
    held_on = DateField()
    lateness_reason = serializers.ChoiceField(
        choices=LatenessReason.choices, required=False, allow_blank=True
    )
    lateness_detail = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    outcomes = ChildOutcomeSerializer(many=True, max_length=20)


class PlanOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = ScreenedText(child="plan.child")
    version = serializers.IntegerField()


class PlanActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    outcome = serializers.IntegerField(source="outcome_id", allow_null=True)
    what = ScreenedText(child="plan.child")
    who = ScreenedText(child="plan.child")
    by_when = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    progress = ScreenedText(child="plan.child")
    version = serializers.IntegerField()


class PlanSerializer(PlanSummarySerializer):
    child = ChildRefSerializer()
    outcomes = PlanOutcomeSerializer(many=True, source="outcomes.all")
    actions = PlanActionSerializer(many=True, source="actions.all")


class NewOutcomeSerializer(Input):
    text = serializers.CharField(allow_blank=True, max_length=100_000)


class ActionProgressSerializer(VersionedSerializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    progress = serializers.CharField(allow_blank=True, max_length=100_000)


class DisputeStageSerializer(serializers.Serializer):
    stage = serializers.IntegerField()
    started_on = serializers.DateField()
    sent_to = serializers.CharField()
    responded_on = serializers.DateField(allow_null=True)
    response = ScreenedText(child="dispute.child")
    ended_on = serializers.DateField(allow_null=True)


class DisputeSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildRefSerializer()
    plan = serializers.UUIDField(source="plan.public_id", allow_null=True, default=None)
    raised_by = serializers.CharField(source="raised_by.username")
    raised_on = serializers.DateField()
    reason = serializers.CharField()
    detail = ScreenedText(child="child")
    stage = serializers.IntegerField()
    resolved_on = serializers.DateField(allow_null=True)
    resolution = ScreenedText(child="child")
    version = serializers.IntegerField()
    stages = DisputeStageSerializer(many=True, source="stages.all")


class ChallengeSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = serializers.SerializerMethodField()
    child_label = serializers.SerializerMethodField(
        help_text="The child as the challenge pages name them, for every reader: their name "
        "for roles that see names, 'Child <LA child ID>' for the partnership (who handles "
        "challenges without the child's record, so `child` is null for them), or 'Child not "
        "named' for a restricted record."
    )
    agency = serializers.CharField(source="agency.name")
    # Free text naming other agencies' staff on purpose: the family's names taken out.
    professional = ScreenedText(child="child", known_only=True)
    concern = ScreenedText(child="child", organisation="agency.name")
    raised_on = serializers.DateField()
    forwarded_on = serializers.DateField(allow_null=True)
    forwarded_to = ScreenedText(child="child", known_only=True)
    response_working_days = serializers.IntegerField()
    response_due = serializers.SerializerMethodField()
    responded_on = serializers.DateField(allow_null=True)
    response = ScreenedText(child="child", organisation="agency.name")
    outcome = serializers.CharField()
    version = serializers.IntegerField()

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_response_due(self, challenge):
        """The agreed working days from forwarding; null until it is forwarded."""
        from iro.challenge.page_selectors import challenge_response_due
        from iro.people.selectors import closure_days

        closures = self.context.get("_closures")
        if closures is None:
            closures = self.context["_closures"] = closure_days()
        due = challenge_response_due(challenge, closures)
        return due.isoformat() if due else None

    def get_child_label(self, challenge) -> str:
        from iro.challenge.page_selectors import challenge_child_name

        return challenge_child_name(_viewer(self.context), challenge.child)

    @extend_schema_field(ChildRefSerializer(allow_null=True))
    def get_child(self, challenge):
        from iro.access.scope import can_view_child

        user = _viewer(self.context)
        if not can_view_child(user, challenge.child):
            return None  # the partnership handles challenges without the child's record
        return ChildRefSerializer(challenge.child, context=self.context).data


class PageChoiceField(serializers.ChoiceField):
    """A choice the page asks with radio buttons: left out or blank, it gets the page's
    own message ("Select the outcome.")."""

    def __init__(self, *, choices, message: str, **kwargs):
        super().__init__(
            choices=choices, error_messages={"required": message, "null": message}, **kwargs
        )

    def to_internal_value(self, data):
        if data == "":
            self.fail("required")
        return super().to_internal_value(data)


def _date(what: str, **kwargs) -> serializers.DateField:
    """A date the page asks for, with the page's message when it is left out."""
    message = DATE_REQUIRED.format(what=what)
    return DateField(error_messages={"required": message, "null": message}, **kwargs)


def _text(help_text: str = "", max_length: int = 100_000) -> serializers.CharField:
    """Text the service requires (or not): left out, it is blank, so the service's one
    message shows, as the page's."""
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, help_text=help_text
    )


ADDRESSEE_HELP = (
    "The username of the member of staff who answers the dispute at this stage: a social "
    "worker or the team manager of the child's team, another team's manager or a senior "
    "manager (for a restricted child, one on its access list)."
)


class RaiseDisputeSerializer(Input):
    child = serializers.UUIDField(help_text="The child's public id.")
    plan = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The public id of the child's plan it is about; left out or null when it "
        "is not about one plan.",
    )
    raised_on = _date("the date the dispute was raised")
    reason = PageChoiceField(choices=DisputeReason.choices, message=challenge_forms.REASON_REQUIRED)
    addressed_to = _text(ADDRESSEE_HELP, max_length=150)
    detail = _text("What the IRO is worried about.")


ESCALATION_ADDRESSEE_HELP = (
    "The username of the manager who answers the dispute at the next stage, up the line: "
    "at stage 2 a team manager or a senior manager, from stage 3 a senior manager (service "
    "manager, head of service, senior leader); for a restricted child, one on its access "
    "list."
)


class EscalateDisputeSerializer(VersionedSerializer):
    escalated_on = _date("the date it was escalated")
    addressed_to = _text(ESCALATION_ADDRESSEE_HELP, max_length=150)
    note = _text("Why it is escalated (required).")


class ResolveDisputeSerializer(VersionedSerializer):
    resolved_on = _date("the date it was resolved")
    resolution = _text("How the dispute was resolved.")
    outcome = PageChoiceField(
        choices=DisputeOutcome.choices, message=challenge_forms.DISPUTE_OUTCOME_REQUIRED
    )

    def validate_resolution(self, value: str) -> str:
        # The page's own message for a blank resolution (its form says it, with the
        # outcome's, before the service is asked).
        if not value.strip():
            raise serializers.ValidationError(challenge_forms.RESOLUTION_REQUIRED)
        return value


class StageResponseSerializer(VersionedSerializer):
    responded_on = _date("the date of the response")
    response = _text("What the person the stage went to answered.")


class RaiseChallengeSerializer(Input):
    child = serializers.UUIDField(help_text="The child's public id.")
    agency = serializers.CharField(
        max_length=160,
        help_text="The name of the agency the professional works for, as a challenge's "
        "agency reads.",
        error_messages={
            "required": challenge_forms.AGENCY_REQUIRED,
            "blank": challenge_forms.AGENCY_REQUIRED,
            "null": challenge_forms.AGENCY_REQUIRED,
        },
    )
    professional = _text("The professional's role, and their name where known.", 1_000)
    concern = _text("The concern, as the partnership sends it to the professional's manager.")
    raised_on = _date("the date the challenge was raised")


class ForwardChallengeSerializer(Input):
    forwarded_to = _text("The professional's manager: their name and role.", 1_000)
    forwarded_on = _date("the date it was forwarded")


class ChallengeResponseSerializer(Input):
    responded_on = _date("the date of the response")
    outcome = PageChoiceField(
        choices=ChallengeOutcome.choices, message=challenge_forms.OUTCOME_REQUIRED
    )
    response = _text("The manager's response.")


class FeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    respondent = serializers.CharField()
    attribution = serializers.CharField()
    text = serializers.CharField()
    received_on = DateField()
    consent_to_quote = serializers.BooleanField()
    origin = serializers.CharField(
        help_text="recorded (by the IRO service) or link (given through a feedback link)"
    )


class NewFeedbackSerializer(Input):
    respondent = serializers.CharField(max_length=12)
    attribution = serializers.CharField(allow_blank=True, max_length=10_000)
    text = serializers.CharField(allow_blank=True, max_length=100_000)
    received_on = DateField()
    consent_to_quote = serializers.BooleanField(default=False)


class CensusValidateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CIN census XML file.")


class CensusImportSerializer(serializers.Serializer):
    """A census import job: how far it has gone and, once done, what it did."""

    id = serializers.UUIDField(source="public_id")
    url = serializers.SerializerMethodField()
    file_name = serializers.CharField()
    size = serializers.IntegerField(help_text="The file's size in bytes.")
    sha256 = serializers.CharField()
    source = serializers.ChoiceField(choices=["page", "api", "command"])
    started_by = serializers.CharField(source="started_by.username")
    state = serializers.ChoiceField(
        choices=["queued", "running", "done", "failed"],
        help_text="queued, running, then done (summary) or failed (error; nothing imported).",
    )
    queued_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.SerializerMethodField()
    summary = serializers.JSONField(
        help_text="Once done: children_read, added and updated by kind, skipped_count, "
        "skipped (line, la_child_id, reason; the first 1,000), not_stored, findings_by_rule."
    )
    error = serializers.CharField(help_text="Once failed: why nothing was imported.")

    def get_url(self, job) -> str:
        from django.urls import reverse

        path = reverse("api_census_import", kwargs={"public_id": job.public_id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "bytes_done": {"type": "integer"},
                "size": {"type": "integer"},
                "children_read": {"type": "integer"},
                "percent": {"type": "integer"},
            },
        }
    )
    def get_progress(self, job) -> dict:
        from iro.census.jobs import progress_of

        return progress_of(job)
