"""Pages where the IRO service manager records the figures reports need: the
population aged 0 to 17 per reporting year, the IROs' full-time equivalent, and other
areas' published figures. No child's data: only aggregate figures and staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from iro import timescales
from iro.access.capabilities import Capability, require_capability
from iro.challenge import figure_services as services
from iro.challenge.forms import ComparisonForm, PopulationForm, WorkingHoursForm
from iro.challenge.models import (
    Comparison,
    ComparisonArea,
    ComparisonMeasure,
    Population,
    WorkingHours,
)
from iro.challenge.views import _page
from iro.journey.checks import today
from iro.journey.conference_forms import apply_service_errors
from iro.reports.measures import fte_at

NO_SUCH_YEAR = "There is no such reporting year."
NO_SUCH_MEASURE = "Other areas' figures are not recorded for that measure."


def _year(label: str | None):
    if not label:
        return timescales.period_containing(timescales.ANNUAL, today())
    try:
        return timescales.parse_period(timescales.ANNUAL, label)
    except ValueError as exc:
        raise Http404(NO_SUCH_YEAR) from exc


def _figures_url(year) -> str:
    return f"{reverse('report_figures')}?year={year.label}"


def report_figures(request: HttpRequest) -> HttpResponse:
    """One reporting year's population and comparison figures, and each IRO's hours."""
    require_capability(request.user, Capability.RECORD_REPORT_FIGURES)
    year = _year(request.GET.get("year"))
    population = Population.objects.filter(year=year.label).first()
    found = {
        (c.measure, c.area): c
        for c in Comparison.objects.filter(year=year.label).select_related("recorded_by")
    }
    comparisons = [
        (key, label, [(name, found.get((key, area))) for area, name in ComparisonArea.choices])
        for key, label in ComparisonMeasure.choices
    ]
    current = {}
    for record in WorkingHours.objects.filter(starts_on__lte=today()).order_by("starts_on"):
        current[record.person_id] = record
    people = [(person, current.get(person.pk)) for person in services.hours_people()]
    return _page(
        request,
        "challenge/figures.html",
        {
            "year": year,
            "previous_year": year.previous_year(),
            "next_year": timescales.period_containing(
                timescales.ANNUAL, timescales.add_months(year.first_day, 12)
            ),
            "population": population,
            "comparisons": comparisons,
            "people": people,
            "fte_today": fte_at(today()),
            "active_nav": "targets",
        },
    )


def population_edit(request: HttpRequest, year: str) -> HttpResponse:
    require_capability(request.user, Capability.RECORD_REPORT_FIGURES)
    period = _year(year)
    population = Population.objects.filter(year=period.label).first()
    initial = {"children": population.children, "source": population.source} if population else {}
    form = PopulationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_population(
                year=period.label,
                children=form.cleaned_data["children"],
                source=form.cleaned_data["source"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Population for {period.label} recorded.")
            return redirect(_figures_url(period))
    history = (
        list(population.history.select_related("history_user").order_by("-history_date"))
        if population
        else []
    )
    return _page(
        request,
        "challenge/population_edit.html",
        {"year": period, "form": form, "history": history, "active_nav": "targets"},
        form,
    )


def comparison_edit(request: HttpRequest, year: str, measure: str) -> HttpResponse:
    require_capability(request.user, Capability.RECORD_REPORT_FIGURES)
    period = _year(year)
    if measure not in ComparisonMeasure.values:
        raise Http404(NO_SUCH_MEASURE)
    existing = {c.area: c for c in Comparison.objects.filter(year=period.label, measure=measure)}
    initial = {}
    for area, record in existing.items():
        initial[f"{area}_value"] = f"{record.value}"
        initial[f"{area}_source"] = record.source
    form = ComparisonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_comparisons(
                year=period.label,
                measure=measure,
                figures={
                    area: (data[f"{area}_value"], data[f"{area}_source"])
                    for area in ComparisonArea.values
                },
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Figures for {period.label} recorded.")
            return redirect(_figures_url(period))
    history = list(
        Comparison.history.filter(year=period.label, measure=measure)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    areas = [
        (label, form[f"{area}_value"], form[f"{area}_source"])
        for area, label in ComparisonArea.choices
    ]
    return _page(
        request,
        "challenge/comparison_edit.html",
        {
            "year": period,
            "label": ComparisonMeasure(measure).label,
            "form": form,
            "areas": areas,
            "history": history,
            "active_nav": "targets",
        },
        form,
    )


def working_hours_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Capability.RECORD_REPORT_FIGURES)
    person = get_object_or_404(services.hours_people(), pk=pk)
    form = WorkingHoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_working_hours(
                person=person,
                starts_on=form.cleaned_data["starts_on"],
                fte=form.cleaned_data["fte"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Hours recorded for {person.get_full_name()}.")
            return redirect(reverse("report_figures"))
    records = list(person.working_hours.order_by("-starts_on"))
    return _page(
        request,
        "challenge/working_hours_edit.html",
        {"person": person, "form": form, "records": records, "active_nav": "targets"},
        form,
    )
