"""Import a file, export the year, import the export into an empty database: the year's
child protection data and every measure of the year are the same."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.management import call_command

from iro.census.export import write_return
from iro.census.importer import import_file
from iro.census.reader import CensusStream
from iro.census.synthetic import write_synthetic_file
from iro.reports.measures import as_json, compute_all
from iro.timescales import ANNUAL, parse_period
from tests.factories import make_staff

# A flush in the middle needs real transactions (PostgreSQL will not TRUNCATE tables with
# deferred constraint checks pending inside the test's transaction).
pytestmark = pytest.mark.django_db(transaction=True)

CHILDREN = 150  # the benchmark runs the same round trip on 10,000 (benchmarks/census_bench.py)


def _measures(period) -> dict:
    return {name: as_json(value) for name, value in compute_all(period).items()}


def _records(path) -> dict:
    """Every child of a return, without the file's line numbers."""

    def plain(c):
        episodes = [
            replace(
                ep,
                line=None,
                section47s=[replace(s, line=None) for s in ep.section47s],
                plans=[replace(p, line=None) for p in ep.plans],
                cin_plans=[replace(cp, line=None) for cp in ep.cin_plans],
                assessments=[replace(a, line=None) for a in ep.assessments],
            )
            for ep in c.episodes
        ]
        return replace(c, line=None, episodes=episodes)

    return {c.la_child_id: plain(c) for c in CensusStream(path).children()}


def _modules(path) -> dict:
    """Per child, each episode's referral date, ReferralNFA, CIN plan dates, assessments and
    ICPC date given on the episode."""
    return {
        c.la_child_id: [
            (
                ep.referral_date,
                ep.referral_nfa,
                [(p.start_date, p.end_date) for p in ep.cin_plans],
                [(a.start_date, a.authorisation_date, a.factors) for a in ep.assessments],
                ep.icpc_date,
            )
            for ep in c.episodes
        ]
        for c in CensusStream(path).children()
    }


def test_import_export_import_keeps_the_year_and_its_measures(tmp_path):
    period = parse_period(ANNUAL, "2023-24")
    source, first_return, second_return = (tmp_path / n for n in ("in.xml", "a.xml", "b.xml"))
    write_synthetic_file(source, CHILDREN, year="2023-24", seed=4)

    staff = make_staff()
    loaded = import_file(source, acting_user=staff.analyst)
    assert loaded.skipped == []
    measures = _measures(period)
    write_return(user=staff.analyst, period=period, path=first_return, lea="999")

    call_command("flush", interactive=False, verbosity=0)  # an empty database
    staff = make_staff()
    again = import_file(first_return, acting_user=staff.analyst)
    assert again.skipped == []
    # Assessments are kept, so the return carries them: the DfE queries that ask for one
    # on an episode with a Section 47 (2991Q) or closed after assessment (8825Q) are gone.
    assert again.findings == {}
    assert _measures(period) == measures
    write_return(user=staff.analyst, period=period, path=second_return, lea="999")

    first, second = _records(first_return), _records(second_return)
    assert len(first) == CHILDREN
    assert second == first
    # Every module of the source return came back out: ReferralNFA and CIN plans too.
    assert _modules(first_return) == _modules(source)
    episodes_in = [ep for c in _modules(source).values() for ep in c]
    assert sum(len(cin) for _r, _n, cin, _a, _i in episodes_in) > CHILDREN / 20
    assert sum(len(assessed) for _r, _n, _c, assessed, _i in episodes_in) > CHILDREN / 2
    # The year's child protection data is all there: enquiries, ICPCs, plans, reviews.
    episodes = [ep for c in first.values() for ep in c.episodes]
    assert sum(len(ep.section47s) for ep in episodes) > CHILDREN / 3
    assert sum(len(p.review_dates) for ep in episodes for p in ep.plans) > CHILDREN / 4
    assert measures["children_on_plan_during_period"] > 0
