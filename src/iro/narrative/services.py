"""The one write path of a report's words.

``write_narrative`` is keyword-only, takes the ``acting_user`` (who must hold
``WRITE_REPORT_NARRATIVE``), runs in one transaction and saves through
django-simple-history, so each change is kept with who made it and when. Bad input
raises ``ValidationError`` with a message per section and writes nothing.
"""

from __future__ import annotations

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


@transaction.atomic
def write_narrative(*, kind: str, period: str, texts: dict[str, str], acting_user) -> Narrative:
    """Save the words of the ``kind`` report for ``period`` (a label such as 2019-20):
    each section given in ``texts`` (by field name) is replaced, the others are kept."""
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
    if narrative is None:
        narrative = Narrative(kind=kind, period=the_period.label)
    changed = False
    for field, text in texts.items():
        text = (text or "").strip()
        if getattr(narrative, field) != text:
            setattr(narrative, field, text)
            changed = True
    if changed or narrative.pk is None:
        narrative.written_by = acting_user
        narrative.written_at = timezone.now()
        saved_by(narrative, acting_user).save()
    return narrative
