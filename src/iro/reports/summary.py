"""The annual report summary: the year in about six A4 pages for families and partners.

In the shape of the summary the service published before iro (the role of the IRO,
children on plans, timeliness, the child's journey, when IROs have worries, how we are
doing, what people told us, what needs to be done next, other languages and formats),
built from the **published** edition of the annual report (``builders``): it names no
child and no chair, and every figure is the report's own, beside the year before. The
fixed words are written here in plain language (a test reads them with the plain-language
check); the service's own words come from the report's narrative, written by the IRO
service manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iro import timescales
from iro.reports import measures
from iro.reports.builders import ANNUAL, ITEM_LABELS, PUBLISHED, Report
from iro.reports.measures import Ratio

ROLE_OF_THE_IRO = (
    "When people are worried that a child may be badly harmed, a child protection "
    "conference is held. It is a meeting where the family and the people who work with "
    "them talk about the worries and agree what must happen to keep the child safe.",
    "An Independent Reviewing Officer (IRO) chairs the meeting. The IRO does not manage "
    "the social workers, so they can look at the plan with fresh eyes. Where they can, "
    "the same IRO chairs every meeting for the child.",
    "Before the meeting the IRO meets the child, if they are old enough, and the parents, "
    "so they know why it is happening and what will be talked about.",
)

JOURNEY = (
    ("Worries are shared", "Someone worries that a child is being harmed and tells children's "
     "services. Social workers, the police and health staff talk about it together."),
    ("Social workers find out more", "A social worker talks to the child and the family and "
     "finds out what is happening. This is called a Section 47 enquiry."),
    ("The first conference", "If the worries are serious, a first conference is held within "
     "15 working days. The family is invited and can bring someone with them."),
    ("A plan to keep the child safe", "If the child needs one, the conference agrees a child "
     "protection plan: who will do what, and by when."),
    ("Checking the plan", "The IRO chairs a review of the plan within 3 months, then at "
     "least every 6 months, to see what has changed for the child."),
    ("The plan ends", "When the child is safe, the plan ends. The family may still get help."),
)  # fmt: skip

HAVE_YOUR_SAY = (
    "Children and young people can come to their conference, for all of it or part of it, "
    "in person or online. They can bring someone they trust, ask for an advocate to speak "
    "for them, or write or draw what they want the meeting to know."
)

WORRIES = (
    "Sometimes an IRO is worried that a child's plan is not moving on as it should. They "
    "first talk it over with the social worker. If that does not sort it out, they raise a "
    "dispute with children's services managers, who must answer within set times. If "
    "another agency, such as health or the police, is not doing what the plan asks, the IRO "
    "raises a challenge with that agency."
)

OTHER_FORMATS = (
    "Please ask us if you would like this summary in another language or format. We can "
    "give it in Braille, audio or large print, and in Arabic, Bengali, Chinese, French, "
    "German, Hindi, Malay, Polish, Punjabi, Spanish, Turkish, Urdu or Welsh."
)


@dataclass(frozen=True)
class Figure:
    """One figure of the summary, this year and last, as words and as numbers."""

    key: str
    label: str
    this: str
    previous: str
    this_value: Any
    previous_value: Any

    def as_json(self) -> dict:
        return {
            "measure": self.key,
            "label": self.label,
            "this_year": measures.as_json(self.this_value),
            "previous_year": measures.as_json(self.previous_value),
        }


@dataclass(frozen=True)
class Share:
    """One line of a breakdown shown as shares: its label, and this year's and last."""

    label: str
    this: str
    previous: str


@dataclass
class Summary:
    report: Report
    figures: dict[str, Figure]
    dispute_reasons: list[Share]
    dispute_stages: list[Share]
    challenge_outcomes: list[Share]

    @property
    def year(self) -> str:
        return self.report.period.label

    @property
    def previous_year(self) -> str:
        return self.report.previous_period.label

    @property
    def this_column(self) -> str:
        return self.report.this_column

    @property
    def previous_column(self) -> str:
        return self.report.previous_column

    @property
    def title(self) -> str:
        return f"IRO child protection annual report summary {self.year}"

    def as_json(self) -> dict:
        report = self.report
        return {
            "report": "summary",
            "period": report.as_json()["period"],
            "provisional": report.provisional,
            "as_at": report.as_at.isoformat(),
            "edition": PUBLISHED,
            "figures": {key: figure.as_json() for key, figure in self.figures.items()},
            "words": {section: text for section, _, text in report.narrative},
            "quotes": [{"text": q.text, "attribution": q.attribution} for q in report.quotes],
            "next_year": report.next_year,
            "targets_next_year": [line.as_json() for line in report.targets_next_year],
        }


def show(value: Any) -> str:
    """A figure in words for families: 72% (180 of 250); 678; "none recorded"."""
    if isinstance(value, Ratio):
        if value.percent is None:
            return "none recorded"
        return f"{value.percent:.0f}% ({value.numerator:,} of {value.denominator:,})"
    if value is None:
        return "not recorded"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


FIGURES = {
    "children_on_plan_during_period": "Children on a child protection plan during the year",
    "children_on_plan_at_period_end": "Children on a child protection plan on 31 March",
    "children_on_plan_at_period_end_per_10000": "For every 10,000 children in the area",
    "plans_started": "Plans started in the year",
    "initial_conferences_held": "First conferences held for children",
    "icpc_leading_to_plan": "First conferences that led to a plan",
    "icpc_within_15_working_days": "First conferences held within 15 working days",
    "review_conferences_in_timescale": "Review conferences held on time",
    "reviews_on_time": "Children whose reviews were all on time",
    "children_with_dispute_raised": "Children whose IRO raised a dispute",
    "disputes_raised": "Disputes raised",
    # Counted by conference, not child: a child with two conferences counts at each.
    "child_attended": "Conferences a child aged 5 or over came to",
    "child_views_represented": "Conferences where a child aged 5 or over had their views heard",
    "advocate_involved": "Conferences where a child aged 5 or over had an advocate",
}


# While the year runs, its figures are to today and the year before's to the same day:
# what the labels and headings say instead (a plan "on 31 March" is not one today).
SO_FAR = {
    "children_on_plan_during_period": "Children on a child protection plan so far this year",
    "children_on_plan_at_period_end": "Children on a child protection plan on {day}",
    "plans_started": "Plans started so far this year",
}


def _shares(this: dict, previous: dict) -> list[Share]:
    def text(entry) -> str:
        if isinstance(entry, dict):
            percent = entry.get("percent")
            count = entry.get("count", 0)
            return f"{count:,}" + ("" if percent is None else f" ({percent:.0f}%)")
        return f"{entry:,}"

    return [
        Share(ITEM_LABELS.get(key, key), text(this[key]), text(previous.get(key, 0)))
        for key in this
        if _count(this[key]) or _count(previous.get(key, 0))
    ]


def _count(entry) -> int:
    return entry.get("count", 0) if isinstance(entry, dict) else entry


def summarise(report: Report) -> Summary:
    """The summary of a built annual report (its published edition)."""
    if report.kind != ANNUAL or report.edition != PUBLISHED:
        raise ValueError("A summary is made from the published edition of an annual report")
    now, before = report.measures, report.previous
    labels = dict(FIGURES)
    if report.provisional:
        day = report.period.last_day
        labels |= {k: v.format(day=f"{day.day} {day:%B}") for k, v in SO_FAR.items()}
    figures = {
        key: Figure(key, label, show(now[key]), show(before[key]), now[key], before[key])
        for key, label in labels.items()
        if key in now
    }
    challenges_now = now["multi_agency_challenge_outcomes"]
    return Summary(
        report=report,
        figures=figures,
        dispute_reasons=_shares(now["dispute_reasons"], before["dispute_reasons"]),
        dispute_stages=_shares(now["dispute_resolution_stage"], before["dispute_resolution_stage"]),
        challenge_outcomes=_shares(challenges_now, before["multi_agency_challenge_outcomes"]),
    )


def build_summary(label: str, *, as_at=None) -> Summary:
    """The summary for the reporting year ``label`` (kept until the records change).
    Raises ValueError for a label that is no year, PeriodNotBegun for a year not begun."""
    from iro.reports.cache import cached_report

    period = timescales.parse_period(ANNUAL, label)
    options = {"edition": PUBLISHED}
    if as_at is not None:
        options["as_at"] = as_at
    return summarise(cached_report(ANNUAL, period, **options))


def context(summary: Summary) -> dict:
    """What the summary's page and document show."""
    from django.conf import settings

    from iro.reports.builders import provisional_words
    from iro.reports.presentation import target_rows

    report = summary.report
    return {
        "summary": summary,
        "report": report,
        "council_name": settings.COUNCIL_NAME,
        "language": "en-GB",
        "provisional_words": provisional_words(report.period),
        "figures": list(summary.figures.values()),
        "words": {section: text for section, _, text in report.narrative},
        "role": ROLE_OF_THE_IRO,
        "journey": JOURNEY,
        "have_your_say": HAVE_YOUR_SAY,
        "worries": WORRIES,
        "other_formats": OTHER_FORMATS,
        "targets": target_rows(report),
        "children_keys": (
            "children_on_plan_during_period",
            "children_on_plan_at_period_end",
            "children_on_plan_at_period_end_per_10000",
            "plans_started",
        ),
        "time_keys": (
            "icpc_within_15_working_days",
            "review_conferences_in_timescale",
            "reviews_on_time",
        ),
        "journey_keys": ("initial_conferences_held", "icpc_leading_to_plan"),
        "worry_keys": ("children_with_dispute_raised", "disputes_raised"),
        "doing_keys": ("child_attended", "child_views_represented", "advocate_involved"),
    }


def render_html(summary: Summary) -> str:
    from django.template.loader import render_to_string

    return render_to_string("reports/summary_document.html", context(summary))


def render_pdf(summary: Summary) -> bytes:
    """The summary as a tagged A4 PDF (PDF/UA-1), its language and title set."""
    from django.conf import settings
    from weasyprint import HTML

    from iro.reports.renderers.document import PDF_VARIANT

    return HTML(string=render_html(summary), base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant=PDF_VARIANT
    )


SUMMARY_FORMATS = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}


def render(summary: Summary, fmt: str) -> tuple[str | bytes, str]:
    """The summary in ``fmt`` (pdf, html or json) and its content type."""
    import json

    content_type = SUMMARY_FORMATS[fmt]
    if fmt == "json":
        return json.dumps(summary.as_json(), indent=2, ensure_ascii=False) + "\n", content_type
    if fmt == "html":
        return render_html(summary), content_type
    return render_pdf(summary), content_type
