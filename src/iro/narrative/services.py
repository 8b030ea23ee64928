"""The one write path of a report's words.

``write_narrative`` is keyword-only, takes the ``acting_user`` (who must hold
``WRITE_REPORT_NARRATIVE``), runs in one transaction and saves through
django-simple-history, so each change is kept with who made it and when. Bad input
raises ``ValidationError`` with a message per section and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from iro import text_limits, timescales
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.journey.checks import Errors, saved_by
from iro.narrative.models import Narrative
from iro.narrative.sections import FIELDS
from iro.narrative.selectors import NAMES_SOMEONE, known_in, names_refusal  # noqa: F401

# Messages (tests import these).
NOT_A_PERIOD = "There is no such report period."
UNKNOWN_SECTION = "There is no section called {field!r}."
CHANGED_SINCE = (
    "{who} saved other words for this section at {when}, after you opened the page. Their "
    "words are under the box: keep what you want from both, then save again."
)

# The version of a report's words no one has saved yet (``expected_version`` of a first save).
NONE_SAVED = 0


@dataclass(frozen=True)
class Merge:
    """Two editors' saves of the same words: the sections as they are to be saved, and
    the sections both changed differently (none saved until the editor chooses)."""

    texts: dict[str, str]
    conflicts: tuple[str, ...]


def merge(seen: dict[str, str] | None, saved: dict[str, str], mine: dict[str, str]) -> Merge:
    """Each section of ``mine`` against the words its editor saw (``seen``; None when
    not known) and those saved since (``saved``): a section only the editor changed
    takes theirs, one only the other changed keeps the other's, and one both changed to
    different words is a conflict."""
    texts, conflicts = {}, []
    for field, text in mine.items():
        now = saved.get(field, "")
        before = seen.get(field, "") if seen is not None else None
        if text == now or before == now:
            texts[field] = text
        elif text == before:
            texts[field] = now
        else:
            texts[field] = text
            conflicts.append(field)
    return Merge(texts=texts, conflicts=tuple(conflicts))


def seen_at(narrative: Narrative | None, version: int) -> dict[str, str] | None:
    """The sections as they stood at ``version`` (empty before the first save); None
    when the history does not hold that version."""
    if narrative is None or version == NONE_SAVED:
        return dict.fromkeys(FIELDS, "")
    if narrative.version == version:
        return {f: getattr(narrative, f) for f in FIELDS}
    then = narrative.history.filter(version=version).order_by("-history_date").first()
    return {f: getattr(then, f) for f in FIELDS} if then is not None else None


def version_now(kind: str, period: str) -> int:
    """The version of the words saved for ``kind`` and ``period`` (``NONE_SAVED`` before
    any). Only for writers that hold no page a person read (the demo, tests): they say so
    by passing this as ``expected_version``."""
    version = Narrative.objects.filter(kind=kind, period=period).values_list("version", flat=True)
    return version.first() or NONE_SAVED


def changed_since(narrative: Narrative) -> str:
    who = narrative.written_by.get_full_name() or narrative.written_by.username
    return CHANGED_SINCE.format(
        who=who, when=f"{timezone.localtime(narrative.written_at):%H:%M on %-d %B %Y}"
    )


@transaction.atomic
def write_narrative(
    *, kind: str, period: str, texts: dict[str, str], acting_user, expected_version: int
) -> Narrative:
    """Save the words of the ``kind`` report for ``period`` (a label such as 2019-20):
    each section given in ``texts`` (by field name) is replaced, the others are kept.
    ``expected_version`` is the version the editor's page showed (``NONE_SAVED`` before
    any): a save made since is merged section by section (``merge``), and a section
    both changed is refused (``CHANGED_SINCE`` on it), nothing saved."""
    require(acting_user, Capability.WRITE_REPORT_NARRATIVE)
    errors = Errors()
    try:
        the_period = timescales.parse_period(kind, period)
    except ValueError:
        errors.add("__all__", NOT_A_PERIOD)
        errors.raise_if_any()
        raise
    parts = known_in([t for t in texts.values() if t])
    for field, text in texts.items():
        if field not in FIELDS:
            errors.add("__all__", UNKNOWN_SECTION.format(field=field))
            continue
        text = (text or "").strip()
        errors.add(field, text_limits.too_long(text, text_limits.NARRATIVE_SECTION))
        if text:
            errors.add(field, names_refusal(text, parts))
    errors.raise_if_any()
    narrative = (
        Narrative.objects.select_for_update().filter(kind=kind, period=the_period.label).first()
    )
    mine = {field: (text or "").strip() for field, text in texts.items()}
    if narrative is not None and narrative.version != expected_version:
        saved = {f: getattr(narrative, f) for f in FIELDS}
        merged = merge(seen_at(narrative, expected_version), saved, mine)
        for field in merged.conflicts:
            errors.add(field, changed_since(narrative))
        errors.raise_if_any()
        mine = merged.texts
    if narrative is None:
        narrative = Narrative(kind=kind, period=the_period.label)
    changed = False
    for field, text in mine.items():
        if getattr(narrative, field) != text:
            setattr(narrative, field, text)
            changed = True
    if changed or narrative.pk is None:
        narrative.written_by = acting_user
        narrative.written_at = timezone.now()
        if narrative.pk is not None:
            narrative.version += 1
        saved_by(narrative, acting_user).save()
    return narrative
