"""The DfE validation rules on Section 47s, ICPCs, plans and reviews, and structural checks.

Pure functions over the reader's records (no database, no Django): ``check_child`` gives
the findings of one child, ``Validator`` runs a whole stream (adding the checks that need
more than one child, such as duplicated IDs) and counts findings by rule.

Each DfE rule is a function named after its number. The census year is the one that ends
on the header's ReferenceDate: from (ReferenceDate - 1 year + 1 day) to ReferenceDate,
inclusive. Rules that need it are skipped, with a header finding saying so, when a file has
no readable ReferenceDate. Working days come from ``iro.timescales``.

Where the DfE wording and the community validator (csc-validator-be-cin) differ, the DfE
wording is followed; docs/census.md lists the differences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from iro import timescales
from iro.census import codes
from iro.census.reader import Child, Episode, Header, ProtectionPlan, Section47

ERROR = "error"
QUERY = "query"

SATURDAY = 5  # date.weekday()


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    title: str  # what the rule requires, in a few plain words


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    child: str | None  # LAchildID, None for the header
    field: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "child": self.child,
            "field": self.field,
            "message": self.message,
            "line": self.line,
        }


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        # DfE rules (numbers as the DfE publishes them).
        Rule("1104", ERROR, "ICPC date on or after the referral date"),
        Rule("1105", ERROR, "plan start on or after the referral date"),
        Rule("2884", ERROR, "an ICPC recorded on the Section 47 or on the episode, not both"),
        Rule("2885", ERROR, "plan start equals the ICPC date"),
        Rule("2889", ERROR, "Section 47 start on or after the referral date"),
        Rule("4001", ERROR, "no CIN plan at the same time as a child protection plan"),
        Rule("8615", ERROR, "Section 47 start present and on or before the ICPC date"),
        Rule("8675Q", QUERY, "no ICPC more than 15 working days after the Section 47 start"),
        Rule("8715", ERROR, "ICPC date within the census year"),
        Rule("8730", ERROR, "number of previous plans present, zero or more"),
        Rule("8740", ERROR, "an open Section 47 started within the census year"),
        Rule("8839", ERROR, "no more than one open Section 47 in an episode"),
        Rule("8840", ERROR, "a plan does not start and end on the same day"),
        Rule("8841", ERROR, "review dates after the plan start"),
        Rule("8868", ERROR, "a closed episode has every Section 47 completed"),
        Rule("8870Q", QUERY, "the ICPC target date is not a weekend"),
        Rule("8875", ERROR, "the ICPC date is not a weekend"),
        Rule("8890", ERROR, "Section 47 enquiries do not overlap"),
        Rule("8905", ERROR, "initial category of abuse is a valid code"),
        Rule("8910", ERROR, "latest category of abuse is a valid code"),
        Rule("8925", ERROR, "plan end not before plan start"),
        Rule("8930", ERROR, "plan end within the census year"),
        Rule("8935", ERROR, "at most one open plan"),
        Rule("8940", ERROR, "plans do not overlap"),
        # Structural checks (ours, not DfE numbers).
        Rule("S-ID", ERROR, "every child has an LAchildID"),
        Rule("S-DUP", ERROR, "each LAchildID appears once"),
        Rule("S-DATE", ERROR, "dates are real dates"),
        Rule("S-EMPTY", ERROR, "elements are not empty"),
        Rule("S-CODE", ERROR, "codes are from the DfE code lists"),
        Rule("S-YESNO", ERROR, "yes/no values are 0, 1, true or false"),
        Rule("S-NUMBER", ERROR, "numbers are whole numbers"),
        Rule("S-MISSING", ERROR, "required elements are present"),
        Rule("S-HEADER", ERROR, "the header names the collection and its reference date"),
        Rule("S-HEADERQ", QUERY, "the reference date is 31 March"),
    )
}

# Messages (one per rule; the values make each one specific).
M_1104 = "The ICPC date {icpc} is before the referral date {referral}."
M_1105 = "The plan starts on {start}, before the referral date {referral}."
M_2884 = "The ICPC on {icpc} is recorded on both the Section 47 and the episode; record it once."
M_2885 = (
    "The plan starts on {start}, which is not the date of an initial conference in this "
    "episode ({icpcs})."
)
M_2889 = "The Section 47 starts on {start}, before the referral date {referral}."
M_4001 = (
    "A CIN plan from {cin_start} runs at the same time as the child protection plan from "
    "{cpp_start}."
)
M_8615_MISSING = "The Section 47 has an ICPC date ({icpc}) but no start date."
M_8615 = "The Section 47 starts on {start}, after its ICPC date {icpc}."
M_8675Q = (
    "The Section 47 started on {start}; the ICPC was due by {due}, before the reference "
    "date {ref}, but there is no ICPC date and it is not marked as not required."
)
M_8715 = "The ICPC date {icpc} is outside the census year {first} to {ref}."
M_8730_MISSING = "The number of previous plans is missing."
M_8730 = "The number of previous plans is {value}; it must be zero or more."
M_8740 = (
    "The Section 47 from {start} has no ICPC date and is not marked ICPC not required, "
    "so it must start within the census year {first} to {ref}."
)
M_8839 = (
    "The episode from {referral} has {count} open Section 47 enquiries; at most one may be open."
)
M_8840 = "The plan starts and ends on the same day, {start}."
M_8841 = "The review on {review} is not after the plan start {start}."
M_8868 = (
    "The episode closed on {closure}, but the Section 47 from {start} has neither an ICPC "
    "date nor ICPC not required."
)
M_8870Q = "The ICPC target date {target} is a {day}."
M_8875 = "The ICPC date {icpc} is a {day}."
M_8890 = (
    "The Section 47 from {start} starts while the Section 47 from {other} is still open ({until})."
)
M_8905 = "The initial category of abuse {value!r} is not one of NEG, PHY, EMO, SAB, MUL."
M_8910 = "The latest category of abuse {value!r} is not one of NEG, PHY, EMO, SAB, MUL."
M_8925 = "The plan ends on {end}, before it starts on {start}."
M_8930 = "The plan end {end} is outside the census year {first} to {ref}."
M_8935 = "The child has {count} open plans; at most one may be open."
M_8940 = "The plan from {start} starts while the plan from {other} is still running ({until})."
M_DUPLICATE = "LAchildID {id} appears more than once in the file (first on line {first_line})."
M_NO_ID = "The child has no LAchildID."
M_NO_HEADER = "The file has no header."
M_NO_REFERENCE_DATE = (
    "The header has no readable ReferenceDate, so the census year is unknown and rules "
    "2885, 8675Q, 8715, 8740 and 8930 were not run."
)
M_NOT_CIN = "The collection is {value!r}, not CIN."
M_NOT_31_MARCH = "The reference date {ref} is not 31 March."

PROBLEM_RULES = {
    "date": "S-DATE",
    "empty": "S-EMPTY",
    "code": "S-CODE",
    "yes_no": "S-YESNO",
    "number": "S-NUMBER",
    "missing": "S-MISSING",
}

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class CensusYear:
    """The census year ending on a reference date, both ends included."""

    first_day: date
    reference_date: date

    @classmethod
    def ending(cls, reference_date: date) -> CensusYear:
        first = timescales.add_months(reference_date, -12) + timedelta(days=1)
        return cls(first, reference_date)

    def __contains__(self, d: date) -> bool:
        return self.first_day <= d <= self.reference_date


def _finding(code: str, child: Child, field: str, message: str, line: int | None) -> Finding:
    return Finding(code, RULES[code].severity, child.la_child_id, field, message, line)


# --- Rules on one episode -----------------------------------------------------------------

# Each rule appends its findings to `out` (cheaper than a generator per rule per episode,
# which matters on files of many thousands of children).
EpisodeRule = Callable[[Child, Episode, "CensusYear | None", list[Finding]], None]


def rule_1104(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if ep.referral_date is None:
        return
    if ep.icpc_date is not None and ep.icpc_date < ep.referral_date:
        out.append(
            _finding(
                "1104",
                child,
                "CINdetails/DateOfInitialCPC",
                M_1104.format(icpc=ep.icpc_date, referral=ep.referral_date),
                ep.line,
            )
        )
    for s in ep.section47s:
        if s.icpc_date is not None and s.icpc_date < ep.referral_date:
            out.append(
                _finding(
                    "1104",
                    child,
                    "Section47/DateOfInitialCPC",
                    M_1104.format(icpc=s.icpc_date, referral=ep.referral_date),
                    s.line,
                )
            )


def rule_1105(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if ep.referral_date is None:
        return
    for p in ep.plans:
        if p.start_date is not None and p.start_date < ep.referral_date:
            out.append(
                _finding(
                    "1105",
                    child,
                    "ChildProtectionPlans/CPPstartDate",
                    M_1105.format(start=p.start_date, referral=ep.referral_date),
                    p.line,
                )
            )


def rule_2884(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if ep.icpc_date is None:
        return
    for s in ep.section47s:
        if s.icpc_date == ep.icpc_date:
            out.append(
                _finding(
                    "2884",
                    child,
                    "CINdetails/DateOfInitialCPC",
                    M_2884.format(icpc=ep.icpc_date),
                    s.line,
                )
            )


def rule_2885(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if year is None or not ep.plans:
        return
    icpcs = {s.icpc_date for s in ep.section47s if s.icpc_date is not None}
    if ep.icpc_date is not None:
        icpcs.add(ep.icpc_date)
    for p in ep.plans:
        if p.start_date is not None and p.start_date in year and p.start_date not in icpcs:
            listed = ", ".join(str(d) for d in sorted(icpcs)) or "none recorded"
            out.append(
                _finding(
                    "2885",
                    child,
                    "ChildProtectionPlans/CPPstartDate",
                    M_2885.format(start=p.start_date, icpcs=listed),
                    p.line,
                )
            )


def rule_2889(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if ep.referral_date is None:
        return
    for s in ep.section47s:
        if s.start_date is not None and s.start_date < ep.referral_date:
            out.append(
                _finding(
                    "2889",
                    child,
                    "Section47/S47ActualStartDate",
                    M_2889.format(start=s.start_date, referral=ep.referral_date),
                    s.line,
                )
            )


def rule_4001(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    # Two open plans always overlap (the DfE wording); dated ones overlap when one starts
    # before the other ends. A CIN plan ending the day a CP plan starts is a step up.
    for cin in ep.cin_plans:
        if cin.start_date is None:
            continue
        cin_end = cin.end_date or date.max
        for p in ep.plans:
            if p.start_date is None:
                continue
            cpp_end = p.end_date or date.max
            if cin.start_date < cpp_end and p.start_date < cin_end:
                out.append(
                    _finding(
                        "4001",
                        child,
                        "CINPlanDates/CINPlanEndDate",
                        M_4001.format(cin_start=cin.start_date, cpp_start=p.start_date),
                        cin.line,
                    )
                )


def rule_8615(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    for s in ep.section47s:
        if s.icpc_date is None:
            continue
        if s.start_date is None:
            out.append(
                _finding(
                    "8615",
                    child,
                    "Section47/S47ActualStartDate",
                    M_8615_MISSING.format(icpc=s.icpc_date),
                    s.line,
                )
            )
        elif s.start_date > s.icpc_date:
            out.append(
                _finding(
                    "8615",
                    child,
                    "Section47/S47ActualStartDate",
                    M_8615.format(start=s.start_date, icpc=s.icpc_date),
                    s.line,
                )
            )


def rule_8675q(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if year is None:
        return
    for s in ep.section47s:
        if s.icpc_date is None and s.icpc_not_required is False and s.start_date is not None:
            due = timescales.icpc_due(s.start_date)
            if due < year.reference_date:
                out.append(
                    _finding(
                        "8675Q",
                        child,
                        "Section47/DateOfInitialCPC",
                        M_8675Q.format(start=s.start_date, due=due, ref=year.reference_date),
                        s.line,
                    )
                )


def rule_8715(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if year is None:
        return
    for s in ep.section47s:
        if s.icpc_date is not None and s.icpc_date not in year:
            out.append(
                _finding(
                    "8715",
                    child,
                    "Section47/DateOfInitialCPC",
                    M_8715.format(icpc=s.icpc_date, first=year.first_day, ref=year.reference_date),
                    s.line,
                )
            )


def rule_8740(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if year is None:
        return
    for s in ep.section47s:
        if (
            s.icpc_date is None
            and s.icpc_not_required is False
            and s.start_date is not None
            and s.start_date not in year
        ):
            out.append(
                _finding(
                    "8740",
                    child,
                    "Section47/S47ActualStartDate",
                    M_8740.format(
                        start=s.start_date, first=year.first_day, ref=year.reference_date
                    ),
                    s.line,
                )
            )


def _open_s47(s: Section47) -> bool:
    return s.icpc_date is None and s.icpc_not_required is not True


def rule_8839(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    open_count = sum(1 for s in ep.section47s if _open_s47(s))
    if open_count > 1:
        out.append(
            _finding(
                "8839",
                child,
                "Section47/DateOfInitialCPC",
                M_8839.format(referral=ep.referral_date, count=open_count),
                ep.line,
            )
        )


def rule_8868(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if ep.closure_date is None:
        return
    for s in ep.section47s:
        if s.icpc_date is None and s.icpc_not_required is not True:
            out.append(
                _finding(
                    "8868",
                    child,
                    "Section47/ICPCnotRequired",
                    M_8868.format(closure=ep.closure_date, start=s.start_date),
                    s.line,
                )
            )


def rule_8870q(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    for s in ep.section47s:
        if s.icpc_target is not None and s.icpc_target.weekday() >= SATURDAY:
            out.append(
                _finding(
                    "8870Q",
                    child,
                    "Section47/InitialCPCtarget",
                    M_8870Q.format(target=s.icpc_target, day=_DAYS[s.icpc_target.weekday()]),
                    s.line,
                )
            )


def rule_8875(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    if ep.icpc_date is not None and ep.icpc_date.weekday() >= SATURDAY:
        out.append(
            _finding(
                "8875",
                child,
                "CINdetails/DateOfInitialCPC",
                M_8875.format(icpc=ep.icpc_date, day=_DAYS[ep.icpc_date.weekday()]),
                ep.line,
            )
        )
    for s in ep.section47s:
        if s.icpc_date is not None and s.icpc_date.weekday() >= SATURDAY:
            out.append(
                _finding(
                    "8875",
                    child,
                    "Section47/DateOfInitialCPC",
                    M_8875.format(icpc=s.icpc_date, day=_DAYS[s.icpc_date.weekday()]),
                    s.line,
                )
            )


def rule_8890(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    enquiries = [s for s in ep.section47s if s.start_date is not None]
    if len(enquiries) < 2:
        return
    for i, s in enumerate(enquiries):
        for j, other in enumerate(enquiries):
            if i == j:
                continue
            if other.icpc_date is not None:
                until, label = other.icpc_date, f"ICPC on {other.icpc_date}"
            elif other.icpc_not_required is not True and year is not None:
                until, label = year.reference_date, "no ICPC by the reference date"
            else:
                continue
            if other.start_date <= s.start_date <= until:
                out.append(
                    _finding(
                        "8890",
                        child,
                        "Section47/S47ActualStartDate",
                        M_8890.format(start=s.start_date, other=other.start_date, until=label),
                        s.line,
                    )
                )
                break


EPISODE_RULES: tuple[EpisodeRule, ...] = (
    rule_1104,
    rule_1105,
    rule_2884,
    rule_2885,
    rule_2889,
    rule_4001,
    rule_8615,
    rule_8675q,
    rule_8715,
    rule_8740,
    rule_8839,
    rule_8868,
    rule_8870q,
    rule_8875,
    rule_8890,
)


# --- Rules on one plan --------------------------------------------------------------------

PlanRule = Callable[[Child, ProtectionPlan, "CensusYear | None", list[Finding]], None]


def rule_8730(child: Child, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]) -> None:
    if p.previous_plans is None:
        out.append(
            _finding(
                "8730", child, "ChildProtectionPlans/NumberOfPreviousCPP", M_8730_MISSING, p.line
            )
        )
    elif p.previous_plans < 0:
        out.append(
            _finding(
                "8730",
                child,
                "ChildProtectionPlans/NumberOfPreviousCPP",
                M_8730.format(value=p.previous_plans),
                p.line,
            )
        )


def rule_8840(child: Child, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]) -> None:
    if p.start_date is not None and p.end_date == p.start_date:
        out.append(
            _finding(
                "8840",
                child,
                "ChildProtectionPlans/CPPendDate",
                M_8840.format(start=p.start_date),
                p.line,
            )
        )


def rule_8841(child: Child, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]) -> None:
    if p.start_date is None:
        return
    for review in p.review_dates:
        if review <= p.start_date:
            out.append(
                _finding(
                    "8841",
                    child,
                    "ChildProtectionPlans/Reviews/CPPreviewDate",
                    M_8841.format(review=review, start=p.start_date),
                    p.line,
                )
            )


def rule_8905(child: Child, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]) -> None:
    if p.initial_category not in codes.CATEGORIES:
        out.append(
            _finding(
                "8905",
                child,
                "ChildProtectionPlans/InitialCategoryOfAbuse",
                M_8905.format(value=p.initial_category or ""),
                p.line,
            )
        )


def rule_8910(child: Child, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]) -> None:
    if p.latest_category not in codes.CATEGORIES:
        out.append(
            _finding(
                "8910",
                child,
                "ChildProtectionPlans/LatestCategoryOfAbuse",
                M_8910.format(value=p.latest_category or ""),
                p.line,
            )
        )


def rule_8925(child: Child, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]) -> None:
    if p.start_date is not None and p.end_date is not None and p.end_date < p.start_date:
        out.append(
            _finding(
                "8925",
                child,
                "ChildProtectionPlans/CPPendDate",
                M_8925.format(end=p.end_date, start=p.start_date),
                p.line,
            )
        )


def rule_8930(child: Child, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]) -> None:
    if year is not None and p.end_date is not None and p.end_date not in year:
        out.append(
            _finding(
                "8930",
                child,
                "ChildProtectionPlans/CPPendDate",
                M_8930.format(end=p.end_date, first=year.first_day, ref=year.reference_date),
                p.line,
            )
        )


PLAN_RULES: tuple[PlanRule, ...] = (
    rule_8730,
    rule_8840,
    rule_8841,
    rule_8905,
    rule_8910,
    rule_8925,
    rule_8930,
)


# --- Rules on all of a child's plans ------------------------------------------------------


def rule_8935(
    child: Child, plans: list[ProtectionPlan], year: CensusYear | None, out: list[Finding]
) -> None:
    open_plans = [p for p in plans if p.end_date is None and p.start_date is not None]
    if len(open_plans) > 1:
        out.append(
            _finding(
                "8935",
                child,
                "ChildProtectionPlans/CPPendDate",
                M_8935.format(count=len(open_plans)),
                open_plans[-1].line,
            )
        )


def rule_8940(
    child: Child, plans: list[ProtectionPlan], year: CensusYear | None, out: list[Finding]
) -> None:
    dated = [p for p in plans if p.start_date is not None]
    if len(dated) < 2:
        return
    for i, p in enumerate(dated):
        for j, other in enumerate(dated):
            if i == j:
                continue
            if other.end_date is not None:
                until, label = other.end_date, f"ends {other.end_date}"
            else:
                until = year.reference_date if year is not None else date.max
                label = "no end date"
            if other.start_date <= p.start_date <= until:
                out.append(
                    _finding(
                        "8940",
                        child,
                        "ChildProtectionPlans/CPPstartDate",
                        M_8940.format(start=p.start_date, other=other.start_date, until=label),
                        p.line,
                    )
                )
                break


CHILD_PLAN_RULES = (rule_8935, rule_8940)


# --- Structural checks --------------------------------------------------------------------

# Reading problems on these fields are reported by their own DfE rule instead.
_FIELDS_WITH_OWN_RULE = frozenset(
    {
        "ChildProtectionPlans/InitialCategoryOfAbuse",
        "ChildProtectionPlans/LatestCategoryOfAbuse",
        "ChildProtectionPlans/NumberOfPreviousCPP",
        "ChildIdentifiers/LAchildID",
    }
)


def structural_findings(child: Child) -> Iterator[Finding]:
    """Findings for what could not be read: missing ID, bad dates, codes, empty elements."""
    if child.la_child_id is None:
        yield Finding("S-ID", ERROR, None, "ChildIdentifiers/LAchildID", M_NO_ID, child.line)
    for problem in child.problems:
        if problem.field in _FIELDS_WITH_OWN_RULE:
            continue
        code = PROBLEM_RULES[problem.kind]
        message = f"{problem.field.rsplit('/', 1)[-1]}: {problem.message}."
        yield Finding(
            code, RULES[code].severity, child.la_child_id, problem.field, message, problem.line
        )


def header_findings(header: Header) -> Iterator[Finding]:
    if not header.present:
        yield Finding("S-HEADER", ERROR, None, "Header", M_NO_HEADER)
    for problem in header.problems:
        code = PROBLEM_RULES[problem.kind]
        message = f"{problem.field.rsplit('/', 1)[-1]}: {problem.message}."
        yield Finding(code, ERROR, None, problem.field, message, problem.line)
    if header.reference_date is None:
        yield Finding(
            "S-HEADER", ERROR, None, "Header/CollectionDetails/ReferenceDate", M_NO_REFERENCE_DATE
        )
    elif (header.reference_date.month, header.reference_date.day) != (3, 31):
        yield Finding(
            "S-HEADERQ",
            QUERY,
            None,
            "Header/CollectionDetails/ReferenceDate",
            M_NOT_31_MARCH.format(ref=header.reference_date),
        )
    if header.present and header.collection not in (None, "CIN"):
        yield Finding(
            "S-HEADER",
            ERROR,
            None,
            "Header/CollectionDetails/Collection",
            M_NOT_CIN.format(value=header.collection),
        )


# --- Running them -------------------------------------------------------------------------


def check_child(child: Child, year: CensusYear | None) -> list[Finding]:
    """Every finding for one child: structural checks, then the DfE rules."""
    findings = list(structural_findings(child)) if child.problems or not child.la_child_id else []
    plans: list[ProtectionPlan] = []
    for ep in child.episodes:
        if ep.section47s or ep.plans or ep.icpc_date is not None:
            for rule in EPISODE_RULES:
                rule(child, ep, year, findings)
        for p in ep.plans:
            plans.append(p)
            for plan_rule in PLAN_RULES:
                plan_rule(child, p, year, findings)
    if len(plans) > 1:
        for child_rule in CHILD_PLAN_RULES:
            child_rule(child, plans, year, findings)
    return findings


class Validator:
    """Validates a stream of children, keeping only what cross-child checks need.

    Memory grows with the number of distinct LAchildIDs (one set entry each), never with
    the children themselves.
    """

    def __init__(self, header: Header, *, reference_date: date | None = None) -> None:
        ref = reference_date or header.reference_date
        self.year = CensusYear.ending(ref) if ref else None
        self.header = header
        self.counts: Counter[str] = Counter()
        self.children = 0
        self._first_line: dict[str, int | None] = {}

    def header_findings(self) -> list[Finding]:
        found = list(header_findings(self.header))
        self.counts.update(f.rule for f in found)
        return found

    def check(self, child: Child) -> list[Finding]:
        self.children += 1
        found = check_child(child, self.year)
        if child.la_child_id is not None:
            if child.la_child_id in self._first_line:
                first = self._first_line[child.la_child_id]
                found.append(
                    Finding(
                        "S-DUP",
                        ERROR,
                        child.la_child_id,
                        "ChildIdentifiers/LAchildID",
                        M_DUPLICATE.format(id=child.la_child_id, first_line=first or "?"),
                        child.line,
                    )
                )
            else:
                self._first_line[child.la_child_id] = child.line
        if found:
            self.counts.update(f.rule for f in found)
        return found

    def run(self, children: Iterable[Child]) -> Iterator[Finding]:
        yield from self.header_findings()
        for child in children:
            yield from self.check(child)

    def summary(self) -> dict:
        """Children read, findings by rule (in rule order) and totals by severity."""
        by_rule = {code: self.counts[code] for code in RULES if self.counts[code]}
        errors = sum(n for code, n in by_rule.items() if RULES[code].severity == ERROR)
        return {
            "children": self.children,
            "errors": errors,
            "queries": sum(by_rule.values()) - errors,
            "by_rule": by_rule,
        }
