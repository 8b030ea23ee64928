"""Writes of the figures the reports need, by the IRO service manager: the authority's
population aged 0 to 17 per reporting year, each IRO's full-time equivalent from a date,
and other areas' published figures to compare ours with. Each write checks the
capability, refuses bad input field by field, and keeps a history row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from iro import timescales
from iro.access.capabilities import Capability, has_capability
from iro.challenge.models import (
    Comparison,
    ComparisonArea,
    ComparisonMeasure,
    Population,
    WorkingHours,
)
from iro.journey.checks import Errors, saved_by, today
from iro.people.models import Role, User

CANNOT_RECORD = "Only the IRO service manager records the figures reports need."
NOT_A_YEAR = "{year!r} is not a reporting year; expected YYYY-YY such as 2019-20."
POPULATION_NUMBER = "Enter the number of children aged 0 to 17, such as 61250."
POPULATION_RANGE = "Enter a number of children from 1 to 10,000,000."
POPULATION_WHOLE = "Enter the population as a whole number, such as 61250."
SOURCE_REQUIRED = "Enter where the figure comes from, such as the table's name and date."
SOURCE_TOO_LONG = "The source must be 200 characters or fewer."
FTE_NUMBER = "Enter the full-time equivalent as a number from 0 to 1, such as 0.8."
FTE_PLACES = "Enter the full-time equivalent to two decimal places at most, such as 0.8 or 0.88."
NOT_AN_IRO = "Hours are recorded for IROs and the IRO service manager only."
FTE_DATE_REQUIRED = "Enter the date the hours start."
COMPARISON_NUMBER = "Enter the figure as a number, such as 41.6, or leave it blank."
COMPARISON_RANGE = "Enter a figure from 0 to 100,000."
COMPARISON_PLACES = "Enter the figure to one decimal place at most, as published, such as 41.6."
UNKNOWN_MEASURE = "{measure!r} is not a measure other areas publish."
SOURCE_LIMIT = 200


def _require(user) -> None:
    if not has_capability(user, Capability.RECORD_REPORT_FIGURES):
        raise PermissionDenied(CANNOT_RECORD)


def _check_year(errors: Errors, year: str) -> None:
    try:
        timescales.parse_period(timescales.ANNUAL, year)
    except ValueError:
        errors.add("year", NOT_A_YEAR.format(year=year))


def _check_source(errors: Errors, field: str, source: str) -> None:
    if not source or not source.strip():
        errors.add(field, SOURCE_REQUIRED)
    elif len(source.strip()) > SOURCE_LIMIT:
        errors.add(field, SOURCE_TOO_LONG)


def _number(text) -> Decimal | None:
    """The number typed (commas between its digits allowed), exactly as typed: a figure
    with more decimal places than is kept is refused by the caller, never rounded."""
    try:
        number = Decimal(str(text).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def decimal_places(number: Decimal) -> int:
    """The decimal places ``number`` was typed with, trailing zeros aside (0.80 has one)."""
    return max(0, -number.normalize().as_tuple().exponent)


@transaction.atomic
def record_population(*, year: str, children, source: str, acting_user) -> Population:
    """Record (or change) the population aged 0 to 17 for one reporting year."""
    _require(acting_user)
    errors = Errors()
    _check_year(errors, year)
    number = _number(children)  # 61000.5 is refused, not rounded
    if number is None:
        errors.add("children", POPULATION_NUMBER)
    elif number != number.to_integral_value():
        errors.add("children", POPULATION_WHOLE)
    elif not 1 <= number <= 10_000_000:
        errors.add("children", POPULATION_RANGE)
    _check_source(errors, "source", source)
    errors.raise_if_any()
    found = Population.objects.select_for_update().filter(year=year).first()
    population = found or Population(year=year)
    population.children = int(number)
    population.source = source.strip()
    population.recorded_by = acting_user
    population.recorded_on = today()
    saved_by(population, acting_user).save()
    return population


def hours_people():
    """The people whose hours count: IROs and the IRO service manager, active or not."""
    return User.objects.filter(role__in=[Role.IRO, Role.IRO_MANAGER]).order_by(
        "last_name", "first_name", "pk"
    )


@transaction.atomic
def record_working_hours(*, person: User, starts_on: date | None, fte, acting_user) -> WorkingHours:
    """Record an IRO's full-time equivalent from a date (0: no longer working in the
    service). A second record for the same date changes it."""
    _require(acting_user)
    errors = Errors()
    if person.role not in (Role.IRO, Role.IRO_MANAGER):
        errors.add("fte", NOT_AN_IRO)
    if starts_on is None:
        errors.add("starts_on", FTE_DATE_REQUIRED)
    number = _number(fte)
    if number is None or not Decimal(0) <= number <= Decimal(1):
        errors.add("fte", FTE_NUMBER)
    elif decimal_places(number) > 2:  # 0.875 is refused, not kept as 0.88
        errors.add("fte", FTE_PLACES)
    errors.raise_if_any()
    record = (
        WorkingHours.objects.select_for_update().filter(person=person, starts_on=starts_on).first()
    )
    record = record or WorkingHours(person=person, starts_on=starts_on)
    record.fte = number
    record.recorded_by = acting_user
    record.recorded_on = today()
    saved_by(record, acting_user).save()
    return record


@transaction.atomic
def record_comparisons(
    *, year: str, measure: str, figures: dict[str, tuple[str, str]], acting_user
) -> list[Comparison]:
    """Record other areas' figures for one measure and year: ``figures`` maps an area
    (``ComparisonArea``) to (figure, source). A blank figure removes the area's figure
    (its history stays); a figure needs its source."""
    _require(acting_user)
    errors = Errors()
    _check_year(errors, year)
    if measure not in ComparisonMeasure.values:
        errors.add("measure", UNKNOWN_MEASURE.format(measure=measure))
    wanted: dict[str, tuple[Decimal, str]] = {}
    for area, (text, source) in figures.items():
        if area not in ComparisonArea.values:
            continue
        if not str(text or "").strip():
            continue
        number = _number(text)
        if number is None:
            errors.add(f"{area}_value", COMPARISON_NUMBER)
        elif not Decimal(0) <= number <= Decimal(100_000):
            errors.add(f"{area}_value", COMPARISON_RANGE)
        elif decimal_places(number) > 1:  # 41.65 is refused, not kept as 41.7
            errors.add(f"{area}_value", COMPARISON_PLACES)
        _check_source(errors, f"{area}_source", source)
        if number is not None:
            wanted[area] = (number, (source or "").strip())
    errors.raise_if_any()
    existing = {
        c.area: c for c in Comparison.objects.select_for_update().filter(year=year, measure=measure)
    }
    saved = []
    for area in ComparisonArea.values:
        current = existing.get(area)
        if area not in wanted:
            if current is not None:
                saved_by(current, acting_user).delete()
            continue
        value, source = wanted[area]
        record = current or Comparison(year=year, measure=measure, area=area)
        record.value = value
        record.source = source
        record.recorded_by = acting_user
        record.recorded_on = today()
        saved_by(record, acting_user).save()
        saved.append(record)
    return saved
