"""Fixtures for the API: named staff, a child of the first team on a plan with a review
booked, and a way to call the API with a user's token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from iro.api.services import create_token
from iro.journey.models import ConferenceKind
from tests.factories import child_on_plan, hold_conference, make_staff


@pytest.fixture
def staff(db):
    return make_staff()


@dataclass
class Case:
    journey: object
    review: object  # a review booked, chaired by Ivy


@pytest.fixture
def case(staff):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2026, 3, 2),
        icpc_on=date(2026, 3, 20),
        team=staff.team,
        first_name="Quorrelle",
        last_name="Ashdown",
        la_child_id="LA-API-1",
    )
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        scheduled_date=date(2026, 6, 12),
    )
    return Case(journey, review)


def token_for(user, *, days: int = 30) -> str:
    return create_token(user=user, name="Tests", days=days, acting_user=user)[1]


class Api:
    """Calls the API with a token, as another system would."""

    def __init__(self, token: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data: dict, headers: dict | None = None):
        return self.client.post(
            path, data, content_type="application/json", headers=self.headers | (headers or {})
        )


@pytest.fixture
def api_as():
    def make(user) -> Api:
        return Api(token_for(user))

    return make
