"""`iro cin export`: the year's return from the records, in schema order, access-logged."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from iro.access.models import AccessEvent, AccessLogEntry
from iro.census.export import NO_CHILDREN, REFUSED, return_children
from iro.census.importer import import_file
from iro.census.management.common import NO_SUCH_USER
from iro.census.reader import CensusStream
from iro.census.schema import check_file
from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import ConferenceKind, Decision, Episode, Plan
from iro.timescales import ANNUAL, parse_period
from tests.census.authority import small_authority
from tests.factories import (
    ChildFactory,
    child_on_plan,
    complete_outcome,
    hold_conference,
    make_staff,
)

pytestmark = pytest.mark.django_db

YEAR = parse_period(ANNUAL, "2023-24")  # 2023-04-01 to 2024-03-31


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def authority(staff):
    return small_authority(staff)


def export(tmp_path, *args, user="ana-analyst", period="2023-24"):
    path = tmp_path / "return.xml"
    out, err = StringIO(), StringIO()
    call_command("cin", "export", "--period", period, "--output", str(path), "--user", user,
                 *args, stdout=out, stderr=err)  # fmt: skip
    return path, out.getvalue(), err.getvalue()


def read_back(path):
    stream = CensusStream(path)
    return stream.header, {c.la_child_id: c for c in stream.children()}


def test_the_return_holds_the_year_and_only_the_year(staff, authority, tmp_path):
    path, out, _ = export(tmp_path, "--lea", "999")
    header, children = read_back(path)
    assert "Wrote the 2023-24 return (5 children)" in out
    assert (header.reference_date, header.year, header.lea) == (date(2024, 3, 31), 2024, "999")
    assert sorted(children) == ["A001", "A002", "A003", "A004", "A005"]

    (ep,) = children["A001"].episodes  # the 2020 episode closed before the year
    (s47,) = ep.section47s
    assert (s47.start_date, s47.icpc_date, s47.icpc_not_required) == (
        date(2023, 6, 5), date(2023, 6, 22), False,
    )  # fmt: skip
    assert s47.icpc_target == date(2023, 6, 26)  # 15 working days, computed
    (plan,) = ep.plans
    assert (plan.start_date, plan.end_date, plan.initial_category) == (
        date(2023, 6, 22), None, "EMO",
    )  # fmt: skip
    assert plan.review_dates == [date(2023, 9, 14), date(2024, 3, 7)]  # not the June one
    assert plan.previous_plans == 1  # the 2020 plan, outside the return

    (ep,) = children["A002"].episodes
    assert ep.section47s == []  # its ICPC was in 2022
    (plan,) = ep.plans
    assert plan.review_dates == [date(2022, 8, 25), date(2023, 2, 16), date(2023, 8, 10)]

    (plan,) = children["A003"].episodes[0].plans
    assert plan.end_date is None  # ended in May 2024, after the reference date

    (s47,) = children["A004"].episodes[0].section47s
    assert s47.icpc_date is None  # held after the reference date

    (ep,) = children["A005"].episodes
    assert (ep.closure_date, ep.closure_reason) == (date(2023, 8, 1), "RC8")
    assert ep.section47s[0].icpc_not_required is True
    assert [(c.start_date, c.end_date) for c in ep.cin_plans] == [
        (date(2023, 7, 10), date(2023, 8, 1))
    ]


def test_the_return_is_valid_against_the_schema_iro_keeps(staff, authority, tmp_path):
    path, _, _ = export(tmp_path, "--lea", "999")
    assert check_file(path) == []


@pytest.mark.parametrize("schema_year", ["2025", "2026"])
def test_the_return_is_valid_against_the_dfe_schema(
    staff, authority, tmp_path, schemas, schema_year
):
    path, _, _ = export(tmp_path, "--lea", "999")
    schema = etree.XMLSchema(etree.parse(str(schemas / f"CIN_schema_{schema_year}.xsd")))
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log


def test_a_return_without_lea_is_still_valid(staff, authority, tmp_path, schemas):
    path, _, _ = export(tmp_path)
    schema = etree.XMLSchema(etree.parse(str(schemas / "CIN_schema_2026.xsd")))
    assert schema.validate(etree.parse(str(path))), schema.error_log


def test_the_export_is_access_logged_with_a_row_per_child(staff, authority, tmp_path):
    export(tmp_path)
    rows = AccessLogEntry.objects.filter(user=staff.analyst, event=AccessEvent.EXPORTED)
    assert rows.filter(child__isnull=True).get().what == "CIN census return 2023-24"
    assert sorted(rows.filter(child__isnull=False).values_list("child__la_child_id", flat=True)) \
        == ["A001", "A002", "A003", "A004", "A005"]  # fmt: skip


@pytest.mark.parametrize("username", ["ivy-iro", "sam-social-worker", "adam-admin",
                                      "oli-outsider", "seren-senior"])  # fmt: skip
def test_only_those_who_export_returns_may_export(staff, authority, tmp_path, username):
    with pytest.raises(CommandError) as refused:
        export(tmp_path, user=username)
    assert refused.value.returncode == 2
    assert str(refused.value) == REFUSED.format(user=username)
    assert not (tmp_path / "return.xml").exists()
    assert not AccessLogEntry.objects.filter(event=AccessEvent.EXPORTED).exists()


def test_an_unknown_user_is_refused(staff, authority, tmp_path):
    with pytest.raises(CommandError) as refused:
        export(tmp_path, user="nobody")
    assert str(refused.value) == NO_SUCH_USER.format(name="nobody")


def test_a_year_with_no_children_writes_nothing(staff, tmp_path):
    with pytest.raises(CommandError) as refused:
        export(tmp_path, period="2010-11")
    assert str(refused.value) == NO_CHILDREN.format(period="2010-11")
    assert list(tmp_path.iterdir()) == []


def test_a_period_that_is_not_a_year_is_a_one_line_error(staff, tmp_path):
    with pytest.raises(CommandError) as refused:
        export(tmp_path, period="2023")
    assert refused.value.returncode == 2
    assert "not a reporting year" in str(refused.value)


def test_an_lea_that_is_not_three_digits_is_a_one_line_error(staff, tmp_path):
    with pytest.raises(CommandError) as refused:
        export(tmp_path, "--lea", "12")
    assert "three-digit" in str(refused.value)


def test_reading_the_return_costs_the_same_queries_for_more_children(staff):
    def queries_for_year() -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(return_children(user=staff.analyst, period=YEAR))
        return len(ctx.captured_queries)

    for n in range(3):
        child_on_plan(chair=staff.iro, strategy=date(2023, 6, 5 + n), icpc_on=date(2023, 6, 22),
                      reviews=(date(2023, 9, 14),))  # fmt: skip
    few = queries_for_year()
    for n in range(12):
        child_on_plan(chair=staff.iro, strategy=date(2023, 7, 3 + n), icpc_on=date(2023, 7, 20),
                      reviews=(date(2023, 10, 12),))  # fmt: skip
    assert queries_for_year() == few


def test_a_child_born_after_the_year_is_returned_as_unborn_for_that_year(staff, tmp_path):
    # A plan made before the birth; the baby was born after the year ended (31 March).
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 1, 8), icpc_on=date(2024, 1, 24),
        date_of_birth=date(2024, 5, 2), expected_date_of_birth=date(2024, 5, 10), sex="F",
        date_of_death=None, la_child_id="B100",
    )  # fmt: skip
    no_expected = child_on_plan(
        chair=staff.iro, strategy=date(2024, 1, 8), icpc_on=date(2024, 1, 24),
        date_of_birth=date(2024, 4, 20), expected_date_of_birth=None, sex="M",
        la_child_id="B101",
    )  # fmt: skip
    path, _, _ = export(tmp_path)
    _, children = read_back(path)
    unborn = children["B100"]
    assert (unborn.date_of_birth, unborn.expected_date_of_birth) == (None, date(2024, 5, 10))
    assert unborn.sex == "U"  # the DfE's rule 8750 for an unborn child
    # No expected date recorded: the birth date is the best estimate of it.
    assert children["B101"].expected_date_of_birth == date(2024, 4, 20)
    assert children["B101"].date_of_birth is None and children["B101"].sex == "U"
    assert check_file(str(path)) == []

    path, _, _ = export(tmp_path, period="2024-25")  # the year the babies were born
    _, children = read_back(path)
    assert (children["B100"].date_of_birth, children["B100"].sex) == (date(2024, 5, 2), "F")
    assert children["B100"].expected_date_of_birth is None
    assert journey and no_expected


def test_validate_period_checks_the_records_of_the_year(staff, authority):
    # A review on the day the plan started breaks rule 8841.
    hold_conference(
        kind=ConferenceKind.REVIEW, chair=staff.iro, held_on=authority.plan.start_date,
        children=[(authority.child, {"plan": authority.plan, "decision": Decision.CONTINUE})],
    )  # fmt: skip
    out = StringIO()
    call_command("cin", "validate", "--period", "2023-24", "--user", "ana-analyst", stdout=out)
    text = out.getvalue()
    assert "8841 (error) child A001" in text
    assert "Summary: 5 children read;" in text
    assert AccessLogEntry.objects.filter(what="CIN census validation 2023-24").exists()


def test_a_year_in_progress_is_checked_as_if_it_ended_today(staff):
    # 1 December 2023: 2023-24 runs to 31 March 2024. An assessment begun on 20 November
    # is days old, not "started more than 45 working days before the end of the year"
    # (8670Q), as it would be counted back from 31 March; one begun in June is.
    with time_machine.travel(date(2023, 12, 1), tick=False):
        for la_child_id, started in (("C100", date(2023, 11, 20)), ("C101", date(2023, 6, 5))):
            journey = child_on_plan(
                chair=staff.iro, strategy=started, icpc_on=started + timedelta(days=14),
                la_child_id=la_child_id,
            )  # fmt: skip
            services.record_assessment(
                episode=journey.plan.episode, start_date=started, acting_user=staff.coordinator
            )
        out = StringIO()
        call_command("cin", "validate", "--period", "2023-24", "--user", "ana-analyst",
                     stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "census year 2023-04-01 to 2023-12-01" in text
    assert "8670Q (query) child C101" in text
    assert "8670Q (query) child C100" not in text
    assert "Reference Date" not in text  # the header iro makes is not checked


def test_a_year_not_begun_is_a_one_line_error(staff):
    with time_machine.travel(date(2023, 12, 1), tick=False), pytest.raises(CommandError) as refused:
        call_command("cin", "validate", "--period", "2024-25", "--user", "ana-analyst")
    assert "2024-25" in str(refused.value)


def test_validate_period_refuses_a_user_who_may_not_export(staff, authority):
    with pytest.raises(CommandError) as refused:
        call_command("cin", "validate", "--period", "2023-24", "--user", "ivy-iro")
    assert refused.value.returncode == 2


def test_validate_needs_a_file_or_a_period():
    with pytest.raises(CommandError) as refused:
        call_command("cin", "validate")
    assert refused.value.returncode == 2


def a_child_moved_in_on_a_plan(staff, la_child_id="T100"):
    """A child who moved in on another authority's plan: a referral here, then a
    transfer-in conference that starts the plan here (no Section 47 of ours)."""
    child = ChildFactory(la_child_id=la_child_id, team=staff.team)
    services.open_episode(
        child=child, referral_date=date(2023, 9, 1), acting_user=staff.coordinator
    )
    conference = services.schedule_conference(
        confirm_reason="Recorded after the event",
        kind=ConferenceKind.TRANSFER_IN,
        subjects=[services.Subject(child=child)],
        scheduled_date=date(2023, 9, 14),
        notified_on=date(2023, 9, 4),
        acting_user=staff.coordinator,
    )
    held = date(2023, 9, 14)
    services.record_conference_held(
        conference=conference,
        held_on=held,
        outcomes={child.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=held)},
        acting_user=staff.iro,
        expected_version=current_version(conference),
    )
    return child


def test_a_plan_started_at_a_transfer_in_conference_has_that_day_as_its_episodes_icpc(
    staff, tmp_path
):
    # Rule 2885: a plan starts on the day of an initial conference. A child who moves in
    # on a plan has a transfer-in conference instead, returned as the episode's ICPC.
    a_child_moved_in_on_a_plan(staff)
    path, _, _ = export(tmp_path)
    _, children = read_back(path)
    (episode,) = children["T100"].episodes
    assert episode.icpc_date == date(2023, 9, 14) == episode.plans[0].start_date
    assert episode.section47s == []
    out = StringIO()
    call_command("cin", "validate", str(path), stdout=out)
    assert "2885" not in out.getvalue()


def test_the_return_of_a_transfer_in_imported_again_adds_nothing_to_the_records(staff, tmp_path):
    child = a_child_moved_in_on_a_plan(staff)
    path, _, _ = export(tmp_path)
    # Through the services, child by child (a bulk import skips a child whose year the
    # records already hold exactly as the file says).
    import_file(path, acting_user=staff.analyst, bulk=False)
    episode = Episode.objects.get(child=child)
    assert episode.icpc_date is None  # the transfer-in conference holds the day already
    assert Plan.objects.filter(child=child).count() == 1
