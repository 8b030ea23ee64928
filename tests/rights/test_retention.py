"""The retention report: records past the authority's period, listed for a person to act
on; nothing is ever deleted."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from iro.challenge.models import Dispute
from iro.children.models import Child
from iro.journey.models import Episode, Plan
from iro.rights.retention import ACTIVITY, BIRTHDAY, past_retention
from iro.settings import envyears
from tests.challenge.factories import DisputeFactory
from tests.factories import ChildFactory, EpisodeFactory, PlanFactory, make_staff

pytestmark = pytest.mark.django_db

DAY = date(2030, 6, 15)


@pytest.fixture
def staff():
    return make_staff()


def _closed(child, *, referral: date, closed: date):
    return EpisodeFactory(child=child, referral_date=referral, closure_date=closed)


def _ids(rows) -> list[str]:
    return [r.la_child_id for r in rows]


def test_a_record_passes_seven_years_after_the_18th_birthday_and_not_a_day_before(staff):
    # Born 15 June 2005: 18 on 15 June 2023, past on 15 June 2030 (the 25th birthday).
    outside = ChildFactory(la_child_id="OUT1", date_of_birth=date(2005, 6, 15))
    inside = ChildFactory(la_child_id="IN1", date_of_birth=date(2005, 6, 16))
    for child in (outside, inside):
        _closed(child, referral=date(2015, 1, 5), closed=date(2016, 1, 5))
    rows = past_retention(day=DAY, years=7)
    assert _ids(rows) == ["OUT1"]
    assert rows[0].passed_on == DAY
    assert rows[0].why == BIRTHDAY.format(years=7, anchor="15 June 2023")


def test_later_activity_keeps_a_record_longer_than_the_birthday_would(staff):
    # Both adults long ago; the last activity decides.
    outside = ChildFactory(la_child_id="OUT2", date_of_birth=date(1995, 1, 1))
    inside = ChildFactory(la_child_id="IN2", date_of_birth=date(1995, 1, 1))
    _closed(outside, referral=date(2022, 1, 10), closed=date(2023, 6, 15))
    _closed(inside, referral=date(2022, 1, 10), closed=date(2023, 6, 16))
    rows = past_retention(day=DAY, years=7)
    assert _ids(rows) == ["OUT2"]
    assert rows[0].why == ACTIVITY.format(years=7, anchor="15 June 2023")


def test_any_kind_of_record_counts_as_activity(staff):
    child = ChildFactory(la_child_id="DSP1", date_of_birth=date(1995, 1, 1))
    _closed(child, referral=date(2010, 1, 10), closed=date(2011, 1, 10))
    DisputeFactory(child=child, raised_on=date(2024, 1, 10))
    assert "DSP1" not in _ids(past_retention(day=DAY, years=7))
    assert "DSP1" in _ids(past_retention(day=date(2031, 1, 10), years=7))


def test_an_open_episode_or_plan_is_never_past(staff):
    old = date(1990, 1, 1)
    open_episode = ChildFactory(la_child_id="OPEN1", date_of_birth=old)
    EpisodeFactory(child=open_episode, referral_date=date(2000, 1, 1))
    open_plan = ChildFactory(la_child_id="OPEN2", date_of_birth=old)
    PlanFactory(child=open_plan, start_date=date(2000, 1, 1))
    assert past_retention(day=DAY, years=7) == []


def test_the_period_is_the_authoritys_setting(staff, settings):
    child = ChildFactory(la_child_id="SET1", date_of_birth=date(2000, 1, 1))
    _closed(child, referral=date(2010, 1, 10), closed=date(2011, 1, 10))
    settings.IRO_RETENTION_YEARS = 7
    assert _ids(past_retention(day=DAY)) == ["SET1"]  # past on 1 January 2025
    settings.IRO_RETENTION_YEARS = 17
    assert past_retention(day=DAY) == []  # not until 1 January 2035


def test_the_command_lists_in_text_and_csv_and_deletes_nothing(staff):
    child = ChildFactory(la_child_id="CMD1", date_of_birth=date(1990, 1, 1))
    _closed(child, referral=date(2000, 1, 10), closed=date(2001, 1, 10))
    PlanFactory(child=child, start_date=date(2000, 2, 1), end_date=date(2000, 12, 1))
    DisputeFactory(child=child, raised_on=date(2000, 3, 1))
    before = (Child.objects.count(), Episode.objects.count(), Plan.objects.count())
    text, table = io.StringIO(), io.StringIO()
    call_command("retention", stdout=text)
    call_command("retention", "--format", "csv", stdout=table)
    assert "CMD1" in text.getvalue()
    assert "Nothing has been deleted" in text.getvalue()
    rows = list(csv.reader(io.StringIO(table.getvalue())))
    assert rows[0] == ["LA child ID", "Why", "Retention period passed on"]
    assert rows[1][0] == "CMD1"
    assert (Child.objects.count(), Episode.objects.count(), Plan.objects.count()) == before
    assert Dispute.objects.filter(child=child).exists()


def test_the_page_is_for_the_iro_service_manager(client, staff):
    child = ChildFactory(la_child_id="PAGE1", date_of_birth=date(1990, 1, 1))
    _closed(child, referral=date(2000, 1, 10), closed=date(2001, 1, 10))
    client.force_login(staff.iro_manager)
    page = client.get(reverse("retention_report"))
    assert page.status_code == 200
    assert "PAGE1" in page.content.decode()
    assert child.first_name not in page.content.decode()
    download = client.get(reverse("retention_report") + "?format=csv")
    assert download["Content-Type"].startswith("text/csv")
    assert "PAGE1" in download.content.decode()
    for who in ("iro", "coordinator", "senior_manager", "analyst", "admin"):
        client.force_login(getattr(staff, who))
        assert client.get(reverse("retention_report")).status_code == 403
    assert Child.objects.filter(la_child_id="PAGE1").exists()


@pytest.mark.parametrize("value", ["0", "seven", "-3", "101", "7.5"])
def test_a_bad_retention_setting_is_refused_with_a_clear_message(monkeypatch, value):
    monkeypatch.setenv("IRO_RETENTION_YEARS", value)
    with pytest.raises(ImproperlyConfigured, match="expected a whole number of years, 1 to 100"):
        envyears("IRO_RETENTION_YEARS", 7)


def test_the_retention_setting_defaults_to_seven_years(monkeypatch):
    monkeypatch.delenv("IRO_RETENTION_YEARS", raising=False)
    assert envyears("IRO_RETENTION_YEARS", 7) == 7
    monkeypatch.setenv("IRO_RETENTION_YEARS", "35")
    assert envyears("IRO_RETENTION_YEARS", 7) == 35


def test_the_command_refuses_an_unknown_format_in_one_line():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as refused:
        call_command("retention", "--format", "xml")
    assert refused.value.returncode == 2
    assert str(refused.value) == "--format 'xml': choose text or csv."
