"""The IRO's challenge and the service's own records around a conference.

- Disputes (DRP): the IRO challenges children's services about a child's plan. A dispute
  starts informally (stage 1) and escalates one stage at a time up to stage 8; each stage
  it reaches is a ``DisputeStage`` row, and it is resolved at the stage it is at.
- Multi-agency challenges (MACP): a concern about another agency's professional, sent to
  the safeguarding partnership, forwarded to that professional's manager, answered.
- Feedback after a conference, with the giver's consent (or not) to quote it.
- Action plan targets: per reporting year and measure, set by the IRO service manager.

Facts only; writes go through ``challenge.services`` (history rows kept), reads of
children's data through ``challenge.selectors``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from iro.journey.models import Voidable
from iro.people.models import Role


class DisputeReason(models.TextChoices):
    """The primary reason for a dispute; the keys are the report's (metrics.md)."""

    ASSESSMENT = "assessment", "Quality or delay in assessments"
    PLANNING = "planning", "Planning"
    PRACTICE = "practice", "Practice"
    PROGRESS = "progress", "Progress"


class Stage(models.IntegerChoices):
    """The stages of the Dispute Resolution Process, lowest first."""

    INFORMAL = 1, "Informal challenge (stage 1)"
    STAGE_2 = 2, "Stage 2: team manager"
    STAGE_3 = 3, "Stage 3: service manager"
    STAGE_4 = 4, "Stage 4: head of service"
    STAGE_5 = 5, "Stage 5: senior leadership"
    STAGE_6 = 6, "Stage 6: senior leadership"
    STAGE_7 = 7, "Stage 7: senior leadership"
    STAGE_8 = 8, "Stage 8: Director of Children's Services"


FINAL_STAGE = Stage.STAGE_8

# An escalation goes up the line from the child's social worker: stage 2 to a team
# manager (or someone more senior), stages 3 and on to a service manager, head of
# service or senior leader (the senior manager role).
TEAM_MANAGER_OR_ABOVE = frozenset({Role.TEAM_MANAGER, Role.SENIOR_MANAGER})
SENIOR_MANAGERS = frozenset({Role.SENIOR_MANAGER})


def escalation_roles(stage: int) -> frozenset[str]:
    """The roles a dispute escalated to ``stage`` may be addressed to."""
    return TEAM_MANAGER_OR_ABOVE if stage <= Stage.STAGE_2 else SENIOR_MANAGERS


def escalation_words(stage: int) -> str:
    """Who a dispute escalated to ``stage`` goes to, in words."""
    if stage <= Stage.STAGE_2:
        return "a team manager, or a more senior manager"
    return "a service manager, head of service or senior leader"


def stage_report_key(stage: int) -> str:
    """The key metrics.md gives a resolution stage: informal, stage_2 .. stage_4, stage_5_to_8."""
    if stage == Stage.INFORMAL:
        return "informal"
    if stage >= Stage.STAGE_5:
        return "stage_5_to_8"
    return f"stage_{stage}"


class DisputeOutcome(models.TextChoices):
    """The IRO's view of a dispute's resolution, chosen when accepting it (metrics.md keys)."""

    CONCERN_ADDRESSED = "concern_addressed", "The concern was addressed"
    PARTLY_ADDRESSED = "partly_addressed", "The concern was partly addressed"
    NOT_ADDRESSED = "not_addressed", "The concern was not addressed, but the IRO went no further"
    WITHDRAWN = "withdrawn", "The IRO withdrew the dispute"


class Dispute(Voidable):
    """One dispute about one child's plan, raised by an IRO."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="disputes")
    plan = models.ForeignKey(
        "journey.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="disputes"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_raised"
    )
    raised_on = models.DateField()
    reason = models.CharField("primary reason", max_length=12, choices=DisputeReason.choices)
    detail = models.TextField(blank=True)
    stage = models.PositiveSmallIntegerField(
        choices=Stage.choices, default=Stage.INFORMAL, help_text="The stage it is at now."
    )
    resolved_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    outcome = models.CharField(
        max_length=20,
        choices=DisputeOutcome.choices,
        blank=True,
        help_text="The IRO's view of the resolution. Blank: not recorded (older records).",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "pk"]
        indexes = [
            models.Index(fields=["raised_on"]),
            models.Index(fields=["resolved_on"]),
        ]

    def __str__(self) -> str:
        return f"Dispute raised {self.raised_on:%-d %b %Y} ({self.get_reason_display()})"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_on is not None

    @property
    def resolved_at_key(self) -> str | None:
        return stage_report_key(self.stage) if self.is_resolved else None


class DisputeStage(models.Model):
    """A stage a dispute reached: when, who it went to, and the response."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="stages")
    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    started_on = models.DateField()
    sent_to = models.CharField(
        max_length=160, blank=True, help_text="The manager the dispute went to at this stage."
    )
    note = models.TextField(blank=True)
    responded_on = models.DateField(
        null=True, blank=True, help_text="When the manager at this stage responded."
    )
    response = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # The person the stage is addressed to: they see it in their work list and answer
    # it. ``sent_to`` keeps their name and job as it was (and the text of older stages).
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispute_stages_addressed",
        help_text="The member of staff who answers the dispute at this stage.",
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who wrote the response in iro.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["dispute", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "stage"], name="one_row_per_dispute_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} from {self.started_on:%-d %b %Y}"


class StageTimescale(models.Model):
    """The authority's response timescale for a dispute stage, in working days."""

    stage = models.PositiveSmallIntegerField(choices=Stage.choices, unique=True)
    working_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["stage"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.working_days} working days"


# The safeguarding partnership's protocol: the professional's manager answers a
# multi-agency challenge within 20 working days of it being forwarded (local agreement,
# not statute; domain.md gives no figure). The partnership may agree another per challenge.
CHALLENGE_RESPONSE_WORKING_DAYS = 20
CHALLENGE_RESPONSE_MAX_WORKING_DAYS = 120


class ChallengeOutcome(models.TextChoices):
    UPHELD = "upheld", "Concern upheld: action agreed"
    PARTLY_UPHELD = "partly_upheld", "Concern partly upheld"
    NOT_UPHELD = "not_upheld", "Concern not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MultiAgencyChallenge(Voidable):
    """An IRO's concern about another agency's professional (MACP)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="multi_agency_challenges"
    )
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="challenges")
    professional = models.CharField(
        max_length=160, help_text="The professional's role (and name where known)."
    )
    concern = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenges_raised"
    )
    raised_on = models.DateField()
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenges_forwarded",
    )
    forwarded_on = models.DateField(null=True, blank=True)
    forwarded_to = models.CharField(
        max_length=160, blank=True, help_text="The professional's manager."
    )
    response_working_days = models.PositiveSmallIntegerField(
        "working days for the response",
        default=CHALLENGE_RESPONSE_WORKING_DAYS,
        help_text="The response is due this many working days after the challenge is "
        "forwarded (the partnership's protocol: 20, unless agreed otherwise).",
    )
    responded_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=ChallengeOutcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "pk"]
        indexes = [models.Index(fields=["raised_on"])]
        verbose_name = "multi-agency challenge"

    def __str__(self) -> str:
        return f"Challenge to {self.agency} raised {self.raised_on:%-d %b %Y}"


class Respondent(models.TextChoices):
    """Who gave the feedback; the keys are ``feedback_received``'s (metrics.md)."""

    CHILD = "child", "Child or young person"
    PARENT_OR_CARER = "parent_or_carer", "Parent or carer"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Someone else"


# How a published quote is attributed: always a role, never a name.
ATTRIBUTION: dict[str, str] = {
    Respondent.CHILD: "A young person",
    Respondent.PARENT_OR_CARER: "A parent or carer",
    Respondent.PROFESSIONAL: "A professional",
    Respondent.OTHER: "Someone at the conference",
}

# The fixed questions a giver may rate from 1 (not at all) to 5 (completely): the field
# on ``Feedback`` and the question as asked. The report shows each question's average.
RATING_QUESTIONS: dict[str, str] = {
    "rating_understood": "I understood why the conference happened",
    "rating_listened_to": "I was listened to",
    "rating_plan_clear": "The plan is clear",
}
RATING_MIN, RATING_MAX = 1, 5


class Theme(models.TextChoices):
    """What the feedback was about; the recorder or the IRO service manager ticks them."""

    PREPARATION = "preparation", "Being prepared for the conference"
    BEING_HEARD = "being_heard", "Being listened to"
    UNDERSTANDING = "understanding", "Understanding the worries and the plan"
    THE_CHAIR = "the_chair", "How the chair ran the conference"
    REPORTS = "reports", "Reports shared before the conference"
    PRACTICAL = "practical", "Time, place and access"
    WORKING_TOGETHER = "working_together", "Professionals working together"


class QuoteStatus(models.TextChoices):
    """Whether the IRO service manager has approved the feedback to be quoted."""

    AWAITING = "awaiting", "Awaiting approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Not to be quoted"


class FeedbackOrigin(models.TextChoices):
    """How the feedback reached iro."""

    RECORDED = "recorded", "Recorded by the IRO service"
    LINK = "link", "Given through a feedback link"


class Feedback(models.Model):
    """What someone said about a conference: ratings, a comment, and whether it may be
    quoted. A quote is published only after the IRO service manager approves a wording
    of it (``published_wording``: no name, checked by ``iro.names``) and features it in
    its year's annual report (``featured_in``); the comment as given is kept unchanged.

    Feedback is recorded by a member of the IRO service (``recorded_by``), or given by
    the person themselves through their single-use feedback link (``origin`` LINK, no
    one recorded it: ``recorded_by`` is empty and the link says which invitation)."""

    conference = models.ForeignKey(
        "journey.Conference", on_delete=models.PROTECT, related_name="feedback"
    )
    respondent = models.CharField(max_length=16, choices=Respondent.choices)
    # How the recorder noted who said it. Never published: a quote is attributed by role.
    attribution = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True, help_text="The comment, as given.")
    received_on = models.DateField()
    consent_to_quote = models.BooleanField(default=False)
    rating_understood = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_listened_to = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_plan_clear = models.PositiveSmallIntegerField(null=True, blank=True)
    themes = models.JSONField(default=list, blank=True, help_text="Keys of Theme.")
    quote_status = models.CharField(
        max_length=8, choices=QuoteStatus.choices, default=QuoteStatus.AWAITING
    )
    published_wording = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_on = models.DateField(null=True, blank=True)
    featured_in = models.CharField(
        max_length=7,
        blank=True,
        help_text="The reporting year (such as 2025-26) whose annual report quotes it.",
    )
    origin = models.CharField(
        max_length=8, choices=FeedbackOrigin.choices, default=FeedbackOrigin.RECORDED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "pk"]
        indexes = [
            models.Index(fields=["received_on"]),
            models.Index(fields=["featured_in"]),
        ]
        constraints = [
            # Staff feedback names who recorded it; only a link's has no recorder.
            models.CheckConstraint(
                condition=models.Q(origin="link") | models.Q(recorded_by__isnull=False),
                name="feedback_recorded_by_staff_or_given_by_link",
            )
        ]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"Feedback from {self.get_respondent_display().lower()} ({self.received_on})"

    @property
    def role_attribution(self) -> str:
        return ATTRIBUTION.get(self.respondent, ATTRIBUTION[Respondent.OTHER])

    @property
    def quotable(self) -> bool:
        """Given with consent and with words to quote."""
        return self.consent_to_quote and bool(self.text.strip())

    def ratings(self) -> dict[str, int | None]:
        return {field: getattr(self, field) for field in RATING_QUESTIONS}

    def rating_lines(self) -> list[tuple[str, int]]:
        """The questions answered, as asked, with their rating."""
        return [
            (question, getattr(self, field))
            for field, question in RATING_QUESTIONS.items()
            if getattr(self, field) is not None
        ]

    def theme_labels(self) -> list[str]:
        return [Theme(t).label for t in self.themes if t in Theme.values]


# ------------------------------------------------------------ feedback links
# After a conference is held each person invited gets a single-use link (by email) or a
# short code (in a posted letter) to a feedback form that needs no account
# (``challenge.feedback_links``). Only hashes of the secrets are kept.


class FeedbackLink(models.Model):
    """One invitee's single-use way in to the feedback form of a held conference.

    ``token_hash`` is the SHA-256 of the secret in the emailed link; ``code_hash`` that
    of the short code printed on the posted letter (made when the letter is printed, a
    reprint replacing it). Neither secret is stored: a lost one is replaced, never
    recovered. The respondent kind and the language are copied from the invitation when
    the link is made, so the public form reads nothing about the family."""

    invitation = models.OneToOneField(
        "journey.Invitation", on_delete=models.PROTECT, related_name="feedback_link"
    )
    conference = models.ForeignKey(
        "journey.Conference", on_delete=models.PROTECT, related_name="feedback_links"
    )
    respondent = models.CharField(max_length=16, choices=Respondent.choices)
    language = models.CharField(
        max_length=10, default="en-gb", help_text="The language code the form is shown in."
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    code_made_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    feedback = models.OneToOneField(
        Feedback, null=True, blank=True, on_delete=models.PROTECT, related_name="link"
    )
    history = HistoricalRecords(excluded_fields=["token_hash", "code_hash"])

    class Meta:
        ordering = ["conference", "pk"]

    def __str__(self) -> str:
        return f"Feedback link for invitation {self.invitation_id}"


class TargetMeasure(models.TextChoices):
    """The measures of metrics.md a target can be set for (the key is the measure's key)."""

    CHILDREN_ON_PLAN_AT_PERIOD_END = (
        "children_on_plan_at_period_end",
        "Children on a plan at the year end",
    )
    PLANS_STARTED_SECOND_OR_SUBSEQUENT = (
        "plans_started_second_or_subsequent",
        "Plans that are a second or later plan (%)",
    )
    ICPC_WITHIN_15_WORKING_DAYS = (
        "icpc_within_15_working_days",
        "Initial conferences within 15 working days (%)",
    )
    REVIEWS_ON_TIME = "reviews_on_time", "Children whose reviews were all on time (%)"
    REVIEW_CONFERENCES_IN_TIMESCALE = (
        "review_conferences_in_timescale",
        "Review conferences in timescale (%)",
    )
    CHILDREN_WITH_DISPUTE_RAISED = (
        "children_with_dispute_raised",
        "Children with a dispute raised",
    )
    CHILD_ATTENDED = "child_attended", "Conferences the child attended (%)"
    CHILD_VIEWS_REPRESENTED = (
        "child_views_represented",
        "Conferences where the child's views were represented (%)",
    )
    ADVOCATE_INVOLVED = "advocate_involved", "Conferences with an advocate involved (%)"
    PRE_MEETINGS_HELD = "pre_meetings_held", "Conferences with pre-meetings held (%)"


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", "At least"
    AT_MOST = "at_most", "At most"


# Which way each measure's figure is better (docs/measures.md), so that a target is not
# set the wrong way round (the action plan would read backwards). A share of conferences
# in time, or where the child took part, is better higher; a share of plans that are a
# second or later plan is better lower. None: a number of children, neither better nor
# worse in itself (fewer on a plan may be children left unprotected; more disputes, IROs
# challenging more), so the manager chooses.
BETTER_DIRECTION: dict[str, str | None] = {
    TargetMeasure.CHILDREN_ON_PLAN_AT_PERIOD_END: None,
    TargetMeasure.PLANS_STARTED_SECOND_OR_SUBSEQUENT: TargetDirection.AT_MOST,
    TargetMeasure.ICPC_WITHIN_15_WORKING_DAYS: TargetDirection.AT_LEAST,
    TargetMeasure.REVIEWS_ON_TIME: TargetDirection.AT_LEAST,
    TargetMeasure.REVIEW_CONFERENCES_IN_TIMESCALE: TargetDirection.AT_LEAST,
    TargetMeasure.CHILDREN_WITH_DISPUTE_RAISED: None,
    TargetMeasure.CHILD_ATTENDED: TargetDirection.AT_LEAST,
    TargetMeasure.CHILD_VIEWS_REPRESENTED: TargetDirection.AT_LEAST,
    TargetMeasure.ADVOCATE_INVOLVED: TargetDirection.AT_LEAST,
    TargetMeasure.PRE_MEETINGS_HELD: TargetDirection.AT_LEAST,
}


class Target(models.Model):
    """A target for one measure for one reporting year, set by the IRO service manager.

    For a ratio measure the value is a percentage; for a count, a number.
    """

    year = models.CharField(max_length=7, help_text="A reporting year such as 2019-20.")
    measure = models.CharField(max_length=40, choices=TargetMeasure.choices)
    direction = models.CharField(
        max_length=8, choices=TargetDirection.choices, default=TargetDirection.AT_LEAST
    )
    value = models.DecimalField(max_digits=7, decimal_places=1)
    action = models.TextField(blank=True, help_text="What the service will do to meet it.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["year", "measure"], name="one_target_per_measure_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_measure_display()}: {self.direction} {self.value}"

    def is_met_by(self, actual) -> bool | None:
        """Whether `actual` (a number, or None when there was nothing to measure) meets it."""
        if actual is None:
            return None
        if self.direction == TargetDirection.AT_MOST:
            return actual <= self.value
        return actual >= self.value


# ------------------------------------------------------- figures the reports need
# Recorded by the IRO service manager (challenge.figure_services), kept with history:
# the authority's child population per reporting year, the IROs' working hours as a
# full-time equivalent from a date, and published figures to compare ours with.


class Population(models.Model):
    """The authority's population aged 0 to 17 for one reporting year."""

    year = models.CharField(
        max_length=7, unique=True, help_text="A reporting year such as 2019-20."
    )
    children = models.PositiveIntegerField("children aged 0 to 17")
    source = models.CharField(max_length=200, help_text="Where the figure comes from.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.children:,} children aged 0 to 17"


class WorkingHours(models.Model):
    """An IRO's full-time equivalent from a date, until their next record.

    A record of 0 says the IRO stopped working in the service from that date.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="working_hours"
    )
    starts_on = models.DateField("from")
    fte = models.DecimalField("full-time equivalent", max_digits=3, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "starts_on"], name="one_fte_per_person_date")
        ]
        verbose_name_plural = "working hours"

    def __str__(self) -> str:
        return f"{self.fte} FTE from {self.starts_on:%-d %b %Y}"


class ComparisonArea(models.TextChoices):
    ENGLAND = "england", "England"
    REGION = "region", "Our region"
    NEIGHBOURS = "neighbours", "Statistical neighbours"


class ComparisonMeasure(models.TextChoices):
    """Measures that published tables give for other areas (the key is the measure's)."""

    PER_10000 = (
        "children_on_plan_at_period_end_per_10000",
        "Children on a plan at the year end, per 10,000 children",
    )
    SECOND_OR_SUBSEQUENT = (
        "plans_started_second_or_subsequent",
        "Plans that were a second or later plan (%)",
    )
    ICPC = "icpc_within_15_working_days", "Initial conferences within 15 working days (%)"
    REVIEWS = "review_conferences_in_timescale", "Review conferences in timescale (%)"


class Comparison(models.Model):
    """Another area's published figure for one measure and reporting year, with its source.

    Shown beside ours in a report, never mixed into our measures.
    """

    year = models.CharField(max_length=7, help_text="A reporting year such as 2019-20.")
    measure = models.CharField(max_length=60, choices=ComparisonMeasure.choices)
    area = models.CharField(max_length=12, choices=ComparisonArea.choices)
    value = models.DecimalField(max_digits=8, decimal_places=1)
    source = models.CharField(max_length=200, help_text="The published table it comes from.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "measure", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "measure", "area"], name="one_comparison_per_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_area_display()}: {self.value}"
