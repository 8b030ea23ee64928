"""The DfE validation rules on Section 47s, ICPCs, plans and reviews, and structural checks.

Pure functions over the reader's records (no database, no Django): ``check_child`` gives
the findings of one child, ``Validator`` runs a whole stream (adding the checks that need
more than one child, such as duplicated IDs) and counts findings by rule.

The rules are checked in one pass per kind of record (the child, each episode, its
assessments, CIN plans, Section 47s and child protection plans, then all of the child's
plans together), each check marked with its DfE rule number: a function call per rule per
record is what a file of many thousands of children would pay for most.

The census year is the one that ends on the header's ReferenceDate: from (ReferenceDate -
1 year + 1 day) to ReferenceDate, inclusive. Rules that need it are skipped, with a header
finding saying so, when a file has no readable ReferenceDate. Working days come from
``iro.timescales``.

Where the DfE wording and the community validator (csc-validator-be-cin) differ, the DfE
wording is followed; docs/census.md lists the differences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from operator import mul

from iro import timescales
from iro.census import codes
from iro.census.reader import Child, Episode, Header, ProtectionPlan

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


# Every rule of the DfE's CIN census validation specification for 2024-25 and 2025-26
# (the same list both years), with the DfE's message as its title. A code ending in Q is a
# query (a warning to check and explain), any other an error (must be fixed). The file-wide
# rules (2883, 2886Q, 2887Q, 2888Q) give one finding for the return, with no child.
_ERRORS_AND_QUERIES = (
    ("100", "Reference Date is incorrect"),
    ("1103", "The assessment start date cannot be before the referral date"),
    ("1104", "The date of the initial child protection conference cannot be before the "
             "referral date"),
    ("1105", "The child protection plan start date cannot be before the referral date"),
    ("1510", "UPN invalid (wrong check letter at character 1)"),
    ("1520", "More than one record with the same UPN"),
    ("1530", "UPN invalid (characters 2-4 not a recognised LA code)"),
    ("1540", "UPN invalid (characters 5-12 not all numeric)"),
    ("1550", "UPN invalid (character 13 not a recognised value)"),
    ("1560Q", "Please check and either amend or provide a reason: Former UPN wrongly "
              "formatted"),
    ("1570", "LA Child ID must not be longer than 20 characters"),
    ("1580", "LA Child ID must not contain any non-alphanumeric characters"),
    ("2883", "There are more child protection plans starting than initial conferences "
             "taking place"),
    ("2884", "An initial child protection conference is recorded at both the S47 and CIN "
             "Details level and it should only be recorded in one"),
    ("2885", "Child protection plan shown as starting a different day to the initial child "
             "protection conference"),
    ("2886Q", "Please check and either amend or provide a reason: Percentage of children "
              "with no sex recorded is more than 2% (excluding unborns)"),
    ("2887Q", "Please check and either amend or provide a reason: Less than 8 disability "
              "codes have been used in your return"),
    ("2888Q", "Please check and either amend or provide a reason: Only one disability code "
              "is recorded per child and multiple disabilities should be recorded where "
              "possible"),
    ("2889", "The S47 start date cannot be before the referral date"),
    ("2990", "Activity is recorded against a case marked as 'Case closed after assessment, "
             "no further action' or 'case closed after assessment, referred to early help'"),
    ("2991Q", "Please check and either amend data or provide a reason: A Section 47 module "
              "is recorded and there is no assessment on the episode"),
    ("4000", "CIN Plan details provided for a referral with no further action"),
    ("4001", "A CIN Plan cannot run concurrently with a Child Protection Plan"),
    ("4003", "A CPP review date is shown as being held at the same time as an open CIN Plan"),
    ("4004", "This child is showing more than one open CIN Plan, i.e. with no End Date"),
    ("4008", "CIN Plan shown as starting after the child's Date of Death"),
    ("4009Q", "CIN Plan cannot end after the child's Date of Death"),
    ("4010", "CIN Plan start date is missing or out of data collection period"),
    ("4011", "CIN Plan End Date earlier than Start Date"),
    ("4012Q", "Please check and either amend or provide a reason: CIN Plan shown as "
              "starting and ending on the same day"),
    ("4013", "CIN Plan end date must fall within the census year"),
    ("4014", "CIN Plan data contains overlapping dates"),
    ("4015", "The CIN Plan start date cannot be before the referral date"),
    ("4016", "A CIN Plan has been reported as open at the same time as a Child Protection "
             "Plan"),
    ("4017", "A CIN Plan has been reported as open at the same time as a Child Protection "
             "Plan"),
    ("4180", "Sex must be provided and equal M, F, or U"),
    ("4220", "Ethnicity is missing or invalid (see Ethnicity table)"),
    ("8500", "LA Child ID missing"),
    ("8510", "More than one child record with the same LA Child ID"),
    ("8520", "Date of Birth is after data collection period (must be on or before the end "
             "of the census period)"),
    ("8525Q", "Either Date of Birth or Expected Date of Birth must be provided (but not "
              "both)"),
    ("8530Q", "Please check and either amend data or provide a reason: Expected Date of "
              "Birth is outside the expected range for this census (March to December of "
              "the Census Year end)"),
    ("8535Q", "Please check and either amend data or provide a reason: Child's date of "
              "death should not be prior to the date of birth"),
    ("8540", "Child's disability is missing or invalid (see Disability table)"),
    ("8545Q", "Please check and either amend data or provide a reason: Child's date of "
              "death should be within the census year"),
    ("8555Q", "Child cannot be referred after its recorded date of death"),
    ("8565", "Activity shown after a case has been closed"),
    ("8568", "RNFA flag is missing or invalid"),
    ("8569Q", "A case with referral date before one working day prior to the collection "
              "start date must not be flagged as a no further action case"),
    ("8585Q", "Please check and either amend or provide a reason: CIN episode shows Died as "
              "the Closure Reason, however child has no recorded Date of Death"),
    ("8590", "Child does not have a recorded CIN episode"),
    ("8600", "Child referral date missing or after data collection period"),
    ("8606", "Child referral date is more than 40 weeks before DOB or expected DOB"),
    ("8608", "Assessment Start Date cannot be later than its End Date"),
    ("8610", "Primary Need code is missing for a referral which led to further action"),
    ("8614", "Parental or child factors at assessment should only be present for a "
             "completed assessment"),
    ("8615", "Section 47 Enquiry Start Date must be present and cannot be later than the "
             "date of the initial Child Protection Conference"),
    ("8620", "CIN Closure Date present and does not fall within the Census year"),
    ("8630", "CIN Closure Date is before CIN Referral Date for the same CIN episode"),
    ("8640", "CIN Reason for closure code invalid (see Reason for Closure table in CIN "
             "Census code set)"),
    ("8650", "Primary Need Code invalid (see Primary Need table in CIN census code set)"),
    ("8670Q", "Please check and either amend data or provide a reason: Assessment started "
              "more than 45 working days before the end of the census year. However, there "
              "is no Assessment end date"),
    ("8675Q", "Please check and either amend data or provide a reason: S47 Enquiry started "
              "more than 15 working days before the end of the census year. However, there "
              "is no date of Initial Child Protection Conference"),
    ("8696", "Assessment end date must fall within the census year"),
    ("8715", "Date of Initial Child Protection Conference must fall within the census year"),
    ("8720", "Child Protection Plan Start Date missing or out of data collection period"),
    ("8730", "Total Number of previous Child Protection Plans missing"),
    ("8736", "For an Assessment that has not been completed, the start date must fall "
             "within the census year"),
    ("8740", "For a Section 47 Enquiry that has not held the Initial Child Protection "
             "Conference by the end of the census year, the start date must fall within "
             "the census year"),
    ("8750", "Sex must equal U for an unborn child"),
    ("8770Q", "Please check and either amend data or provide a reason: UPN is missing or "
              "reason UPN is missing or is UN1 for a child who is of school age"),
    ("8772", "UPN unknown reason is UN7 (Referral with no further action) but at least one "
             "CIN details is a referral going on to further action"),
    ("8775Q", "Please check and either amend data or provide a reason: Child is over 25 "
              "years old"),
    ("8790", "Disability information includes both None and other values"),
    ("8794", "Child has two or more disabilities with the same code"),
    ("8805", "A CIN case cannot have a CIN closure date without a Reason for Closure"),
    ("8810", "A CIN case cannot have a Reason for Closure without a CIN Closure Date"),
    ("8815", "More than one open CIN Details episode (a module with no CIN Closure Date) "
             "has been provided for this child and case is not a referral with no further "
             "action"),
    ("8816", "An open CIN episode is shown and case is not a referral with no further "
             "action, but it is not the latest episode"),
    ("8820", "The dates on the CIN episodes for this child overlap"),
    ("8825Q", "Please check and either amend data or provide a reason: Reason for Closure "
              "code RC8 (case closed after assessment) or RC9 (case closed after "
              "assessment, referred to early help) has been returned but there is no "
              "assessment present for the episode"),
    ("8831", "Activity is recorded against a case marked as a referral with no further "
             "action"),
    ("8832", "Child Protection details provided for a referral with no further action"),
    ("8839", "Within one CINDetails group there are 2 or more open S47 Assessments"),
    ("8840", "Child Protection Plan cannot start and end on the same day"),
    ("8841", "The review date cannot be on the same day or before the Child protection Plan "
             "start date"),
    ("8842Q", "Please check and either amend or provide a reason: Review Record has a "
              "missing date"),
    ("8863Q", "An Assessment is shown as starting when there is another Assessment ongoing"),
    ("8866", "Source of Referral is missing or an invalid code"),
    ("8867", "CIN episode is shown as closed, however Assessment is not shown as completed"),
    ("8868", "CIN episode is shown as closed, however Section 47 enquiry is not shown as "
             "completed by ICPC date or ICPC not required flag"),
    ("8869", "The assessment factors code \"21\" cannot be used in conjunction with any "
             "other assessment factors"),
    ("8870Q", "Please check and either amend or provide a reason: The Target Date for "
              "Initial Child Protection Conference should not be a weekend"),
    ("8873Q", "Please check and either amend data or provide a reason: When there is only "
              "one assessment on the episode and the factors code \"21 No factors "
              "identified\" has been used for the completed assessment, the reason for "
              "closure 'RC8' must be used"),
    ("8875", "The Date of Initial Child Protection Conference cannot be a weekend"),
    ("8890", "A Section 47 enquiry is shown as starting when there is another Section 47 "
             "Enquiry ongoing"),
    ("8896", "Within one CINDetails group there are 2 or more open Assessments groups"),
    ("8897Q", "Parental or child factors at assessment information is missing from a "
              "completed assessment"),
    ("8898", "The assessment has more than one parental or child factors with the same code"),
    ("8905", "Initial Category of Abuse code missing or invalid (see Category of Abuse "
             "table in CIN Census code set)"),
    ("8910", "Latest Category of Abuse code missing or invalid (see Category of Abuse table "
             "in CIN Census code set)"),
    ("8915", "Child Protection Plan shown as starting after the child's Date of Death"),
    ("8920", "Child Protection Plan cannot end after the child's Date of Death"),
    ("8925", "Child Protection Plan End Date earlier than Start Date"),
    ("8930", "Child Protection Plan End Date must fall within the census year"),
    ("8935", "This child is showing more than one open Child Protection plan, i.e. with no "
             "End Date"),
    ("8940", "Child Protection Plan data contains overlapping dates"),
    ("8945Q", "Please check and either amend data or provide a reason: the assessment "
              "factors code '18A' should not be used ('18B' or '18C' should be used "
              "instead)"),
    ("8950Q", "Please check and either amend data or provide a reason: the assessment "
              "factors code '19A' should not be used ('19B' or '19C' should be used "
              "instead)"),
)  # fmt: skip

RULES: dict[str, Rule] = {
    code: Rule(code, QUERY if code.endswith("Q") else ERROR, message)
    for code, message in _ERRORS_AND_QUERIES
}
RULES.update(
    (r.code, r)
    for r in (
        # Structural checks (ours, not DfE numbers): what the DfE schema itself refuses.
        Rule("S-DATE", ERROR, "dates are real dates"),
        Rule("S-EMPTY", ERROR, "elements are not empty"),
        Rule("S-CODE", ERROR, "codes are from the DfE code lists"),
        Rule("S-YESNO", ERROR, "yes/no values are 0, 1, true or false"),
        Rule("S-NUMBER", ERROR, "numbers are whole numbers"),
        Rule("S-MISSING", ERROR, "required elements are present"),
        Rule("S-HEADER", ERROR, "the header names the collection"),
    )
)
DFE_RULES = tuple(code for code, _ in _ERRORS_AND_QUERIES)

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
    "An open CIN plan from {cin_start} runs at the same time as the open child protection "
    "plan from {cpp_start}."
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
M_NO_HEADER = "The file has no header."
M_NO_REFERENCE_DATE = (
    "Reference Date is incorrect: the header has no readable ReferenceDate, so the census "
    "year is unknown and the rules that need it were not run."
)
M_NOT_CIN = "The collection is {value!r}, not CIN."
M_NOT_31_MARCH = "Reference Date is incorrect: {ref} is not {expected}."

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


# --- Rules on one episode's Section 47s, initial conference and plans ----------------------

# Each group of rules appends its findings to `out` (cheaper than a generator) and reads
# its records in one pass.


def _section47_rules(
    child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]
) -> None:
    """1104, 2889, 8615, 8675Q, 8715, 8740, 8839, 8868, 8870Q, 8875 and 8890 on each
    Section 47 of the episode."""
    referral, closure = ep.referral_date, ep.closure_date
    open_count = 0
    for s in ep.section47s:
        start, icpc, line = s.start_date, s.icpc_date, s.line
        if icpc is not None:
            if referral is not None and icpc < referral:  # 1104
                out.append(
                    _finding(
                        "1104",
                        child,
                        "Section47/DateOfInitialCPC",
                        M_1104.format(icpc=icpc, referral=referral),
                        line,
                    )
                )
            if start is None:  # 8615
                out.append(
                    _finding(
                        "8615",
                        child,
                        "Section47/S47ActualStartDate",
                        M_8615_MISSING.format(icpc=icpc),
                        line,
                    )
                )
            elif start > icpc:
                out.append(
                    _finding(
                        "8615",
                        child,
                        "Section47/S47ActualStartDate",
                        M_8615.format(start=start, icpc=icpc),
                        line,
                    )
                )
            if year is not None and icpc not in year:  # 8715
                out.append(
                    _finding(
                        "8715",
                        child,
                        "Section47/DateOfInitialCPC",
                        M_8715.format(icpc=icpc, first=year.first_day, ref=year.reference_date),
                        line,
                    )
                )
            if icpc.weekday() >= SATURDAY:  # 8875
                out.append(
                    _finding(
                        "8875",
                        child,
                        "Section47/DateOfInitialCPC",
                        M_8875.format(icpc=icpc, day=_DAYS[icpc.weekday()]),
                        line,
                    )
                )
        elif s.icpc_not_required is not True:
            open_count += 1
            if closure is not None:  # 8868
                out.append(
                    _finding(
                        "8868",
                        child,
                        "Section47/ICPCnotRequired",
                        M_8868.format(closure=closure, start=start),
                        line,
                    )
                )
            if s.icpc_not_required is False and start is not None and year is not None:
                due = timescales.icpc_due(start)
                if due < year.reference_date:  # 8675Q
                    out.append(
                        _finding(
                            "8675Q",
                            child,
                            "Section47/DateOfInitialCPC",
                            M_8675Q.format(start=start, due=due, ref=year.reference_date),
                            line,
                        )
                    )
                if start not in year:  # 8740
                    out.append(
                        _finding(
                            "8740",
                            child,
                            "Section47/S47ActualStartDate",
                            M_8740.format(
                                start=start, first=year.first_day, ref=year.reference_date
                            ),
                            line,
                        )
                    )
        if start is not None and referral is not None and start < referral:  # 2889
            out.append(
                _finding(
                    "2889",
                    child,
                    "Section47/S47ActualStartDate",
                    M_2889.format(start=start, referral=referral),
                    line,
                )
            )
        target = s.icpc_target
        if target is not None and target.weekday() >= SATURDAY:  # 8870Q
            out.append(
                _finding(
                    "8870Q",
                    child,
                    "Section47/InitialCPCtarget",
                    M_8870Q.format(target=target, day=_DAYS[target.weekday()]),
                    line,
                )
            )
    if open_count > 1:  # 8839
        out.append(
            _finding(
                "8839",
                child,
                "Section47/DateOfInitialCPC",
                M_8839.format(referral=referral, count=open_count),
                ep.line,
            )
        )
    if len(ep.section47s) > 1:
        _rule_8890(child, ep, year, out)


def _rule_8890(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    """8890: no Section 47 starts while another is still open."""
    enquiries = [(s.start_date, s) for s in ep.section47s if s.start_date is not None]
    if len(enquiries) < 2:
        return
    for i, (start, s) in enumerate(enquiries):
        for j, (other_start, other) in enumerate(enquiries):
            if i == j:
                continue
            if other.icpc_date is not None:
                until, label = other.icpc_date, f"ICPC on {other.icpc_date}"
            elif other.icpc_not_required is not True and year is not None:
                until, label = year.reference_date, "no ICPC by the reference date"
            else:
                continue
            if other_start <= start <= until:
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


def _episode_icpc_rules(
    child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]
) -> None:
    """1104, 2884 and 8875 on an initial conference recorded on the episode itself."""
    icpc, referral = ep.icpc_date, ep.referral_date
    if icpc is None:
        return
    if referral is not None and icpc < referral:  # 1104
        out.append(
            _finding(
                "1104",
                child,
                "CINdetails/DateOfInitialCPC",
                M_1104.format(icpc=icpc, referral=referral),
                ep.line,
            )
        )
    for s in ep.section47s:
        if s.icpc_date == icpc:  # 2884
            out.append(
                _finding(
                    "2884", child, "CINdetails/DateOfInitialCPC", M_2884.format(icpc=icpc), s.line
                )
            )
    if icpc.weekday() >= SATURDAY:  # 8875
        out.append(
            _finding(
                "8875",
                child,
                "CINdetails/DateOfInitialCPC",
                M_8875.format(icpc=icpc, day=_DAYS[icpc.weekday()]),
                ep.line,
            )
        )


def _rule_4001(child: Child, ep: Episode, out: list[Finding]) -> None:
    # The DfE's wording: an episode with an open child protection plan has no open CIN
    # plan. Dated overlaps are rules 4016 and 4017.
    cpp = next((p for p in ep.plans if p.end_date is None), None)
    if cpp is None:
        return
    for cin in ep.cin_plans:
        if cin.end_date is None:
            out.append(
                _finding(
                    "4001",
                    child,
                    "CINPlanDates/CINPlanEndDate",
                    M_4001.format(cin_start=cin.start_date, cpp_start=cpp.start_date),
                    cin.line,
                )
            )


def _plan_rules(
    child: Child, ep: Episode, p: ProtectionPlan, year: CensusYear | None, out: list[Finding]
) -> None:
    """1105, 2885, 8720, 8730, 8840, 8841, 8842Q, 8905, 8910, 8915, 8920, 8925 and 8930
    on one child protection plan of the episode."""
    start, end, line = p.start_date, p.end_date, p.line
    ref = year.reference_date if year is not None else None
    if start is None or (ref is not None and start > ref):  # 8720
        _add(out, "8720", child, "ChildProtectionPlans/CPPstartDate", str(start or "missing"), line)
    if start is not None:
        referral = ep.referral_date
        if referral is not None and start < referral:  # 1105
            out.append(
                _finding(
                    "1105",
                    child,
                    "ChildProtectionPlans/CPPstartDate",
                    M_1105.format(start=start, referral=referral),
                    line,
                )
            )
        if year is not None and start in year:  # 2885
            icpcs = {s.icpc_date for s in ep.section47s if s.icpc_date is not None}
            if ep.icpc_date is not None:
                icpcs.add(ep.icpc_date)
            if start not in icpcs:
                listed = ", ".join(str(d) for d in sorted(icpcs)) or "none recorded"
                out.append(
                    _finding(
                        "2885",
                        child,
                        "ChildProtectionPlans/CPPstartDate",
                        M_2885.format(start=start, icpcs=listed),
                        line,
                    )
                )
        if end == start:  # 8840
            out.append(
                _finding(
                    "8840",
                    child,
                    "ChildProtectionPlans/CPPendDate",
                    M_8840.format(start=start),
                    line,
                )
            )
        elif end is not None and end < start:  # 8925
            out.append(
                _finding(
                    "8925",
                    child,
                    "ChildProtectionPlans/CPPendDate",
                    M_8925.format(end=end, start=start),
                    line,
                )
            )
        for review in p.review_dates:
            if review <= start:  # 8841
                out.append(
                    _finding(
                        "8841",
                        child,
                        "ChildProtectionPlans/Reviews/CPPreviewDate",
                        M_8841.format(review=review, start=start),
                        line,
                    )
                )
    if year is not None and end is not None and end not in year:  # 8930
        out.append(
            _finding(
                "8930",
                child,
                "ChildProtectionPlans/CPPendDate",
                M_8930.format(end=end, first=year.first_day, ref=ref),
                line,
            )
        )
    death = child.date_of_death
    if death is not None:
        if start is not None and start > death:  # 8915
            _add(out, "8915", child, "ChildProtectionPlans/CPPstartDate", str(start), line)
        if end is not None and end > death:  # 8920
            _add(out, "8920", child, "ChildProtectionPlans/CPPendDate", str(end), line)
    previous = p.previous_plans
    if previous is None:  # 8730
        out.append(
            _finding(
                "8730", child, "ChildProtectionPlans/NumberOfPreviousCPP", M_8730_MISSING, line
            )
        )
    elif previous < 0:
        out.append(
            _finding(
                "8730",
                child,
                "ChildProtectionPlans/NumberOfPreviousCPP",
                M_8730.format(value=previous),
                line,
            )
        )
    if p.initial_category not in codes.CATEGORIES:  # 8905
        out.append(
            _finding(
                "8905",
                child,
                "ChildProtectionPlans/InitialCategoryOfAbuse",
                M_8905.format(value=p.initial_category or ""),
                line,
            )
        )
    if p.latest_category not in codes.CATEGORIES:  # 8910
        out.append(
            _finding(
                "8910",
                child,
                "ChildProtectionPlans/LatestCategoryOfAbuse",
                M_8910.format(value=p.latest_category or ""),
                line,
            )
        )
    if p.reviews_without_date:  # 8842Q
        _add(out, "8842Q", child, "ChildProtectionPlans/Reviews/CPPreviewDate", "", line)


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
    dated = [(p.start_date, p) for p in plans if p.start_date is not None]
    if len(dated) < 2:
        return
    for i, (start, p) in enumerate(dated):
        for j, (other_start, other) in enumerate(dated):
            if i == j:
                continue
            if other.end_date is not None:
                until, label = other.end_date, f"ends {other.end_date}"
            else:
                until = year.reference_date if year is not None else date.max
                label = "no end date"
            if other_start <= start <= until:
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


# --- Rules on the child, its episodes, assessments and CIN plans ---------------------------

# Characters 2-4 of a UPN: a post-April-1998 LA code or a recognised pseudo-LA code.
_LA_RANGES = (
    (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
    (380, 384), (390, 394), (420, 420), (660, 681), (701, 708), (800, 803), (805, 808),
    (810, 813), (815, 816), (820, 823), (825, 826), (830, 831), (835, 841), (845, 846),
    (850, 852), (855, 857), (860, 861), (865, 896), (908, 909), (916, 916), (919, 919),
    (921, 921), (925, 926), (928, 929), (931, 931), (933, 933), (935, 938), (940, 943),
)  # fmt: skip
LA_CODES = frozenset(f"{n:03d}" for low, high in _LA_RANGES for n in range(low, high + 1))
# The check letters of a UPN, by remainder; character 13 is a digit or one of these.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_LAST = frozenset(UPN_LETTERS + "0123456789")
_DIGITS = frozenset("0123456789")
_UPN_LETTER_PLACES = {letter: place for place, letter in enumerate(UPN_LETTERS)}
_UPN_WEIGHTS = tuple(range(2, 13))  # characters 2-12 weigh their position
_UPN_CODE_OFFSET = 48 * sum(_UPN_WEIGHTS)
REFERRAL_SOURCE_FROM = date(2013, 4, 1)  # 8866: a source is required from this referral on
NO_FACTORS = "21"
# 8606: a referral more than this long before the birth (or expected birth).
_PREGNANCY = timedelta(days=280)
CLOSED_AFTER_ASSESSMENT = frozenset({"RC8", "RC9"})


def upn_check_letter(upn: str) -> str | None:
    """The check letter characters 2-13 of a UPN call for (None if they cannot be read):
    each character times its position (2 to 13), summed, remainder on 23, as a letter.
    A letter as character 13 (a temporary UPN) counts as its place among the letters."""
    digits = upn[1:12]  # characters 2-12: digits only
    if len(upn) < 13 or not (digits.isascii() and digits.isdigit()):
        return None
    last = upn[12]
    last_value = ord(last) - 48 if last in _DIGITS else _UPN_LETTER_PLACES.get(last)
    if last_value is None:
        return None
    # The characters' codes weighed at once: a digit's code is its value plus 48.
    total = sum(map(mul, digits.encode(), _UPN_WEIGHTS)) - _UPN_CODE_OFFSET + 13 * last_value
    return UPN_LETTERS[total % 23]


def _ascii_digits(text: str) -> bool:
    """Whether every character is 0-9 (``isdigit`` alone takes other scripts' digits)."""
    return text.isascii() and text.isdigit()


def _upn_codes(upn: str) -> list[str]:
    """The UPN rules (1510, 1530, 1540, 1550) a present UPN breaks."""
    broken = []
    if len(upn) != 13:
        if not (len(upn) >= 12 and _ascii_digits(upn[4:12])):
            broken.append("1540")
        return broken or ["1540"]
    if upn[1:4] not in LA_CODES:
        broken.append("1530")
    if not _ascii_digits(upn[4:12]):
        broken.append("1540")
    if upn[12] not in _UPN_LAST:
        broken.append("1550")
    letter = upn_check_letter(upn)
    if letter is not None and upn[0] != letter:
        broken.append("1510")
    return broken


def _former_upn_ok(upn: str) -> bool:
    return (
        len(upn) == 13
        and upn[0] in UPN_LETTERS
        and _ascii_digits(upn[1:12])
        and upn[12] in _UPN_LAST
    )


@lru_cache(maxsize=64)
def working_days_before(d: date, n: int) -> date:
    """The n-th working day before `d` (England and Wales bank holidays)."""
    while n:
        d -= timedelta(days=1)
        if timescales.is_working_day(d):
            n -= 1
    return d


def _school_age_born_by(reference_date: date) -> date:
    """Children born on or before this date are of school age in the census year's
    following autumn term (31 August, six years before the August after the census)."""
    return date(reference_date.year - 6, 8, 31)


@lru_cache(maxsize=16)
def _year_marks(reference_date: date) -> tuple[date, date, date, date]:
    """Dates the child rules compare with, once per reference date: the range of expected
    births (8530Q), 25 years before (8775Q) and the school-age birth date (8770Q)."""
    return (
        reference_date - timedelta(days=30),
        timescales.add_months(reference_date, 9),
        timescales.add_months(reference_date, -300),
        _school_age_born_by(reference_date),
    )


def _add(out: list[Finding], code: str, child: Child, field: str, detail: str, line) -> None:
    rule = RULES[code]
    out.append(Finding(code, rule.severity, child.la_child_id, field, _message(rule, detail), line))


def _message(rule: Rule, detail: str) -> str:
    """The rule's words, then what this record gives (when there is something to say)."""
    return f"{rule.title}: {detail}." if detail else f"{rule.title}."


def _child_rules(child: Child, year: CensusYear | None, out: list[Finding]) -> None:
    """Rules on the child's identifiers and characteristics (and those on all its episodes
    together that the DfE words about the child)."""
    line = child.line
    cid = child.la_child_id
    if cid is None:
        _add(out, "8500", child, "ChildIdentifiers/LAchildID", "", line)
    else:
        if len(cid) > 20:
            _add(out, "1570", child, "ChildIdentifiers/LAchildID", f"{len(cid)} characters", line)
        if not (cid.isascii() and cid.isalnum()):
            _add(out, "1580", child, "ChildIdentifiers/LAchildID", repr(cid), line)
    upn = child.upn
    if upn is not None:
        for code in _upn_codes(upn):
            _add(out, code, child, "ChildIdentifiers/UPN", upn, line)
    former = child.former_upn
    if former is not None and not _former_upn_ok(former):
        _add(out, "1560Q", child, "ChildIdentifiers/FormerUPN", former, line)
    sex = child.sex
    if sex is None or child.sex_given is not None:
        # The DfE's 4180 asks for a <Sex> of M, F or U: the old GenderCurrent element, or
        # its numbers in <Sex>, are read for the records but break the rule.
        _add(out, "4180", child, "ChildIdentifiers/Sex", child.sex_given or "", line)
    if child.ethnicity not in codes.ETHNICITIES:
        _add(out, "4220", child, "ChildCharacteristics/Ethnicity", child.ethnicity or "", line)
    dob, expected, death = child.date_of_birth, child.expected_date_of_birth, child.date_of_death
    if (dob is None) == (expected is None):
        detail = "both are given" if dob is not None else "neither is given"
        _add(out, "8525Q", child, "ChildIdentifiers/PersonBirthDate", detail, line)
    if expected is not None and dob is None and sex is not None and sex != "U":
        _add(out, "8750", child, "ChildIdentifiers/Sex", f"sex is {sex}", line)
    if death is not None and dob is not None and death < dob:
        _add(out, "8535Q", child, "ChildIdentifiers/PersonDeathDate", f"{death} < {dob}", line)
    disabilities = child.disabilities
    if disabilities:
        for code in disabilities:
            if code not in codes.DISABILITIES:
                _add(out, "8540", child, "ChildCharacteristics/Disabilities/Disability",
                     repr(code), line)  # fmt: skip
        if "NONE" in disabilities and len(disabilities) > 1:
            _add(out, "8790", child, "ChildCharacteristics/Disabilities/Disability", "", line)
        if len(disabilities) > 1 and len(set(disabilities)) < len(disabilities):
            _add(out, "8794", child, "ChildCharacteristics/Disabilities/Disability", "", line)
    episodes = child.episodes
    # Whether any episode went further than the referral, and whether any did not end at
    # it (most children have one episode, read without a loop).
    if len(episodes) == 1:
        nfa = episodes[0].referral_nfa
        further_action, not_all_nfa = nfa is False, nfa is not True
    else:
        flags = [ep.referral_nfa for ep in episodes]
        further_action = False in flags
        not_all_nfa = further_action or None in flags
    if not disabilities and dob is not None and further_action:
        _add(out, "8540", child, "ChildCharacteristics/Disabilities", "none recorded", line)
    if child.upn_unknown == "UN7" and not_all_nfa:
        _add(out, "8772", child, "ChildIdentifiers/UPNunknown", "", line)
    if year is not None:
        ref = year.reference_date
        if dob is not None and dob > ref:
            _add(out, "8520", child, "ChildIdentifiers/PersonBirthDate", str(dob), line)
        earliest_expected, latest_expected, born_25_years, school_age = _year_marks(ref)
        if expected is not None and not (earliest_expected <= expected <= latest_expected):
            _add(out, "8530Q", child, "ChildIdentifiers/ExpectedPersonBirthDate", str(expected),
                 line)  # fmt: skip
        if death is not None and death not in year:
            _add(out, "8545Q", child, "ChildIdentifiers/PersonDeathDate", str(death), line)
        if dob is not None and dob < born_25_years:
            aged_25 = timescales.add_months(dob, 300)
            if any(ep.closure_date is None or ep.closure_date > aged_25 for ep in episodes):
                _add(out, "8775Q", child, "ChildIdentifiers/PersonBirthDate", f"born {dob}",
                     line)  # fmt: skip
        if (
            further_action
            and upn is None
            and child.upn_unknown in (None, "UN1")
            and dob is not None
            and dob <= school_age
        ):
            _add(out, "8770Q", child, "ChildIdentifiers/UPN", f"born {dob}", line)
    if not episodes:
        _add(out, "8590", child, "CINdetails", "", line)
    elif len(episodes) > 1:
        _episodes_rules(child, year, out)


def _episodes_rules(child: Child, year: CensusYear | None, out: list[Finding]) -> None:
    """8815, 8816, 8820: how a child's episodes sit beside each other."""
    open_eps = [ep for ep in child.episodes if ep.closure_date is None and ep.referral_nfa is False]
    if len(open_eps) > 1:
        _add(out, "8815", child, "CINdetails/CINclosureDate", f"{len(open_eps)} open",
             open_eps[-1].line)  # fmt: skip
    referrals = [ep.referral_date for ep in child.episodes if ep.referral_date is not None]
    latest = max(referrals, default=date.min)  # with none, no open episode has one either
    for ep in open_eps:
        if ep.referral_date is not None and ep.referral_date < latest:
            _add(out, "8816", child, "CINdetails/CINreferralDate",
                 f"open episode from {ep.referral_date}, latest referral {latest}",
                 ep.line)  # fmt: skip
    ref = year.reference_date if year is not None else None
    for ep in child.episodes:
        start = ep.referral_date
        if start is None:
            continue
        for other in child.episodes:
            if other is ep or other.referral_date is None:
                continue
            if other.closure_date is not None:
                until = other.closure_date
            elif other.referral_nfa is False and ref is not None:
                until = ref
            else:
                continue
            # "Between" the other's referral and its closure (or the reference date): the
            # DfE's note lets one episode start on the day the other closed.
            if other.referral_date <= start < until and not (
                other.referral_date == start
                and other.line is not None
                and ep.line is not None
                and ep.line < other.line
            ):
                _add(out, "8820", child, "CINdetails/CINreferralDate",
                     f"referral {start} falls in the episode from {other.referral_date}",
                     ep.line)  # fmt: skip
                break


def _latest_activity(ep: Episode) -> date | None:
    """The latest of the dates 8565 compares with the closure date."""
    dates = [ep.icpc_date]
    for a in ep.assessments:
        dates += (a.start_date, a.authorisation_date)
    for s in ep.section47s:
        dates += (s.start_date, s.icpc_date)
    for p in ep.plans:
        dates.append(p.end_date)
    for c in ep.cin_plans:
        dates += (c.start_date, c.end_date)
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _episode_rules(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    """The rules on one CINdetails group, then on its Section 47s, initial conference and
    child protection plans."""
    line = ep.line
    referral = ep.referral_date
    nfa = ep.referral_nfa
    ref = year.reference_date if year is not None else None
    if referral is None:
        _add(out, "8600", child, "CINdetails/CINreferralDate", "missing", line)
    elif ref is not None and referral > ref:
        _add(out, "8600", child, "CINdetails/CINreferralDate", str(referral), line)
    if ep.referral_source not in codes.REFERRAL_SOURCES and (
        referral is None or referral >= REFERRAL_SOURCE_FROM
    ):
        _add(out, "8866", child, "CINdetails/ReferralSource", ep.referral_source or "missing",
             line)  # fmt: skip
    need = ep.primary_need
    if need is None:
        if nfa is False:
            _add(out, "8610", child, "CINdetails/PrimaryNeedCode", "", line)
    elif need not in codes.PRIMARY_NEEDS:
        _add(out, "8650", child, "CINdetails/PrimaryNeedCode", repr(need), line)
    if nfa is None:
        _add(out, "8568", child, "CINdetails/ReferralNFA", "", line)
    elif nfa is True:
        if (
            ep.icpc_date is not None
            or any(a.start_date or a.authorisation_date for a in ep.assessments)
            or any(s.start_date or s.icpc_date for s in ep.section47s)
        ):
            _add(out, "8831", child, "CINdetails/ReferralNFA", "", line)
        if ep.plans:
            _add(out, "8832", child, "ChildProtectionPlans", "", line)
        if ep.cin_plans:
            _add(out, "4000", child, "CINPlanDates", "", line)
    if (
        nfa is not False
        and referral is not None
        and year is not None
        and referral < working_days_before(year.first_day, 1)
    ):
        _add(out, "8569Q", child, "CINdetails/ReferralNFA", f"referral {referral}", line)
    death = child.date_of_death
    if death is not None and referral is not None and referral > death:
        _add(out, "8555Q", child, "CINdetails/CINreferralDate", f"{referral} > {death}", line)
    birth = child.date_of_birth or child.expected_date_of_birth
    if birth is not None and referral is not None and referral < birth - _PREGNANCY:
        _add(out, "8606", child, "CINdetails/CINreferralDate", f"{referral}, birth {birth}",
             line)  # fmt: skip
    closure, reason = ep.closure_date, ep.closure_reason
    if reason is not None:
        if reason not in codes.CLOSURE_REASONS:
            _add(out, "8640", child, "CINdetails/ReasonForClosure", repr(reason), line)
        if closure is None:
            _add(out, "8810", child, "CINdetails/CINclosureDate", "", line)
        if reason in CLOSED_AFTER_ASSESSMENT:
            if not ep.assessments:
                _add(out, "8825Q", child, "CINdetails/ReasonForClosure", reason, line)
            if ep.section47s or ep.plans or ep.icpc_date is not None or ep.cin_plans:
                _add(out, "2990", child, "CINdetails/ReasonForClosure", reason, line)
        elif reason == "RC2" and death is None:
            _add(out, "8585Q", child, "ChildIdentifiers/PersonDeathDate", "", line)
    if closure is not None:
        if reason is None:
            _add(out, "8805", child, "CINdetails/ReasonForClosure", "", line)
        if year is not None and closure not in year:
            _add(out, "8620", child, "CINdetails/CINclosureDate", str(closure), line)
        if referral is not None and closure < referral:
            _add(out, "8630", child, "CINdetails/CINclosureDate", f"{closure} < {referral}",
                 line)  # fmt: skip
        latest = _latest_activity(ep)
        if latest is not None and latest > closure:
            _add(out, "8565", child, "CINdetails/CINclosureDate",
                 f"closed {closure}, activity on {latest}", line)  # fmt: skip
        if None in [a.authorisation_date for a in ep.assessments]:
            _add(out, "8867", child, "Assessments/AssessmentAuthorisationDate", "", line)
    if ep.section47s and not ep.assessments:
        _add(out, "2991Q", child, "Assessments", "", line)
    if ep.assessments:
        _assessment_rules(child, ep, year, out)
    if ep.cin_plans:
        _cin_plan_rules(child, ep, year, out)
    if ep.section47s:
        _section47_rules(child, ep, year, out)
    if ep.icpc_date is not None:
        _episode_icpc_rules(child, ep, year, out)
    if ep.plans:
        if ep.cin_plans:
            _rule_4001(child, ep, out)
        for p in ep.plans:
            _plan_rules(child, ep, p, year, out)


def _assessment_rules(
    child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]
) -> None:
    referral = ep.referral_date
    ref = year.reference_date if year is not None else None
    late_start = working_days_before(ref, 45) if ref is not None else date.min
    open_count = 0
    for a in ep.assessments:
        start, done, factors, line = a.start_date, a.authorisation_date, a.factors, a.line
        if start is not None and referral is not None and start < referral:
            _add(out, "1103", child, "Assessments/AssessmentActualStartDate", str(start), line)
        if start is not None and done is not None and done < start:
            _add(out, "8608", child, "Assessments/AssessmentAuthorisationDate",
                 f"{done} < {start}", line)  # fmt: skip
        if done is None:
            open_count += 1
            if factors:
                _add(out, "8614", child, "Assessments/AssessmentFactors", "", line)
            if year is not None and start is not None:
                if start not in year:
                    _add(out, "8736", child, "Assessments/AssessmentActualStartDate", str(start),
                         line)  # fmt: skip
                if start < late_start:
                    _add(out, "8670Q", child, "Assessments/AssessmentActualStartDate",
                         str(start), line)  # fmt: skip
        elif year is not None:
            if done not in year:
                _add(out, "8696", child, "Assessments/AssessmentAuthorisationDate", str(done),
                     line)  # fmt: skip
            if done >= year.first_day and not factors:
                _add(out, "8897Q", child, "Assessments/AssessmentFactors", "", line)
        if factors:
            if NO_FACTORS in factors and len(factors) > 1:
                _add(out, "8869", child, "Assessments/AssessmentFactors", "", line)
            if len(factors) > 1 and len(set(factors)) < len(factors):
                _add(out, "8898", child, "Assessments/AssessmentFactors", "", line)
            if "18A" in factors:
                _add(out, "8945Q", child, "Assessments/AssessmentFactors", "", line)
            if "19A" in factors:
                _add(out, "8950Q", child, "Assessments/AssessmentFactors", "", line)
    if open_count > 1:
        _add(out, "8896", child, "Assessments/AssessmentAuthorisationDate", f"{open_count} open",
             ep.line)  # fmt: skip
    assessments = ep.assessments
    if len(assessments) == 1:
        if NO_FACTORS in assessments[0].factors and ep.closure_reason not in (
            CLOSED_AFTER_ASSESSMENT
        ):
            _add(out, "8873Q", child, "CINdetails/ReasonForClosure", ep.closure_reason or "none",
                 ep.line)  # fmt: skip
        return
    for a in assessments:
        if a.start_date is None:
            continue
        for other in assessments:
            if other is a or other.start_date is None:
                continue
            until = other.authorisation_date or ref
            if (
                until is not None
                and other.start_date <= a.start_date <= until
                and not (
                    other.start_date == a.start_date
                    and assessments.index(other) > assessments.index(a)
                )
            ):
                _add(out, "8863Q", child, "Assessments/AssessmentActualStartDate",
                     f"{a.start_date} falls in the assessment from {other.start_date}",
                     a.line)  # fmt: skip
                break


def _cin_plan_rules(child: Child, ep: Episode, year: CensusYear | None, out: list[Finding]) -> None:
    referral, death = ep.referral_date, child.date_of_death
    ref = year.reference_date if year is not None else None
    open_count = 0
    for c in ep.cin_plans:
        start, end, line = c.start_date, c.end_date, c.line
        if start is None or (ref is not None and start > ref):
            _add(out, "4010", child, "CINPlanDates/CINPlanStartDate", str(start or "missing"),
                 line)  # fmt: skip
        if start is not None and referral is not None and start < referral:
            _add(out, "4015", child, "CINPlanDates/CINPlanStartDate", str(start), line)
        if death is not None:
            if start is not None and start > death:
                _add(out, "4008", child, "CINPlanDates/CINPlanStartDate", str(start), line)
            if end is not None and end > death:
                _add(out, "4009Q", child, "CINPlanDates/CINPlanEndDate", str(end), line)
        if end is None:
            open_count += 1
        else:
            if start is not None and end < start:
                _add(out, "4011", child, "CINPlanDates/CINPlanEndDate", f"{end} < {start}",
                     line)  # fmt: skip
            if end == start:
                _add(out, "4012Q", child, "CINPlanDates/CINPlanEndDate", str(end), line)
            if year is not None and end not in year:
                _add(out, "4013", child, "CINPlanDates/CINPlanEndDate", str(end), line)
        if start is None:
            continue
        # 4003: no review of a child protection plan while a CIN plan is open.
        cin_until = end or ref or date.max
        for p in ep.plans:
            for review in p.review_dates:
                if start <= review <= cin_until and review != p.end_date:
                    _add(out, "4003", child, "ChildProtectionPlans/Reviews/CPPreviewDate",
                         f"review {review}, CIN plan from {start}", line)  # fmt: skip
            # 4016: the CIN plan does not start during a child protection plan.
            if p.start_date is not None:
                p_until = p.end_date or ref or date.max
                if p.start_date <= start <= p_until and start != p.end_date:
                    _add(out, "4016", child, "CINPlanDates/CINPlanStartDate",
                         f"{start}, plan from {p.start_date}", line)  # fmt: skip
                # 4017: a child protection plan does not start during the CIN plan.
                if start <= p.start_date <= cin_until and p.start_date != end:
                    _add(out, "4017", child, "ChildProtectionPlans/CPPstartDate",
                         f"{p.start_date}, CIN plan from {start}", p.line)  # fmt: skip
    if open_count > 1:
        _add(out, "4004", child, "CINPlanDates/CINPlanEndDate", f"{open_count} open", ep.line)
    plans = ep.cin_plans
    if len(plans) > 1:
        for i, c in enumerate(plans):
            if c.start_date is None:
                continue
            for j, other in enumerate(plans):
                if i == j or other.start_date is None:
                    continue
                until = other.end_date or ref or date.max
                if other.start_date <= c.start_date <= until and not (
                    other.start_date == c.start_date and j > i
                ):
                    _add(out, "4014", child, "CINPlanDates/CINPlanStartDate",
                         f"{c.start_date} falls in the CIN plan from {other.start_date}",
                         c.line)  # fmt: skip
                    break


# --- Structural checks --------------------------------------------------------------------

# Reading problems on these fields are reported by their own DfE rule instead.
_FIELDS_WITH_OWN_RULE = frozenset(
    {
        "ChildProtectionPlans/InitialCategoryOfAbuse",
        "ChildProtectionPlans/LatestCategoryOfAbuse",
        "ChildProtectionPlans/NumberOfPreviousCPP",
        "ChildProtectionPlans/Reviews/CPPreviewDate",  # 8842Q
        "ChildIdentifiers/LAchildID",  # 8500
        "ChildIdentifiers/Sex",  # 4180
        "ChildIdentifiers/GenderCurrent",  # 4180
        "ChildCharacteristics/Ethnicity",  # 4220
        "ChildCharacteristics/Disabilities/Disability",  # 8540
        "CINdetails",  # 8590
        "CINdetails/ReferralNFA",  # 8568
        "CINdetails/ReferralSource",  # 8866
        "CINdetails/PrimaryNeedCode",  # 8650
        "CINdetails/ReasonForClosure",  # 8640
    }
)
# A missing or empty referral date is rule 8600; one that is not a real date stays S-DATE.
_MISSING_WITH_OWN_RULE = frozenset({"CINdetails/CINreferralDate"})


def structural_findings(child: Child) -> Iterator[Finding]:
    """Findings for what could not be read and no DfE rule names: bad dates, empty
    elements, unreadable numbers and yes/no values."""
    for problem in child.problems:
        if problem.field in _FIELDS_WITH_OWN_RULE:
            continue
        if problem.field in _MISSING_WITH_OWN_RULE and problem.kind in ("missing", "empty"):
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
        yield Finding("100", ERROR, None, "Header/CollectionDetails/ReferenceDate",
                      M_NO_REFERENCE_DATE)  # fmt: skip
    else:
        expected_year = header.year or header.reference_date.year
        if header.reference_date != date(expected_year, 3, 31):
            yield Finding(
                "100",
                ERROR,
                None,
                "Header/CollectionDetails/ReferenceDate",
                M_NOT_31_MARCH.format(ref=header.reference_date, expected=f"{expected_year}-03-31"),
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
    """Every finding for one child, in one pass over its record: structural checks, then
    the DfE rules on the child, each episode, and all its child protection plans."""
    findings = list(structural_findings(child)) if child.problems else []
    _child_rules(child, year, findings)
    plans: list[ProtectionPlan] = []
    for ep in child.episodes:
        _episode_rules(child, ep, year, findings)
        plans += ep.plans
    if len(plans) > 1:
        for child_rule in CHILD_PLAN_RULES:
            child_rule(child, plans, year, findings)
    return findings


def _file_finding(code: str, field: str, detail: str) -> Finding:
    rule = RULES[code]
    return Finding(code, rule.severity, None, field, _message(rule, detail))


class Validator:
    """Validates a stream of children, keeping only what cross-child checks need.

    Memory grows with the number of distinct LAchildIDs and UPNs (one dictionary entry
    each, a few dozen bytes), never with the children themselves; the file-wide rules keep
    counters. ``finish()`` gives the file-wide findings once every child is checked.
    """

    def __init__(
        self,
        header: Header,
        *,
        reference_date: date | None = None,
        year: CensusYear | None = None,
    ) -> None:
        ref = reference_date or header.reference_date
        # ``year``: a census year other than the twelve months to the reference date (the
        # records of a year in progress, checked from 1 April to today).
        self.year = year or (CensusYear.ending(ref) if ref else None)
        self.header = header
        self.counts: Counter[str] = Counter()
        self.children = 0
        self._first_line: dict[str, int | None] = {}
        self._upn_line: dict[str, int | None] = {}
        self._plans_started = 0  # 2883: plans starting in the year
        self._conferences = 0  # 2883: initial conferences in the year
        self._sex_unknown = 0  # 2886Q: born children with no sex recorded
        self._disability_codes: set[str] = set()  # 2887Q
        self._several_disabilities = False  # 2888Q

    def header_findings(self) -> list[Finding]:
        found = list(header_findings(self.header))
        self.counts.update(f.rule for f in found)
        return found

    def check(self, child: Child) -> list[Finding]:
        self.children += 1
        found = check_child(child, self.year)
        cid = child.la_child_id
        if cid is not None:
            if cid in self._first_line:
                first = self._first_line[cid]
                _add(found, "8510", child, "ChildIdentifiers/LAchildID",
                     f"{cid} first on line {first or '?'}", child.line)  # fmt: skip
            else:
                self._first_line[cid] = child.line
        upn = child.upn
        if upn is not None:
            if upn in self._upn_line:
                first = self._upn_line[upn]
                _add(found, "1520", child, "ChildIdentifiers/UPN",
                     f"{upn} first on line {first or '?'}", child.line)  # fmt: skip
            else:
                self._upn_line[upn] = child.line
        self._tally(child)
        if found:
            self.counts.update(f.rule for f in found)
        return found

    def _tally(self, child: Child) -> None:
        if child.expected_date_of_birth is None and (
            child.sex in (None, "U") or (child.sex_given or "").startswith("GenderCurrent")
        ):
            self._sex_unknown += 1  # no <Sex> recorded (an old GenderCurrent is not one)
        disabilities = child.disabilities
        if disabilities:
            self._disability_codes.update(disabilities)
            if len(disabilities) - ("NONE" in disabilities) > 1:
                self._several_disabilities = True
        year = self.year
        if year is None:
            return
        first, last = year.first_day, year.reference_date
        for ep in child.episodes:
            icpc = ep.icpc_date
            if icpc is not None and first <= icpc <= last:
                self._conferences += 1
            if ep.section47s:
                for s in ep.section47s:
                    icpc = s.icpc_date
                    if icpc is not None and first <= icpc <= last:
                        self._conferences += 1
            if ep.plans:
                for p in ep.plans:
                    start = p.start_date
                    if start is not None and first <= start <= last:
                        self._plans_started += 1

    def finish(self) -> list[Finding]:
        """The file-wide rules, once every child has been checked."""
        found = []
        if self._plans_started > self._conferences:
            counted = f"{self._plans_started} plans started, {self._conferences} conferences held"
            found.append(_file_finding("2883", "ChildProtectionPlans/CPPstartDate", counted))
        if self.children and self._sex_unknown / self.children > 0.02:
            share = 100 * self._sex_unknown / self.children
            found.append(_file_finding("2886Q", "ChildIdentifiers/Sex", f"{share:.1f}%"))
        if self.children:
            used = len(self._disability_codes & (codes.DISABILITIES - {"NONE"}))
            if used < 8:
                found.append(_file_finding("2887Q", "ChildCharacteristics/Disabilities",
                                           f"{used} codes used"))  # fmt: skip
            if not self._several_disabilities:
                found.append(_file_finding("2888Q", "ChildCharacteristics/Disabilities", ""))
        self.counts.update(f.rule for f in found)
        return found

    def run(self, children: Iterable[Child], *, check_header: bool = True) -> Iterator[Finding]:
        """Every finding: the header's (unless ``check_header`` is false: a header made
        by iro itself), each child's, then the file-wide rules'."""
        if check_header:
            yield from self.header_findings()
        check = self.check
        for child in children:
            found = check(child)
            if found:  # most children have none
                yield from found
        yield from self.finish()

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
