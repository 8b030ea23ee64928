"""factory_boy factories for the challenge app: disputes, challenges, feedback, targets.

They write the rows directly (for report fixtures); tests of the write path use
``challenge.services``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from iro import timescales
from iro.challenge.models import (
    Dispute,
    DisputeReason,
    DisputeStage,
    Feedback,
    MultiAgencyChallenge,
    QuoteStatus,
    Respondent,
    Stage,
    Target,
    TargetDirection,
)
from iro.people.models import Role
from tests.factories import AgencyFactory, ChildFactory, ConferenceFactory, UserFactory


class DisputeFactory(DjangoModelFactory):
    """A dispute at ``stage`` (informal by default) with a stage row for every stage
    up to it; pass ``resolved_on`` to resolve it there."""

    class Meta:
        model = Dispute
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    raised_by = factory.SubFactory(UserFactory, role=Role.IRO)
    raised_on = date(2018, 6, 1)
    reason = DisputeReason.PROGRESS
    stage = Stage.INFORMAL

    @factory.post_generation
    def stages(self, create, extracted, **kwargs):
        if not create:
            return
        for stage in range(Stage.INFORMAL, self.stage + 1):
            DisputeStage.objects.create(
                dispute=self,
                stage=stage,
                started_on=self.raised_on,
                ended_on=self.resolved_on if stage == self.stage else self.raised_on,
            )


class MultiAgencyChallengeFactory(DjangoModelFactory):
    class Meta:
        model = MultiAgencyChallenge

    child = factory.SubFactory(ChildFactory)
    agency = factory.SubFactory(AgencyFactory)
    professional = "Health visitor"
    concern = "Reports not shared before the conference."
    raised_by = factory.SubFactory(UserFactory, role=Role.IRO)
    raised_on = date(2018, 6, 1)


class FeedbackFactory(DjangoModelFactory):
    class Meta:
        model = Feedback

    conference = factory.SubFactory(ConferenceFactory, held_on=date(2018, 6, 1))
    respondent = Respondent.PROFESSIONAL
    attribution = "Professional"
    text = "The meeting gave the family time to understand the worries."
    received_on = factory.LazyAttribute(lambda o: o.conference.held_on)
    consent_to_quote = True
    recorded_by = factory.SubFactory(UserFactory, role=Role.IRO)

    class Params:
        # Approved as given and featured in the annual report of the year received, as
        # the IRO service manager would (tests of the service go through it instead).
        featured = factory.Trait(
            quote_status=QuoteStatus.APPROVED,
            published_wording=factory.LazyAttribute(lambda o: o.text),
            featured_in=factory.LazyAttribute(
                lambda o: timescales.period_containing(timescales.ANNUAL, o.received_on).label
            ),
        )


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    year = "2018-19"
    measure = "icpc_within_15_working_days"
    direction = TargetDirection.AT_LEAST
    value = Decimal("80.0")
    set_by = factory.SubFactory(UserFactory, role=Role.IRO_MANAGER)
    set_on = date(2018, 5, 1)
