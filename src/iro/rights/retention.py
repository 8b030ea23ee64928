"""The retention report: children's records past the authority's retention period.

The rule (``IRO_RETENTION_YEARS``, default 7): a record passes its retention period
``IRO_RETENTION_YEARS`` years after the later of

- the child's 18th birthday (from the date of birth, else the expected date of birth), and
- the record's last activity: the latest date recorded on it (referral or closure of an
  episode, strategy discussion, Section 47 start, a conference held or booked, a plan's
  start or end, a dispute or any of its stages, a multi-agency challenge).

With the default that is the child's 25th birthday or seven years after the case last
moved, whichever is later. A child with an open episode or an open plan is never past
it. A record with neither a date of birth nor any activity is not listed (there is
nothing to count from). The report only lists: nothing is ever deleted automatically;
a person decides and acts. It reads every child, restricted ones included, and shows
LA child IDs only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Max

from iro import timescales
from iro.challenge.models import Dispute, DisputeStage, MultiAgencyChallenge
from iro.children.models import Child
from iro.journey.checks import today
from iro.journey.models import ConferenceChild, Episode, Plan, Section47, StrategyDiscussion

ADULT_MONTHS = 18 * 12

BIRTHDAY = "{years} years after the 18th birthday ({anchor})"
ACTIVITY = "{years} years after the last activity on the record ({anchor})"

# (model, path to the child, dates that count as activity)
ACTIVITY_DATES = (
    (Episode, "child", ("referral_date", "closure_date")),
    (StrategyDiscussion, "episode__child", ("held_on",)),
    (Section47, "episode__child", ("start_date",)),
    (ConferenceChild, "child", ("conference__held_on", "conference__scheduled_date")),
    (Plan, "child", ("start_date", "end_date")),
    (Dispute, "child", ("raised_on", "resolved_on")),
    (DisputeStage, "dispute__child", ("started_on", "responded_on", "ended_on")),
    (MultiAgencyChallenge, "child", ("raised_on", "forwarded_on", "responded_on")),
)


@dataclass(frozen=True)
class PastRetention:
    la_child_id: str
    why: str
    passed_on: date
    child_pk: int  # for the access log of the page that lists it


def _words(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def last_activity() -> dict[int, date]:
    """Each child's latest recorded date, in one query per kind of record."""
    latest: dict[int, date] = {}
    for model, path, fields in ACTIVITY_DATES:
        aggregates = {f"d{i}": Max(field) for i, field in enumerate(fields)}
        for row in model.objects.values(path).annotate(**aggregates).order_by():
            child_id = row[path]
            for key in aggregates:
                d = row[key]
                if d is not None and (child_id not in latest or d > latest[child_id]):
                    latest[child_id] = d
    return latest


def open_children() -> set[int]:
    """Children with an open episode or an open plan: their records are in use."""
    return set(
        Episode.objects.filter(closure_date__isnull=True).values_list("child_id", flat=True)
    ) | set(Plan.objects.filter(end_date__isnull=True).values_list("child_id", flat=True))


def past_retention(*, day: date | None = None, years: int | None = None) -> list[PastRetention]:
    """The children whose records passed the retention period on or before ``day``,
    longest past first. A fixed number of queries however many children there are."""
    day = day or today()
    years = settings.IRO_RETENTION_YEARS if years is None else years
    latest = last_activity()
    in_use = open_children()
    rows: list[PastRetention] = []
    children: Iterable = Child.objects.values_list(
        "pk", "la_child_id", "date_of_birth", "expected_date_of_birth"
    ).order_by("la_child_id")
    for pk, la_child_id, born, expected in children:
        if pk in in_use:
            continue
        birth = born or expected
        adult = timescales.add_months(birth, ADULT_MONTHS) if birth else None
        activity = latest.get(pk)
        if adult is not None and (activity is None or adult >= activity):
            anchor, template = adult, BIRTHDAY
        elif activity is not None:
            anchor, template = activity, ACTIVITY
        else:
            continue
        passed_on = timescales.add_months(anchor, 12 * years)
        if passed_on <= day:
            rows.append(
                PastRetention(
                    la_child_id,
                    template.format(years=years, anchor=_words(anchor)),
                    passed_on,
                    pk,
                )
            )
    rows.sort(key=lambda r: (r.passed_on, r.la_child_id))
    return rows


COLUMNS = ("LA child ID", "Why", "Retention period passed on")


def as_rows(rows: list[PastRetention]) -> list[tuple[str, str, str]]:
    return [(r.la_child_id, r.why, r.passed_on.isoformat()) for r in rows]
