"""Signing off a report for publication: its published edition's files kept as they were.

A report follows the records: correct a conference held in May and last year's annual
report changes. What the service published must not. So the IRO service manager, who
writes the report's words, signs off a period that is over; its published edition (no
child, no chair named) is made there and then in every format (PDF, XLSX, CSV, JSON)
and kept in ``reports.SignedOffReport``. The report page offers those files beside the
live figures, and says when the records have changed since. A sign-off is withdrawn with
a reason (to correct and sign off again); every sign-off stays, with who and when.
"""

from __future__ import annotations

import json
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from iro import timescales
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.narrative.selectors import known_in, names_refusal
from iro.reports.models import SignedOffReport

NOT_OVER = (
    "{name} is not over until the end of {ends:%-d %B %Y}: a report is signed off once "
    "its period has ended, so that its figures are final."
)
ALREADY = (
    "{name} was already signed off by {who} on {when:%-d %B %Y}. Withdraw that sign-off "
    "first, saying why, to sign it off again."
)
NOT_STANDING = "That sign-off was withdrawn already, or is not this report's."
REASON_NEEDED = "Say why the sign-off is withdrawn: the reason is kept with it."
# What each file signed off says of it: by role, as the published edition names no one.
SIGNED_WORDS = "Signed off for publication by the {role} on {day:%-d %B %Y}."
STATEMENT_MAX = 1000
STATEMENT_TOO_LONG = "The statement is {n} characters long: keep it to 1000."


def standing(kind: str, label: str) -> SignedOffReport | None:
    """The sign-off of a report that stands (not withdrawn), if any."""
    return (
        SignedOffReport.objects.filter(kind=kind, period=label, withdrawn_at__isnull=True)
        .select_related("signed_by")
        .defer(*SignedOffReport.FORMATS)
        .first()
    )


def withdrawn(kind: str, label: str) -> list[SignedOffReport]:
    """The sign-offs of a report withdrawn, latest first."""
    return list(
        SignedOffReport.objects.filter(kind=kind, period=label, withdrawn_at__isnull=False)
        .select_related("signed_by", "withdrawn_by")
        .defer(*SignedOffReport.FORMATS)
        .order_by("-signed_at")
    )


def sign_off(
    *, kind: str, period: timescales.Period, statement: str = "", acting_user
) -> SignedOffReport:
    """Sign off the report of ``period``, which must be over: its published edition made
    now in every format and kept. Refused while a sign-off stands."""
    from iro.reports import cache
    from iro.reports.builders import PUBLISHED
    from iro.reports.renderers import formats

    require(acting_user, Capability.WRITE_REPORT_NARRATIVE)
    statement = statement.strip()
    if len(statement) > STATEMENT_MAX:
        raise ValidationError({"statement": STATEMENT_TOO_LONG.format(n=len(statement))})
    named = names_refusal(statement, known_in([statement])) if statement else None
    if named:  # read by every role with reports, those who see no names too
        raise ValidationError({"statement": named})
    if not is_over(period):
        raise ValidationError(NOT_OVER.format(name=period.name, ends=_ends(period)))
    already = standing(kind, period.label)
    if already is not None:
        raise ValidationError(
            ALREADY.format(name=period.name, who=already.signed_by, when=already.signed_at)
        )
    token = cache.current_token()
    # As the report pages and the worker read it: usually kept already.
    report = cache.page_report(kind, period, edition=PUBLISHED)
    signed_at = timezone.now()
    words = SIGNED_WORDS.format(
        role=acting_user.get_role_display(), day=timezone.localtime(signed_at).date()
    )
    if statement:
        words += f" “{statement}”"
    # The published edition lists no child; each file says it was signed off.
    report = replace(report, management=[], signed_off=words)
    files = {fmt: _bytes(formats.render(report, fmt)[0]) for fmt in SignedOffReport.FORMATS}
    try:
        with transaction.atomic():
            signed = SignedOffReport(
                kind=kind,
                period=period.label,
                signed_by=acting_user,
                signed_at=signed_at,
                statement=statement,
                token=token,
                **files,
            )
            signed._history_user = acting_user
            signed.save()
    except IntegrityError:  # signed off by someone else meanwhile
        already = standing(kind, period.label)
        raise ValidationError(
            ALREADY.format(name=period.name, who=already.signed_by, when=already.signed_at)
        ) from None
    return signed


def is_over(period: timescales.Period) -> bool:
    """Whether ``period`` (read as at any day) has ended before today: only then are its
    figures final, and may it be signed off."""
    return _ends(period) < timezone.localdate()


def _ends(period: timescales.Period):
    return period.ends_on or period.last_day  # a provisional period's own end, else its last day


def withdraw(*, signed: SignedOffReport, reason: str, acting_user) -> SignedOffReport:
    """Withdraw a standing sign-off, saying why; its files are kept with it."""
    require(acting_user, Capability.WRITE_REPORT_NARRATIVE)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_NEEDED})
    with transaction.atomic():
        found = (
            SignedOffReport.objects.select_for_update()
            .defer(*SignedOffReport.FORMATS)
            .filter(pk=signed.pk, withdrawn_at__isnull=True)
            .first()
        )
        if found is None:
            raise ValidationError(NOT_STANDING)
        found.withdrawn_at = timezone.now()
        found.withdrawn_by = acting_user
        found.withdrawn_reason = reason
        found._history_user = acting_user
        found.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return found


def figures_changed(signed: SignedOffReport, report) -> bool | None:
    """Whether ``report``, the live report of the same period (either edition), now gives
    other figures or words than the files signed off: a correction since that moved
    something this report says, not any change to the records. None when it cannot
    tell: a report for one team or chair is not the one signed off."""
    if report.team is not None or report.chair is not None:
        return None
    if not report.published:  # compared as published: its small counts withheld
        from iro.reports.disclosure import protect

        report = replace(report, measures=dict(report.measures), previous=dict(report.previous))
        protect(report)
    kept = SignedOffReport.objects.filter(pk=signed.pk).values_list("json", flat=True).get()
    then = json.loads(bytes(kept))
    now = json.loads(json.dumps(report.as_json(), ensure_ascii=False))  # as the file has it
    return _comparable(then) != _comparable(now)


def _comparable(data: dict) -> dict:
    """A report's JSON without what tells the editions apart (the internal edition's
    by-chair table) and the words saying it was signed off."""
    sections = {
        k: v for k, v in data.get("sections", {}).items() if k not in ("edition", "by_chair")
    }
    return {k: v for k, v in data.items() if k != "signed_off"} | {"sections": sections}


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content
