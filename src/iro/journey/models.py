"""The child's journey: episodes, strategy discussions, S47s, conferences, plans.

Facts only. Due dates are never stored: they are computed from these records by
``iro.timescales`` (see ``journey.selectors``). Writes go through
``journey.services``, which validate and keep the history rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class LiveManager(models.Manager):
    """The default manager of a record that can be voided: voided rows are left out, so
    every list, due date and measure reads only live records. ``all_objects`` keeps them
    (history, restore). Forward foreign keys use the base manager and still reach a voided
    record; joins through a relation are not filtered (see ``LiveConferenceRowManager``)."""

    def get_queryset(self):
        return super().get_queryset().filter(voided_at__isnull=True)


class AllRecordsManager(models.Manager):
    """Every row, voided or not: for history, the subject access export and restores."""


class Voidable(models.Model):
    """A record a manager can void (wrongly entered) and restore; ``journey.corrections``
    is the one write path, and ``Correction`` keeps every void and restore."""

    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    void_reason = models.TextField(blank=True, editable=False)

    objects = LiveManager()
    all_objects = AllRecordsManager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class LiveConferenceRowManager(models.Manager):
    """A child's row at a voided conference, or a row voided on its own (a child listed
    at a held conference by mistake), counts nowhere: every query that starts from
    ``ConferenceChild.objects`` (the measures, due dates, lists) leaves it out."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(voided_at__isnull=True, conference__voided_at__isnull=True)
        )


class Category(models.TextChoices):
    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    EMO = "EMO", "Emotional abuse"
    SAB = "SAB", "Sexual abuse"
    MUL = "MUL", "Multiple"


class ReferralSource(models.TextChoices):
    S1A = "1A", "Individual: family member, relative or carer"
    S1B = "1B", "Individual: acquaintance"
    S1C = "1C", "Individual: self"
    S1D = "1D", "Individual: other"
    S2A = "2A", "Schools"
    S2B = "2B", "Education services"
    S3A = "3A", "Health: GP"
    S3B = "3B", "Health: health visitor"
    S3C = "3C", "Health: school nurse"
    S3D = "3D", "Health: other primary health services"
    S3E = "3E", "Health: A&E"
    S3F = "3F", "Health: other"
    S4 = "4", "Housing"
    S5A = "5A", "LA services: social care"
    S5B = "5B", "LA services: other internal"
    S5C = "5C", "LA services: external"
    S5D = "5D", "LA services: early help"
    S6 = "6", "Police"
    S7 = "7", "Other legal agency"
    S8 = "8", "Other"
    S9 = "9", "Anonymous"
    S10 = "10", "Unknown"


class PrimaryNeed(models.TextChoices):
    N0 = "N0", "Not stated"
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental disability or illness"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"


class ClosureReason(models.TextChoices):
    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to another local authority"
    RC6 = "RC6", "Transferred to adult social care"
    RC7 = "RC7", "Case closed for any other reason"
    RC8 = "RC8", "Closed after assessment, no further action"
    RC9 = "RC9", "Closed after assessment, referred to early help"


class Episode(Voidable):
    """A Child in Need episode, opened by a referral (voided: a referral wrongly entered,
    ``journey.corrections.void_referral``)."""

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="episodes")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=2, choices=ReferralSource.choices, blank=True)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ClosureReason.choices, blank=True)
    referral_nfa = models.BooleanField("referral: no further action", default=False)
    icpc_date = models.DateField(
        "initial conference date given on the episode",
        null=True,
        blank=True,
        help_text="A census return's episode-level ICPC date, where the return has no "
        "Section 47 enquiry for it (so no conference is recorded). ICPCs held in iro are "
        "conferences, never this date.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "referral_date", "pk"]
        indexes = [
            models.Index(fields=["child", "referral_date"]),
            # The episodes open on a day: the coordinator's enquiries waiting for a conference.
            models.Index(fields=["closure_date"]),
        ]

    def __str__(self) -> str:
        return f"Episode from {self.referral_date:%-d %b %Y}"


class CinPlanPeriod(models.Model):
    """A Child in Need plan (the step down from, or before, a child protection plan)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="cin_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return f"Child in Need plan from {self.start_date:%-d %b %Y}"


class AssessmentFactor(models.TextChoices):
    """The factors identified at the end of an assessment, as the census codes them (the
    DfE's descriptions, shortened). 18A and 19A are the older codes the DfE now queries
    (8945Q, 8950Q); they are kept so older returns go in."""

    F1A = "1A", "Alcohol misuse by the child"
    F1B = "1B", "Alcohol misuse by the parents or carers"
    F1C = "1C", "Alcohol misuse by another person in the household"
    F2A = "2A", "Drug misuse by the child"
    F2B = "2B", "Drug misuse by the parents or carers"
    F2C = "2C", "Drug misuse by another person in the household"
    F3A = "3A", "Domestic violence: the child is the subject"
    F3B = "3B", "Domestic violence: the parents or carers are the subject"
    F3C = "3C", "Domestic violence: another person in the household is the subject"
    F4A = "4A", "Mental health of the child"
    F4B = "4B", "Mental health of the parents or carers"
    F4C = "4C", "Mental health of another person in the family or household"
    F5A = "5A", "Learning disability of the child"
    F5B = "5B", "Learning disability of the parents or carers"
    F5C = "5C", "Learning disability of another person in the family or household"
    F6A = "6A", "Physical disability or illness of the child"
    F6B = "6B", "Physical disability or illness of the parents or carers"
    F6C = "6C", "Physical disability or illness of another person in the family or household"
    F7A = "7A", "Young carer"
    F8B = "8B", "Privately fostered: overseas child who intends to return"
    F8C = "8C", "Privately fostered: overseas child who intends to stay"
    F8D = "8D", "Privately fostered: UK child in an educational placement"
    F8E = "8E", "Privately fostered: UK child in an alternative family arrangement"
    F8F = "8F", "Privately fostered: other"
    F9A = "9A", "Unaccompanied asylum-seeking child"
    F10A = "10A", "Missing"
    F11A = "11A", "Child sexual exploitation"
    F12A = "12A", "Trafficking"
    F13A = "13A", "Gangs"
    F14A = "14A", "Socially unacceptable behaviour"
    F15A = "15A", "Self-harm"
    F16A = "16A", "Neglect"
    F17A = "17A", "Emotional abuse"
    F18A = "18A", "Physical abuse (older code)"
    F18B = "18B", "Physical abuse, child on child"
    F18C = "18C", "Physical abuse, adult on child"
    F19A = "19A", "Sexual abuse (older code)"
    F19B = "19B", "Sexual abuse, child on child"
    F19C = "19C", "Sexual abuse, adult on child"
    F20 = "20", "Other"
    F21 = "21", "No factors identified"
    F22A = "22A", "Female genital mutilation"
    F23A = "23A", "Abuse linked to faith or belief"
    F24A = "24A", "Child criminal exploitation"


class Assessment(models.Model):
    """A Child in Need assessment of the episode: started, and authorised when complete,
    with the factors it identified (census codes, ``AssessmentFactor``)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    start_date = models.DateField()
    internal_review_date = models.DateField(null=True, blank=True)
    authorisation_date = models.DateField(null=True, blank=True)
    factors = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return f"Assessment from {self.start_date:%-d %b %Y}"

    def factor_labels(self) -> list[str]:
        labels = dict(AssessmentFactor.choices)
        return [labels.get(code, code) for code in self.factors]


class StrategyDiscussion(Voidable):
    """Social care, police and health decide whether a Section 47 enquiry is needed."""

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Strategy discussion on {self.held_on:%-d %b %Y}"


class Section47(Voidable):
    """A Section 47 enquiry. Its start date is the strategy discussion's date."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="section47s")
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="section47",
    )
    start_date = models.DateField()
    icpc_not_required = models.BooleanField("ICPC not required", default=False)
    icpc_requested_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = "Section 47 enquiry"
        verbose_name_plural = "Section 47 enquiries"
        indexes = [models.Index(fields=["start_date"])]

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.start_date:%-d %b %Y}"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"


class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class CancellationReason(models.TextChoices):
    """Why a booked conference was cancelled (a new date is a reschedule, not this)."""

    NOT_NEEDED = "not_needed", "Not needed any more: the enquiry or the plan has moved on"
    MOVED_AWAY = "moved_away", "The family moved out of the area"
    BOOKED_AGAIN = (
        "booked_again",
        "Booked again as another conference, for example with brothers or sisters",
    )
    MISTAKE = "mistake", "Booked by mistake"
    OTHER = "other", "Another reason"


class LatenessReason(models.TextChoices):
    INTERPRETER = "interpreter", "Interpreter availability"
    CHILD_PREPARING = "child_preparing", "Child wishes to attend and needs time to prepare"
    UNAVAILABLE = "unavailable", "Family or professional unavailable"
    REPORTS_NOT_READY = "reports_not_ready", "Reports not ready"
    TRANSFER = "transfer", "Transfer from another authority"
    OTHER = "other", "Other"


class LateDecision(models.TextChoices):
    """A manager's decision on a conference held outside timescale ("" while waiting)."""

    AGREED = "agreed", "Agreed"
    NOT_AGREED = "not_agreed", "Reason not accepted"


class Conference(Voidable):
    """One meeting. A sibling group is one conference with a row per child."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=ConferenceKind.choices)
    status = models.CharField(
        max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.SCHEDULED
    )
    scheduled_date = models.DateField(null=True, blank=True)
    scheduled_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=120, help_text="How long the chair is booked for, in minutes."
    )
    held_on = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    virtual_link = models.URLField(blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_conferences",
    )
    notified_on = models.DateField(
        null=True, blank=True, help_text="Transfer-in: the date the authority was notified."
    )
    lateness_reason = models.CharField(max_length=20, choices=LatenessReason.choices, blank=True)
    lateness_detail = models.TextField(blank=True)
    late_decision = models.CharField(
        "manager's decision on the lateness",
        max_length=10,
        choices=LateDecision.choices,
        blank=True,
        help_text="Empty while the lateness waits for a manager's decision.",
    )
    late_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_decided_on = models.DateField(null=True, blank=True)
    late_decision_comment = models.TextField(
        "manager's comment on the lateness",
        blank=True,
        help_text="Required when the reason is not accepted, optional when agreed.",
    )
    # The social work report for the conference (the local authority's): the day it
    # reached the chair, and the day the family were given it to read.
    report_received_on = models.DateField(
        "social work report received by the chair on", null=True, blank=True
    )
    report_shared_on = models.DateField(
        "social work report shared with the family on", null=True, blank=True
    )
    minutes_sent_on = models.DateField(
        "minutes and plan sent on",
        null=True,
        blank=True,
        help_text="The day the coordinator sent the minutes and plan to those invited.",
    )
    minutes_replaced_sent_on = models.DateField(
        "earlier minutes sent on",
        null=True,
        blank=True,
        help_text=(
            "The day minutes were sent that a later amendment of the record made out of "
            "date: the amended minutes say they replace them, and are to be sent again."
        ),
    )
    from_return = models.BooleanField(
        "loaded from a census return",
        default=False,
        help_text="Held before iro and loaded from a census return: its invitations, "
        "minutes and letters were the previous system's, so no work queue asks for them.",
    )
    booking_warnings = models.TextField(
        blank=True,
        help_text="Why the booked date needed a confirmation (not a working day, in the "
        "past, after the due date), as the booking service said it.",
    )
    booking_reason = models.TextField(
        blank=True, help_text="The reason given when the booking was confirmed anyway."
    )
    cancelled_on = models.DateField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancellation_reason = models.CharField(
        max_length=20,
        choices=CancellationReason.choices,
        blank=True,
        help_text="Empty for a conference not cancelled, or cancelled before reasons were asked.",
    )
    cancellation_detail = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-scheduled_date", "pk"]
        indexes = [
            models.Index(fields=["kind", "held_on"]),
            models.Index(fields=["chair", "scheduled_date"]),
            # Held on or between dates whatever the kind: the first conference (the
            # periods a report offers), the last 90 days' minutes to send.
            models.Index(fields=["held_on"], name="conference_held_on_idx"),
            # The few conferences booked and not yet held, among every one ever held: the
            # work queues' bookings (a region's 180,000 conferences, about 50 booked).
            models.Index(
                fields=["scheduled_date"],
                name="conference_booked_idx",
                condition=Q(status="scheduled", voided_at__isnull=True),
            ),
            # Held late with a reason no manager has decided on yet.
            models.Index(
                fields=["held_on"],
                name="conference_late_to_decide_idx",
                condition=Q(late_decision="") & ~Q(lateness_reason=""),
            ),
            # Late reasons a manager did not accept, by the day decided: the service
            # manager's queue of the last 90 days (a parallel scan of a region's
            # conferences, 19 ms, where the few not accepted are wanted).
            models.Index(
                fields=["late_decided_on"],
                name="conference_not_accepted_idx",
                condition=Q(late_decision="not_agreed"),
            ),
        ]

    def __str__(self) -> str:
        when = self.held_on or self.scheduled_date
        return f"{self.get_kind_display()} ({when:%-d %b %Y})" if when else self.get_kind_display()

    def get_absolute_url(self) -> str:
        """The conference's page (the reader's access is checked there)."""
        return reverse("conference_detail", args=[self.public_id])

    def when_words(self) -> str:
        """When it is booked, as words following "the conference": "on Tue 22 Dec 2026
        at 10:00", "on Tue 22 Dec 2026" (no time yet), "with no date yet"."""
        day, at = self.scheduled_date, self.scheduled_time
        if day is None:
            return "with no date yet"
        words = f"on {day:%a} {day.day} {day:%b %Y}"
        return words + f" at {at:%H:%M}" if at else words

    # Booked for a day gone by: still scheduled for a day before ``day``, so held and not
    # recorded, or neither moved nor cancelled. The child's record says nothing of it, so
    # it is listed to record and takes no invitation. One rule, as a filter and of one.
    @staticmethod
    def gone_by(day) -> Q:
        return Q(status=ConferenceStatus.SCHEDULED, scheduled_date__lt=day)

    def is_gone_by(self, day) -> bool:
        return (
            self.status == ConferenceStatus.SCHEDULED
            and self.scheduled_date is not None
            and self.scheduled_date < day
        )


class Decision(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No child protection plan"
    CONTINUE = "continue", "Continue the plan"
    END = "end", "End the plan"


class ChildAttendance(models.TextChoices):
    IN_PERSON = "in_person", "Attended in person"
    VIRTUAL = "virtual", "Attended virtually"
    PART = "part", "Attended for part"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class ConferenceChild(Voidable):
    """One child at one conference: their S47 or plan, decision and participation.

    Voided on its own when the child was recorded at a held conference by mistake
    (``journey.corrections.void_conference_child``); the conference stands for the
    others."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="conference_rows"
    )
    section47 = models.ForeignKey(
        Section47,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conference_rows",
        help_text="At an initial conference: the enquiry that led to it.",
    )
    plan = models.ForeignKey(
        "journey.Plan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conference_rows",
        help_text=(
            "At a review: the plan reviewed. "
            "At an initial or transfer-in conference: the plan it started."
        ),
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    category = models.CharField(max_length=3, choices=Category.choices, blank=True)
    attendance = models.CharField(max_length=16, choices=ChildAttendance.choices, blank=True)
    advocate_attended = models.BooleanField(default=False)
    written_views = models.BooleanField(default=False)
    direct_work = models.BooleanField(default=False)
    advocacy_offered = models.BooleanField(default=False)
    advocate_involved = models.BooleanField(default=False)
    interpreter_needed = models.BooleanField(default=False)
    pre_meeting_child = models.BooleanField("chair met the child beforehand", default=False)
    pre_meeting_child_not_applicable = models.BooleanField(
        "too young to meet the chair", default=False
    )
    pre_meeting_parents = models.BooleanField("chair met the parents beforehand", default=False)
    worries = models.TextField(blank=True)
    working_well = models.TextField(blank=True)
    needs_to_happen = models.TextField(blank=True)
    scaling_score = models.PositiveSmallIntegerField(null=True, blank=True)
    wishes_feelings = models.TextField(
        "the child's wishes and feelings",
        blank=True,
        help_text="In the child's words, or how they were gathered (or why they could not be).",
    )
    outline_plan = models.TextField("outline child protection plan", blank=True)
    dissent = models.TextField(
        blank=True, help_text="Who disagreed with the decision, and why. Blank: nobody."
    )
    kept_from_family = models.TextField(
        "information kept from the family",
        blank=True,
        help_text=(
            "What an agency shared at the conference that the family must not read (for "
            "example police information about another adult): shown to the professionals "
            "on the conference's page, never in the minutes, the plan or a letter."
        ),
    )
    first_core_group_on = models.DateField(
        "date of the first core group meeting", null=True, blank=True
    )
    history = HistoricalRecords()

    objects = LiveConferenceRowManager()
    all_objects = AllRecordsManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conference", "child"], name="one_row_per_child"),
        ]
        indexes = [models.Index(fields=["child", "conference"])]

    def __str__(self) -> str:
        return f"{self.child} at {self.conference}"


class ConferenceRecommendation(models.Model):
    """One agency's recommendation for one child at a conference."""

    conference_child = models.ForeignKey(
        ConferenceChild, on_delete=models.CASCADE, related_name="recommendations"
    )
    agency = models.CharField(
        max_length=160, help_text="The agency or role, for example Health (St Mary's)."
    )
    recommendation = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["conference_child", "pk"]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_recommendation_display()}"


class ConferenceAmendment(models.Model):
    """A correction of a held conference's record: who, when, why and what changed.

    ``changes`` is the readable difference, written by the amending service in the same
    transaction: ``[{"child": pk, "field": label, "before": text, "after": text}]``.
    The full earlier rows stay in the history tables too."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="amendments")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.TextField()
    version = models.PositiveIntegerField(help_text="The conference's version after it.")
    changes = models.JSONField(default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "amended_at", "pk"]

    def __str__(self) -> str:
        return f"Amended on {self.amended_at:%-d %b %Y} by {self.amended_by}"


class PlanEndReason(models.TextChoices):
    STEP_DOWN_CIN = "step_down_cin", "Stepped down to a Child in Need plan"
    CLOSED = "closed", "Case closed"
    LOOKED_AFTER = "looked_after", "Became looked after"
    TRANSFERRED_OUT = "transferred_out", "Moved to another authority"
    ADULT = "adult", "Reached 18"
    DIED = "died", "Died"
    OTHER = "other", "Other"


class Plan(Voidable):
    """A child protection plan. Its reviews are the review conferences linked to it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="plans")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=Category.choices)
    latest_category = models.CharField(max_length=3, choices=Category.choices)
    previous_plans = models.PositiveSmallIntegerField("number of previous plans", default=0)
    end_reason = models.CharField(max_length=16, choices=PlanEndReason.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "start_date", "pk"]
        indexes = [
            models.Index(fields=["start_date"]),
            models.Index(fields=["end_date"]),
        ]

    def __str__(self) -> str:
        return f"Plan from {self.start_date:%-d %b %Y} ({self.get_latest_category_display()})"


# ------------------------------------------------- conference arrangements and the plan
# Invitations, the chair's meetings before the conference, and the plan's outcomes,
# actions and core group. Written by journey.services and journey.plan_services.


class InviteeRole(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    RELATIVE = "relative", "Relative or family friend"
    CHILD = "child", "Child or young person"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    SCHOOL = "school", "School or education"
    ADVOCATE = "advocate", "Advocate"
    INTERPRETER = "interpreter", "Interpreter"
    OTHER = "other", "Other professional"


class InviteeAttendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    PART = "part", "Attended for part"
    VIRTUAL = "virtual", "Attended virtually"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class CalendarEntry(models.Model):
    """The conference as a calendar event: a UID that never changes and the RFC 5545
    SEQUENCE, raised each time the date, time or place changes or it is cancelled."""

    conference = models.OneToOneField(
        Conference, on_delete=models.CASCADE, related_name="calendar_entry"
    )
    uid = models.CharField(max_length=200, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.uid} (sequence {self.sequence})"


class Invitation(models.Model):
    """Someone invited to a conference, and whether they came."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(max_length=160)
    role = models.CharField(max_length=16, choices=InviteeRole.choices)
    agency = models.ForeignKey(
        "people.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True, help_text="For a posted letter.")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_sequence = models.PositiveIntegerField(
        null=True, blank=True, help_text="The calendar sequence of the last email sent."
    )
    # The day and time the last invitation sent or posted gave: what the person holds,
    # which a cancellation names (a later move never sent or posted is not).
    sent_for_date = models.DateField(null=True, blank=True)
    sent_for_time = models.TimeField(null=True, blank=True)
    cancellation_posted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a letter saying the conference is cancelled was posted to someone "
        "invited by letter.",
    )
    attendance = models.CharField(max_length=16, choices=InviteeAttendance.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class PreMeeting(models.Model):
    """The chair's meetings with the child and the parents before the conference, and
    the arrangements they lead to. The yes/no facts the reports count live on
    ``ConferenceChild``; this keeps the dates and details."""

    conference_child = models.OneToOneField(
        ConferenceChild, on_delete=models.CASCADE, related_name="pre_meeting"
    )
    child_met_on = models.DateField(null=True, blank=True)
    parents_met_on = models.DateField(null=True, blank=True)
    advocate_organisation = models.CharField(max_length=160, blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Before the conference: {self.conference_child}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


# An action still to do: past its "by when" on an open plan, it is overdue.
OPEN_ACTION_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class PlanOutcome(models.Model):
    """What the plan wants to be different for the child, in the family's words."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanAction(models.Model):
    """What needs to happen, by whom, by when; its status is revisited at each review."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(
        PlanOutcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    what = models.TextField()
    who = models.CharField(max_length=160)
    agency = models.ForeignKey(
        "people.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_when = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    progress = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "by_when", "pk"]

    def __str__(self) -> str:
        return f"{self.what[:60]} ({self.who}, by {self.by_when:%-d %b %Y})"


class CoreGroupMember(models.Model):
    """A member of the core group that works the plan between conferences."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="core_group")
    name = models.CharField(max_length=160)
    role = models.CharField(max_length=16, choices=InviteeRole.choices)
    agency = models.ForeignKey(
        "people.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "left_on", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


# ------------------------------------------------------------------ corrections (voids)


class CorrectionKind(models.TextChoices):
    REFERRAL = "referral", "Referral"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    SECTION47 = "section47", "Section 47 enquiry"
    CONFERENCE = "conference", "Conference"
    CONFERENCE_CHILD = "conference_child", "A child's part in a conference"
    PLAN = "plan", "Child protection plan"
    PLAN_END = "plan_end", "End of a child protection plan"
    DISPUTE = "dispute", "Dispute"
    CHALLENGE = "challenge", "Multi-agency challenge"


class CorrectionAction(models.TextChoices):
    VOID = "void", "Voided"
    RESTORE = "restore", "Restored"


CORRECTIONS_APPEND_ONLY = "The log of voids and restores is append-only."


class CorrectionQuerySet(models.QuerySet):
    """No bulk change or delete through the ORM: the log is the history of corrections."""

    def update(self, **kwargs):
        raise ValueError(CORRECTIONS_APPEND_ONLY)

    def delete(self):
        raise ValueError(CORRECTIONS_APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError(CORRECTIONS_APPEND_ONLY)


class Correction(models.Model):
    """One void or restore of a wrongly entered record, for one child it concerns.

    Append-only, written by ``journey.corrections`` in the same transaction as the change:
    the child's page shows "voided on … by … because …" from these rows, and a plan end's
    row keeps the end it took away (``undone``) so a restore can put it back.
    """

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=CorrectionKind.choices)
    record_id = models.PositiveBigIntegerField()
    what = models.CharField(max_length=200, help_text="The record, as it read when voided.")
    action = models.CharField(max_length=8, choices=CorrectionAction.choices)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    undone = models.JSONField(default=dict, blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["child", "at"]),
            models.Index(fields=["kind", "record_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.what}: {self.get_action_display().lower()} {self.at:%-d %b %Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(CORRECTIONS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(CORRECTIONS_APPEND_ONLY)
