"""The narrative page: the IRO service manager writes a report's words for one period.

Each section is checked for plain language as it is written (and again when the page
comes back), refused if it names someone the system knows, and kept with its history.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from iro import timescales
from iro.access.capabilities import Capability, require_capability
from iro.challenge import queues as challenge_queues
from iro.challenge.models import TargetMeasure
from iro.challenge.selectors import targets_for_year
from iro.documents.plain_language import check_fields
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.narrative import services
from iro.narrative.forms import NarrativeForm
from iro.narrative.sections import BY_FIELD, FIELDS
from iro.narrative.selectors import narrative_for

KINDS = ("annual", "quarterly", "monthly")
NO_SUCH_PERIOD = "There is no such report period."
SAVED = "The report's words are saved."


def _period(kind: str, label: str) -> timescales.Period:
    if kind not in KINDS:
        raise Http404(NO_SUCH_PERIOD)
    try:
        return timescales.parse_period(kind, label)
    except ValueError:
        raise Http404(NO_SUCH_PERIOD) from None


def _changes(history: list) -> list[tuple]:
    """(history row, titles of the sections it changed), newest first."""
    rows = []
    for i, newer in enumerate(history):
        older = history[i + 1] if i + 1 < len(history) else None
        if older is None:
            changed = [f for f in FIELDS if getattr(newer, f)]
        else:
            changed = [f for f in FIELDS if getattr(newer, f) != getattr(older, f)]
        rows.append((newer, [BY_FIELD[f].title for f in changed]))
    return rows


def _next_year_targets(period: timescales.Period) -> tuple[str, list[tuple[str, str, str]]]:
    """The reporting year after the one ``period`` falls in, and its targets in words."""
    year = timescales.period_containing(timescales.ANNUAL, period.first_day)
    following = timescales.period_containing(
        timescales.ANNUAL, timescales.add_months(year.first_day, 12)
    )
    targets = targets_for_year(following.label)
    lines = [
        (
            label,
            challenge_queues.target_words(key, targets[key].direction, targets[key].value),
            targets[key].action,
        )
        for key, label in TargetMeasure.choices
        if key in targets
    ]
    return following.label, lines


def _merged_form(
    narrative, seen_version: int, texts: dict[str, str]
) -> tuple[NarrativeForm, dict[str, str]]:
    """After someone else saved these words: the form again at the version now saved,
    each section merged (the editor's changes kept, the other's taken where the editor
    changed nothing), and the other's words of each section both changed, to show."""
    saved = {f: getattr(narrative, f) for f in FIELDS}
    mine = {f: (t or "").strip() for f, t in texts.items()}
    merged = services.merge(services.seen_at(narrative, seen_version), saved, mine)
    form = NarrativeForm(merged.texts | {"version": narrative.version})
    form.is_valid()
    return form, {f: saved[f] for f in merged.conflicts}


def narrative_page(request: HttpRequest, kind: str, label: str) -> HttpResponse:
    require_capability(request.user, Capability.WRITE_REPORT_NARRATIVE)
    period = _period(kind, label)
    narrative = narrative_for(kind, period.label)
    initial = {f: getattr(narrative, f) for f in FIELDS} if narrative else {}
    initial["version"] = narrative.version if narrative else services.NONE_SAVED
    form = NarrativeForm(request.POST or None, initial=initial)
    theirs: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        texts = {f: form.cleaned_data[f] for f in FIELDS}
        try:
            services.write_narrative(
                kind=kind,
                period=period.label,
                texts=texts,
                acting_user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            if narrative is not None and narrative.version != form.cleaned_data["version"]:
                form, theirs = _merged_form(narrative, form.cleaned_data["version"], texts)
            apply_service_errors(form, error)
        else:
            messages.success(request, SAVED)
            return redirect(reverse("report_narrative", args=[kind, period.label]))
    history = (
        list(
            narrative.history.select_related("history_user").order_by(
                "-history_date", "-history_id"
            )
        )
        if narrative
        else []
    )
    next_year, targets = _next_year_targets(period)
    errors = error_summary(form)
    return render(
        request,
        "narrative/narrative.html",
        {
            "error_list": errors,
            "page_has_errors": bool(errors),
            "kind": kind,
            "period": period,
            "title": f"{kind.capitalize()} report {period.name}",
            "form": form,
            "plain_results": check_fields(form, FIELDS),
            "theirs": theirs,
            "history": _changes(history),
            "next_year": next_year,
            "targets": targets,
            "report_url": reverse("report", args=[kind, period.label]),
            "active_nav": "reports",
        },
    )
