"""Ofsted Annex A lists 5 (Section 47 enquiries and ICPCs) and 7 (child protection).

One row per Section 47 enquiry (list 5) or per plan (list 7) of the period, for the
children the user may see, read in batches (a fixed number of queries per batch, never
per child) and written to CSV or, streaming, to an .xlsx workbook. Children appear by
their LA child ID, never by name.

Rows of list 5: enquiries that started in the period or whose ICPC was held in it.
Rows of list 7: plans open at some time in the period.

The records hold no statutory visits, no "seen alone" and no emergency protection orders,
so those list 7 columns are left empty rather than guessed. Every text cell is protected
from formula injection (``iro.census.cells``).
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.db.models import Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from iro import timescales
from iro.access.log import log_export
from iro.access.scope import statutory_return_children
from iro.census.cells import safe_cell
from iro.census.export import check_may_export
from iro.children.models import Child, Sex
from iro.journey.models import (
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Plan,
    Section47,
)
from iro.journey.selectors import review_dates_by_plan

LISTS = ("5", "7")
FORMATS = ("csv", "xlsx")
BATCH = 500

LIST_5_COLUMNS = (
    "Child unique ID",
    "Gender",
    "Ethnicity",
    "Date of birth",
    "Age of child (years)",
    "Disability",
    "Strategy discussion initiating Section 47 enquiry start date",
    "Was an ICPC deemed unnecessary?",
    "Date of ICPC",
    "Did the ICPC result in a child protection plan?",
    "Number of Section 47 enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated team",
    "Allocated worker",
)
LIST_7_COLUMNS = (
    "Child unique ID",
    "Gender",
    "Ethnicity",
    "Date of birth",
    "Age of child (years)",
    "Disability",
    "Child protection plan start date",
    "Initial category of abuse",
    "Latest category of abuse",
    "Date of last statutory visit",
    "Was the child seen alone?",
    "Date of latest review conference",
    "Child protection plan end date",
    "Subject to emergency protection order in the last six months?",
    "Number of previous child protection plans",
    "Allocated team",
    "Allocated worker",
)
COLUMNS = {"5": LIST_5_COLUMNS, "7": LIST_7_COLUMNS}
# Sheet names: at most 31 characters, no : \ / ? * [ ].
TITLES = {"5": "List 5 - S47s and ICPCs", "7": "List 7 - child protection"}
SEX_LABELS = dict(Sex.choices)
NO_ROWS = "No {what} for {period}: nothing was written."
WHAT = {"5": "Section 47 enquiries", "7": "child protection plans"}


def parse_annex_period(label: str) -> timescales.Period:
    """A reporting year (2023-24) or a quarter of one (2023-24-Q3)."""
    kind = timescales.QUARTERLY if label.count("-") == 2 else timescales.ANNUAL
    return timescales.parse_period(kind, label)


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _disabled(child: Child) -> str:
    return _yes_no(any(code != "NONE" for code in child.disabilities or []))


def _child_cells(child: Child, on: date) -> list:
    return [
        child.la_child_id,
        SEX_LABELS.get(child.sex, "Not known"),
        child.ethnicity,
        child.date_of_birth,
        _age(child.date_of_birth, on),
        _disabled(child),
    ]


def _allocation(child: Child) -> list:
    worker = child.social_worker
    return [
        child.team.name if child.team else "",
        (worker.get_full_name() or worker.username) if worker else "",
    ]


def _batches(queryset) -> Iterator[list[Child]]:
    pks = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        yield list(
            Child.objects.filter(pk__in=chunk)
            .select_related("team", "social_worker")
            .order_by("la_child_id", "pk")
        )


def _icpc_rows(child_ids) -> dict[int, tuple[date, str]]:
    """Each enquiry's held initial conference: (date, decision)."""
    rows = ConferenceChild.objects.filter(
        child_id__in=child_ids,
        section47__isnull=False,
        conference__kind=ConferenceKind.INITIAL,
        conference__status=ConferenceStatus.HELD,
        conference__held_on__isnull=False,
    ).values_list("section47_id", "conference__held_on", "decision")
    found: dict[int, tuple[date, str]] = {}
    for s47_id, held_on, decision in rows:
        if s47_id not in found or held_on < found[s47_id][0]:
            found[s47_id] = (held_on, decision)
    return found


def list_5_rows(user, period: timescales.Period) -> Iterator[list]:
    first, last = period.first_day, period.last_day
    year_ago = timescales.add_months(last, -12)
    in_period = Q(start_date__range=(first, last)) | Q(
        conference_rows__conference__kind=ConferenceKind.INITIAL,
        conference_rows__conference__status=ConferenceStatus.HELD,
        conference_rows__conference__held_on__range=(first, last),
        # A join does not go through the default manager: leave voided conferences out.
        conference_rows__conference__voided_at__isnull=True,
        conference_rows__voided_at__isnull=True,
    )
    children = statutory_return_children(user).filter(
        pk__in=Section47.objects.filter(in_period).values("episode__child")
    )
    for batch in _batches(children):
        ids = [c.pk for c in batch]
        enquiries = defaultdict(list)
        for s in Section47.objects.filter(episode__child_id__in=ids).select_related("episode"):
            enquiries[s.episode.child_id].append(s)
        icpcs = _icpc_rows(ids)
        for child in batch:
            own = sorted(enquiries[child.pk], key=lambda s: (s.start_date, s.pk))
            recent_s47s = sum(1 for s in own if year_ago < s.start_date <= last)
            recent_icpcs = sum(
                1 for s in own if s.pk in icpcs and year_ago < icpcs[s.pk][0] <= last
            )
            for s in own:
                held = icpcs.get(s.pk)
                icpc_on = held[0] if held and held[0] <= last else None
                if not (first <= s.start_date <= last or (icpc_on and icpc_on >= first)):
                    continue
                yield [
                    *_child_cells(child, s.start_date),
                    s.start_date,
                    _yes_no(s.icpc_not_required),
                    icpc_on,
                    _yes_no(held is not None and held[1] == Decision.PLAN) if icpc_on else "",
                    recent_s47s,
                    recent_icpcs,
                    *_allocation(child),
                ]


def list_7_rows(user, period: timescales.Period) -> Iterator[list]:
    first, last = period.first_day, period.last_day
    open_in_period = Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))
    children = statutory_return_children(user).filter(
        pk__in=Plan.objects.filter(open_in_period).values("child")
    )
    for batch in _batches(children):
        ids = [c.pk for c in batch]
        plans = defaultdict(list)
        for p in Plan.objects.filter(child_id__in=ids).order_by("start_date", "pk"):
            plans[p.child_id].append(p)
        reviews = review_dates_by_plan([p.pk for ps in plans.values() for p in ps])
        for child in batch:
            own = plans[child.pk]
            for p in own:
                if p.start_date > last or (p.end_date is not None and p.end_date < first):
                    continue
                held = [r for r in reviews.get(p.pk, ()) if r <= last]
                earlier = sum(1 for other in own if other.start_date < p.start_date)
                yield [
                    *_child_cells(child, last),
                    p.start_date,
                    p.initial_category,
                    p.latest_category,
                    None,  # statutory visits are not recorded here
                    None,  # nor whether the child was seen alone
                    max(held) if held else None,
                    p.end_date if p.end_date and p.end_date <= last else None,
                    None,  # nor emergency protection orders
                    max(p.previous_plans, earlier),
                    *_allocation(child),
                ]


ROWS = {"5": list_5_rows, "7": list_7_rows}


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(safe_cell(value)) if isinstance(value, str) else str(value)


def _write_csv(path: str, columns, rows) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
            count += 1
    return count


def _write_xlsx(path: str, title: str, columns, rows) -> int:
    # Write-only mode streams rows to disk: memory stays flat however long the list.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    bold = Font(bold=True)
    heading = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(path)
    return count


class AnnexRefused(Exception):
    """The message says why nothing was written."""


def write_list(*, user, period: timescales.Period, list_number: str, output_format: str,
               path) -> int:  # fmt: skip
    """Write Annex A list 5 or 7 for ``period`` to ``path``; the number of rows.

    Needs the export capability; logs the export (one row, and one per child listed). The
    file appears only once complete.
    """
    check_may_export(user)
    columns, title = COLUMNS[list_number], TITLES[list_number]
    target = os.fspath(path)
    handle, temporary = tempfile.mkstemp(
        prefix=".annex-a-", suffix=f".{output_format}", dir=os.path.dirname(os.path.abspath(target))
    )
    os.close(handle)
    children: set[int] = set()

    def rows():
        by_id = {}
        for row in ROWS[list_number](user, period):
            by_id.setdefault(row[0], None)
            yield row
        children.update(
            statutory_return_children(user)
            .filter(la_child_id__in=list(by_id))
            .values_list("pk", flat=True)
        )

    try:
        if output_format == "xlsx":
            count = _write_xlsx(temporary, title, columns, rows())
        else:
            count = _write_csv(temporary, columns, rows())
        if count == 0:
            raise AnnexRefused(NO_ROWS.format(what=WHAT[list_number], period=period.label))
        with transaction.atomic():
            log_export(
                user=user,
                what=f"Annex A list {list_number} {period.label}",
                children=sorted(children),
                detail={"period": period.label, "rows": count, "format": output_format,
                        "file": os.path.basename(target)},
            )  # fmt: skip
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return count
