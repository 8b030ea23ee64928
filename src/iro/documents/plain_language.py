"""A plain-language check for words a family will read: a readability score and the
jargon and abbreviations found, each with plainer words to use instead.

The score is the Flesch reading ease from textstat 0.7.8 (pinned: later versions
fetch data at run time and fail offline). 60 or more is plain English that most
adults read easily; below 50 is hard going for many parents. The reading age is the
Flesch-Kincaid grade (a US school year) plus 5, the usual conversion to years of age:
words for children should read at about 9 to 11. The jargon list is the
service's own: the words professionals use to each other that families should not
have to decode.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import textstat

# Flesch reading ease bands (Flesch 1948; 60-70 "standard", what the Plain English
# Campaign asks of public information).
PLAIN = 60
FAIRLY_HARD = 50
# Below this many words a readability formula says nothing useful.
MIN_WORDS = 8
# A US school grade is about five years less than the age of its pupils.
READING_AGE_OVER_GRADE = 5
MAX_CHARS = 20_000

SHORT = "short"
GOOD = "good"
FAIR = "fair"
HARD = "hard"
VERDICTS = {
    SHORT: "Too short to score. Keep sentences short and words everyday.",
    GOOD: "Plain English: most people can read this easily.",
    FAIR: "Fairly hard to read. Try shorter sentences and everyday words.",
    HARD: "Hard to read. Use shorter sentences and everyday words.",
}
EASY_BUT_JARGON = "Easy to read, but it uses words a family may not know: see below."

# Abbreviations are matched as written (capitals), whole words only.
ABBREVIATIONS: dict[str, str] = {
    "ICPC": "the first child protection meeting",
    "RCPC": "the review meeting",
    "CPP": "child protection plan",
    "CP": "child protection",
    "CIN": "child in need",
    "LADO": "the council officer who looks into worries about adults who work with children",
    "DRP": "the way the independent chair raises a concern with the council",
    "MACP": "a concern raised with another service",
    "IRO": "the independent chair (the reviewing officer)",
    "SW": "social worker",
    "NFA": "no further action",
    "LAC": "child in care",
    "CLA": "child in care",
    "CAMHS": "the children's mental health service",
    "MASH": "the team that first looks at worries about a child",
    "TAF": "team around the family",
    "DV": "domestic abuse",
    "DA": "domestic abuse",
    "EHCP": "education, health and care plan",
    "PLO": "the meeting before the council goes to court",
    "YOT": "youth justice service",
    "NYAS": "the advocacy service (someone who helps children have their say)",
    "NAI": "an injury someone may have caused on purpose",
    "FGM": "female genital mutilation (cutting)",
    "CSE": "a child being sexually exploited",
    "CCE": "a child being made to commit crime",
    "EHA": "early help (support for the family from the council)",
}

# Phrases are matched in any case, whole words only.
PHRASES: dict[str, str] = {
    "section 47": "the checks social workers make when they are worried a child may be harmed",
    # (any case: written "s47" as often as "S47")
    "S47": "the checks social workers make when they are worried a child may be harmed",
    "core group": "the group of people who meet to check the plan is working",
    "significant harm": "serious harm",
    "strategy discussion": "a meeting between social workers, police and health",
    "strategy meeting": "a meeting between social workers, police and health",
    "multi-agency": "different services working together",
    "safeguarding": "keeping children safe",
    "chronology": "a list of what happened and when",
    "disclosure": "telling someone",
    "disclosed": "told someone",
    "escalate": "raise with a senior manager",
    "non-engagement": "not taking part",
    "engage": "take part",
    "ascertain": "find out",
    "facilitate": "help",
    "in accordance with": "following",
    "prior to": "before",
    "commence": "start",
    "utilise": "use",
    "threshold": "the point at which we must act",
    "statutory": "required by law",
    "risk assessment": "a check of what could go wrong",
    "protective factors": "things that help keep the child safe",
    "presenting concerns": "what we are worried about",
    "non-accidental injury": "an injury someone may have caused on purpose",
}


def _pattern(term: str, *, ignore_case: bool) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


_CHECKS = [(t, s, _pattern(t, ignore_case=False)) for t, s in ABBREVIATIONS.items()] + [
    (t, s, _pattern(t, ignore_case=True)) for t, s in PHRASES.items()
]


@dataclass(frozen=True)
class Finding:
    term: str
    suggestion: str
    count: int


@dataclass(frozen=True)
class Check:
    """The result of checking one text."""

    words: int
    reading_ease: float | None
    grade: float | None
    level: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def reading_age(self) -> float | None:
        """The age of a reader who can read this easily, in years."""
        if self.grade is None:
            return None
        return round(self.grade + READING_AGE_OVER_GRADE, 1)

    @property
    def to_change(self) -> bool:
        """Whether the text could be plainer: hard going, or words a family may not know."""
        return self.level in (FAIR, HARD) or bool(self.findings)

    @property
    def in_short(self) -> str:
        """What the check found, in a few words, for the summary at the top of a page."""
        found = []
        if self.level in (FAIR, HARD):
            found.append("hard to read" if self.level == HARD else "fairly hard to read")
        if self.findings:
            terms = ", ".join(f"“{f.term}”" for f in self.findings)
            found.append(f"uses words a family may not know ({terms})")
        if found:
            return ", and ".join(found)
        return "plain English" if self.level == GOOD else "too short to score"

    @property
    def verdict(self) -> str:
        if self.level == GOOD and self.findings:
            return EASY_BUT_JARGON
        return VERDICTS[self.level]

    def as_dict(self) -> dict:
        return {
            "words": self.words,
            "reading_ease": self.reading_ease,
            "grade": self.grade,
            "reading_age": self.reading_age,
            "level": self.level,
            "verdict": self.verdict,
            "findings": [
                {"term": f.term, "suggestion": f.suggestion, "count": f.count}
                for f in self.findings
            ],
        }


def jargon(text: str) -> list[Finding]:
    """The jargon and abbreviations in ``text``, in the order of the list."""
    found = []
    for term, suggestion, pattern in _CHECKS:
        count = len(pattern.findall(text))
        if count:
            found.append(Finding(term, suggestion, count))
    return found


def check(text: str) -> Check:
    """Score ``text`` for readability and list its jargon."""
    text = text.strip()
    words = textstat.lexicon_count(text) if text else 0
    findings = jargon(text)
    if words < MIN_WORDS:
        return Check(words, None, None, SHORT, findings)
    # Flesch's formula runs past 100 for very short words and sentences (and below 0):
    # the page says "out of 100", so the score is held to that scale.
    ease = min(100.0, max(0.0, round(float(textstat.flesch_reading_ease(text)), 1)))
    grade = round(float(textstat.flesch_kincaid_grade(text)), 1)
    level = GOOD if ease >= PLAIN else FAIR if ease >= FAIRLY_HARD else HARD
    return Check(words, ease, grade, level, findings)


def check_fields(form, names: Iterable[str]) -> dict[str, Check]:
    """Check the submitted text of ``form``'s fields, keyed by the fields' HTML names
    (what the form templates look up)."""
    results = {}
    for name in names:
        if name not in form.fields:
            continue
        bound = form[name]
        value = bound.value() or ""
        if str(value).strip():
            results[bound.html_name] = check(str(value))
    return results


@dataclass(frozen=True)
class FieldCheck:
    """One field's check, as the summary at the top of the page links to it."""

    anchor: str  # the field's id
    label: str  # the field's label, and whose it is when a page has several children
    result: Check


@dataclass(frozen=True)
class WordingSummary:
    """What "Check the wording" found on a page, said at its top: the check reloads the
    page, and a long form's results would otherwise be far below, found by no one."""

    checked: list[FieldCheck]

    @property
    def to_change(self) -> list[FieldCheck]:
        return [c for c in self.checked if c.result.to_change]

    @property
    def headline(self) -> str:
        count, changes = len(self.checked), len(self.to_change)
        if not count:
            return "There was no text to check."
        if not changes:
            return "Nothing to change: no words a family may not know, and nothing hard to read."
        if count == 1:
            return "The text checked could be plainer."
        return f"{changes} of the {count} texts checked could be plainer."


def field_checks(form, results: dict[str, Check], *, whose: str = "") -> list[FieldCheck]:
    """``results`` (from check_fields) of ``form``'s fields in the form's order, each
    with its field's id and label (its question mark dropped: "What are we worried
    about"), then ``whose`` it is, if given: "(Mia Fenwick)"."""
    checked = []
    for bound in form:
        result = results.get(bound.html_name)
        if result is not None:
            label = str(bound.label).rstrip("?").strip()
            checked.append(
                FieldCheck(bound.auto_id, f"{label} ({whose})" if whose else label, result)
            )
    return checked
