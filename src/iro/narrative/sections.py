"""The sections of a report's words: their fields, headings and the hint given to the writer.

Pure data, shared by the form, the service and every renderer of a report.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    field: str
    title: str
    hint: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "context",
        "Context and staffing",
        "The service in this period: how many IROs and their caseloads (never by name), "
        "changes in staffing, and what shaped the period.",
    ),
    Section(
        "went_well",
        "What went well",
        "The achievements of the period, and what children, families and partners told us.",
    ),
    Section(
        "was_hard",
        "What was hard",
        "The challenges of the period, and what got in the way.",
    ),
    Section(
        "next_steps",
        "What needs to be done next",
        "The action plan in words: what the service will do next (a year's report sets it "
        "beside the targets for the next year).",
    ),
)
FIELDS = tuple(s.field for s in SECTIONS)
BY_FIELD = {s.field: s for s in SECTIONS}
