"""Streaming reader of DfE Children in Need census XML.

``CensusStream(path)`` parses with lxml ``iterparse``, hardened: entities are never
expanded, nothing is fetched from the network, no DTD is loaded and a file that declares a
DOCTYPE (where entity declarations live) is refused. Each ``Child`` element becomes a plain
``Child`` record and is then cleared from the tree with every sibling before it, so memory
stays flat whatever the file's size.

Values arrive typed (``date``, ``bool``, ``int``, codes as strings). A value that cannot be
read (an impossible date such as 2021-02-30, an empty element, an unknown code) is left as
``None`` (codes keep their raw text) and described by a ``Problem`` on the child, with the
line it came from; reading never stops for a bad value. A file that is not well-formed XML
(truncated, malformed, hostile) raises ``CensusFileError`` naming the line. The bytes are
checked as they are read: a byte XML never allows (a file padded with NUL bytes) or a
megabyte without markup stops the reading at once, so a damaged file of any size is
refused in the memory of one chunk. DfE census files have no XML namespace (the schema
declares no target namespace): a file whose elements are in one is refused, naming it.

No Django here: the reader and the rules run without a database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from iro.census import codes

# Error messages, shared with the tests and the command line.
CANNOT_OPEN = "cannot open the file: {reason}"
NOT_WELL_FORMED = "the file is not well-formed XML: {reason}"
DOCTYPE_REFUSED = (
    "the file declares a DOCTYPE (where entity declarations live); census files never "
    "need one, so it is refused for safety"
)
WRONG_ROOT = "the file's top element is <{tag}>, not <Message>: this is not a CIN census file"
NO_CHILDREN = "the file has no <Children> element: this is not a CIN census file"
WRONG_NAMESPACE = (
    "the file uses the XML namespace {uri!r}; DfE census files use no namespace, so this "
    "is not a CIN census file"
)
NOT_XML_BYTE = (
    "the file is not well-formed XML: byte {offset} is 0x{byte:02X}, which XML never "
    "allows (the file may be damaged, or truncated and padded with NUL bytes)"
)
NO_MARKUP = (
    "the file is not well-formed XML: {size:,} bytes from byte {offset} hold no markup "
    "(the file may be damaged or truncated, or not XML at all)"
)

BAD_DATE = "{value!r} is not a real date (expected YYYY-MM-DD)"
EMPTY = "the element is empty"
BAD_CODE = "{value!r} is not a valid {what} code"
BAD_YES_NO = "{value!r} is not a yes/no value (expected 0, 1, true or false)"
BAD_NUMBER = "{value!r} is not a whole number"
BAD_YEAR = "{value!r} is not a year"
MISSING = "the element is missing"

_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# xs:date may carry a time zone (2024-03-31Z, 2024-03-31+01:00); it does not change the day.
_ZONE = re.compile(r"(Z|[+-][0-9]{2}:[0-9]{2})$")


class CensusFileError(Exception):
    """The file cannot be read as a census file at all. ``str()`` names the line."""

    def __init__(self, reason: str, *, line: int | None = None, path: str = "") -> None:
        self.reason = reason
        self.line = line
        self.path = path
        where = f"{path}: " if path else ""
        at = f"line {line}: " if line else ""
        super().__init__(f"{where}{at}{reason}")


@dataclass(slots=True)
class Problem:
    """One value that could not be read. ``field`` is the element path within the child."""

    field: str
    message: str
    value: str = ""
    line: int | None = None
    kind: str = ""  # date | empty | code | yes_no | number | missing


@dataclass(slots=True)
class Header:
    collection: str | None = None
    year: int | None = None
    reference_date: date | None = None
    lea: str | None = None
    software_code: str | None = None
    release: str | None = None
    serial_no: str | None = None
    date_time: str | None = None
    present: bool = True
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class Assessment:
    start_date: date | None = None
    internal_review_date: date | None = None
    authorisation_date: date | None = None
    factors: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass(slots=True)
class CinPlan:
    start_date: date | None = None
    end_date: date | None = None
    line: int | None = None


@dataclass(slots=True)
class Section47:
    start_date: date | None = None
    icpc_target: date | None = None
    icpc_date: date | None = None
    icpc_not_required: bool | None = None
    line: int | None = None


@dataclass(slots=True)
class ProtectionPlan:
    start_date: date | None = None
    end_date: date | None = None
    initial_category: str | None = None
    latest_category: str | None = None
    previous_plans: int | None = None
    review_dates: list[date] = field(default_factory=list)
    reviews_without_date: int = 0  # <Reviews> groups with no readable CPPreviewDate (8842Q)
    line: int | None = None


@dataclass(slots=True)
class Episode:
    """One CINdetails group: a referral and what followed it."""

    referral_date: date | None = None
    referral_source: str | None = None
    primary_need: str | None = None
    closure_date: date | None = None
    closure_reason: str | None = None
    icpc_date: date | None = None
    referral_nfa: bool | None = None
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    plans: list[ProtectionPlan] = field(default_factory=list)
    line: int | None = None


@dataclass(slots=True)
class Child:
    la_child_id: str | None = None
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown: str | None = None
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str | None = None
    # The sex as the file gives it ("GenderCurrent 1", "Sex 1") when that is not a <Sex> of
    # M, F or U (the DfE's form since 2024-25): read for the records, broken for rule 4180.
    sex_given: str | None = None
    date_of_death: date | None = None
    ethnicity: str | None = None
    disabilities: list[str] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    line: int | None = None


# --- Values -------------------------------------------------------------------------------


# Good dates already parsed, by their exact text: the same dates recur throughout a file.
# Bounded, so memory stays flat however many distinct dates a file has.
_DATES: dict[str | None, date] = {}
_DATES_KEPT = 20_000


def parse_date(text: str) -> date | None:
    """The date an xs:date string names, or None when it is not a real date."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        # The usual shape, YYYY-MM-DD, which ``fromisoformat`` reads exactly (digits only):
        # every distinct date of a file comes here once, a tenth of the time of the rest.
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    text = _ZONE.sub("", text)
    if not _DATE_SHAPE.fullmatch(text):
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def parse_yes_no(text: str) -> bool | None:
    return codes.YES_NO.get(text.lower())


def _local(tag: str) -> str:
    """The element's name without its namespace."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


# libxml2 keeps an element's line in 16 bits: from line 65,535 on, ``sourceline`` gives the
# line where the element's first text node ends (its own text, or with none the text after
# it), so a group's line would be one too far in every indented file of that size.
_BIG_LINE = 65535


def _line(el) -> int | None:
    """The line ``el`` starts on, exact past line 65,535 too."""
    line = el.sourceline
    if line is None or line < _BIG_LINE:
        return line
    text = el.text
    if text is not None:  # libxml2 read the line of its first text node, where that ends
        return line - text.count("\n")
    if len(el):  # a first child straight after the start tag: it starts on the same line
        return _line(el[0])
    tail = el.tail  # an empty element: the line where the text after it ends
    return line - tail.count("\n") if tail is not None else line


class _Values:
    """Reads typed values from elements, collecting a Problem for each bad one."""

    __slots__ = ("problems",)

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def text(self, el, path: str) -> str | None:
        value = el.text
        if value is not None:
            value = value.strip()
        if not value:
            self.problems.append(Problem(path, EMPTY, "", _line(el), "empty"))
            return None
        return value

    def date(self, el, path: str) -> date | None:
        raw = el.text
        known = _DATES.get(raw)  # the usual case: a good date seen before
        if known is not None:
            return known
        value = raw.strip() if raw is not None else ""
        if not value:
            self.problems.append(Problem(path, EMPTY, "", _line(el), "empty"))
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problems.append(
                Problem(path, BAD_DATE.format(value=value), value, _line(el), "date")
            )
        elif len(_DATES) < _DATES_KEPT:
            _DATES[raw] = parsed
        return parsed

    def code(self, el, path: str, allowed: frozenset[str], what: str) -> str | None:
        raw = el.text
        if raw in allowed:
            return raw
        value = self.text(el, path)
        if value is not None and value not in allowed:
            self.problems.append(
                Problem(path, BAD_CODE.format(value=value, what=what), value, _line(el), "code")
            )
        return value

    def yes_no(self, el, path: str) -> bool | None:
        known = codes.YES_NO.get(el.text)
        if known is not None:
            return known
        value = self.text(el, path)
        if value is None:
            return None
        parsed = parse_yes_no(value)
        if parsed is None:
            self.problems.append(
                Problem(path, BAD_YES_NO.format(value=value), value, _line(el), "yes_no")
            )
        return parsed

    def number(self, el, path: str) -> int | None:
        value = self.text(el, path)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self.problems.append(
                Problem(path, BAD_NUMBER.format(value=value), value, _line(el), "number")
            )
            return None

    def sex(self, el, path: str) -> str | None:
        value = self.text(el, path)
        if value is None:
            return None
        sex = codes.SEX_CODES.get(value.upper())
        if sex is None:
            self.problems.append(
                Problem(path, BAD_CODE.format(value=value, what="sex"), value, _line(el), "code")
            )
        return sex

    def missing(self, path: str, line: int | None) -> None:
        self.problems.append(Problem(path, MISSING, "", line, "missing"))


# --- Building records ---------------------------------------------------------------------

# The builders below run for every element of every child, so each handles the usual case
# (a good date seen before, a listed code) inline and leaves anything else to ``_Values``,
# which records the problem: the records and problems are the same either way. Their
# tests follow the schema's order of elements, the order files use. They walk a list of
# each element's children (``el[:]``, made by lxml at once), a fifth cheaper than
# iterating over the element itself.


def _section47(el, v: _Values) -> Section47:
    s47 = Section47(line=_line(el))
    seen_flag = False
    for sub in el[:]:
        tag = sub.tag
        if tag == "S47ActualStartDate":
            d = _DATES.get(sub.text)
            s47.start_date = d if d is not None else v.date(sub, "Section47/S47ActualStartDate")
        elif tag == "InitialCPCtarget":
            d = _DATES.get(sub.text)
            s47.icpc_target = d if d is not None else v.date(sub, "Section47/InitialCPCtarget")
        elif tag == "DateOfInitialCPC":
            d = _DATES.get(sub.text)
            s47.icpc_date = d if d is not None else v.date(sub, "Section47/DateOfInitialCPC")
        elif tag == "ICPCnotRequired":
            seen_flag = True
            s47.icpc_not_required = v.yes_no(sub, "Section47/ICPCnotRequired")
    if not seen_flag:
        v.missing("Section47/ICPCnotRequired", _line(el))
    return s47


def _plan(el, v: _Values) -> ProtectionPlan:
    plan = ProtectionPlan(line=_line(el))
    for sub in el[:]:
        tag = sub.tag
        if tag == "CPPstartDate":
            d = _DATES.get(sub.text)
            plan.start_date = (
                d if d is not None else v.date(sub, "ChildProtectionPlans/CPPstartDate")
            )
        elif tag == "CPPendDate":
            d = _DATES.get(sub.text)
            plan.end_date = d if d is not None else v.date(sub, "ChildProtectionPlans/CPPendDate")
        elif tag == "InitialCategoryOfAbuse":
            # Checked by rule 8905, not here: the value is kept as written.
            plan.initial_category = (sub.text or "").strip() or None
        elif tag == "LatestCategoryOfAbuse":
            plan.latest_category = (sub.text or "").strip() or None  # rule 8910
        elif tag == "NumberOfPreviousCPP":
            text = (sub.text or "").strip()
            # Missing or below zero is rule 8730; only a non-number is a reading problem.
            if text:
                plan.previous_plans = v.number(sub, "ChildProtectionPlans/NumberOfPreviousCPP")
        elif tag == "Reviews":
            dated = False
            for review in sub[:]:
                if review.tag == "CPPreviewDate":
                    d = _DATES.get(review.text)
                    if d is None:
                        d = v.date(review, "ChildProtectionPlans/Reviews/CPPreviewDate")
                    if d is not None:
                        plan.review_dates.append(d)
                        dated = True
            if not dated:
                plan.reviews_without_date += 1
    return plan


def _assessment(el, v: _Values) -> Assessment:
    a = Assessment(line=_line(el))
    for sub in el[:]:
        tag = sub.tag
        if tag == "AssessmentActualStartDate":
            d = _DATES.get(sub.text)
            a.start_date = (
                d if d is not None else v.date(sub, "Assessments/AssessmentActualStartDate")
            )
        elif tag == "AssessmentInternalReviewDate":
            d = _DATES.get(sub.text)
            a.internal_review_date = (
                d if d is not None else v.date(sub, "Assessments/AssessmentInternalReviewDate")
            )
        elif tag == "AssessmentAuthorisationDate":
            d = _DATES.get(sub.text)
            a.authorisation_date = (
                d if d is not None else v.date(sub, "Assessments/AssessmentAuthorisationDate")
            )
        elif tag == "FactorsIdentifiedAtAssessment":
            for factor in sub[:]:
                if factor.tag == "AssessmentFactors":
                    text = (factor.text or "").strip()
                    if text:
                        a.factors.append(text)
    return a


def _cin_plan(el, v: _Values) -> CinPlan:
    p = CinPlan(line=_line(el))
    for sub in el[:]:
        tag = sub.tag
        if tag == "CINPlanStartDate":
            d = _DATES.get(sub.text)
            p.start_date = d if d is not None else v.date(sub, "CINPlanDates/CINPlanStartDate")
        elif tag == "CINPlanEndDate":
            d = _DATES.get(sub.text)
            p.end_date = d if d is not None else v.date(sub, "CINPlanDates/CINPlanEndDate")
    return p


def _episode(
    el,
    v: _Values,
    sources=codes.REFERRAL_SOURCES,
    needs=codes.PRIMARY_NEEDS,
    reasons=codes.CLOSURE_REASONS,
    yes_no=codes.YES_NO.get,
) -> Episode:
    ep = Episode(line=_line(el))
    seen_referral = seen_nfa = False
    for sub in el[:]:
        tag = sub.tag
        if tag == "CINreferralDate":
            seen_referral = True
            d = _DATES.get(sub.text)
            ep.referral_date = d if d is not None else v.date(sub, "CINdetails/CINreferralDate")
        elif tag == "ReferralSource":
            raw = sub.text
            ep.referral_source = (
                raw
                if raw in sources
                else v.code(sub, "CINdetails/ReferralSource", sources, "referral source")
            )
        elif tag == "PrimaryNeedCode":
            raw = sub.text
            ep.primary_need = (
                raw
                if raw in needs
                else v.code(sub, "CINdetails/PrimaryNeedCode", needs, "primary need")
            )
        elif tag == "CINclosureDate":
            d = _DATES.get(sub.text)
            ep.closure_date = d if d is not None else v.date(sub, "CINdetails/CINclosureDate")
        elif tag == "ReasonForClosure":
            raw = sub.text
            ep.closure_reason = (
                raw
                if raw in reasons
                else v.code(sub, "CINdetails/ReasonForClosure", reasons, "reason for closure")
            )
        elif tag == "DateOfInitialCPC":
            d = _DATES.get(sub.text)
            ep.icpc_date = d if d is not None else v.date(sub, "CINdetails/DateOfInitialCPC")
        elif tag == "Assessments":
            ep.assessments.append(_assessment(sub, v))
        elif tag == "CINPlanDates":
            ep.cin_plans.append(_cin_plan(sub, v))
        elif tag == "Section47":
            ep.section47s.append(_section47(sub, v))
        elif tag == "ReferralNFA":
            seen_nfa = True
            flag = yes_no(sub.text)
            ep.referral_nfa = flag if flag is not None else v.yes_no(sub, "CINdetails/ReferralNFA")
        elif tag == "ChildProtectionPlans":
            ep.plans.append(_plan(sub, v))
    if not seen_referral:
        v.missing("CINdetails/CINreferralDate", _line(el))
    if not seen_nfa:
        v.missing("CINdetails/ReferralNFA", _line(el))
    return ep


def _identifiers(el, child: Child, v: _Values, reasons=codes.UPN_UNKNOWN_REASONS) -> None:
    for sub in el[:]:
        tag = sub.tag
        if tag == "LAchildID":
            child.la_child_id = v.text(sub, "ChildIdentifiers/LAchildID")
        elif tag == "UPN":
            child.upn = (sub.text or "").strip() or None
        elif tag == "FormerUPN":
            child.former_upn = (sub.text or "").strip() or None
        elif tag == "UPNunknown":
            raw = sub.text
            child.upn_unknown = (
                raw
                if raw in reasons
                else v.code(sub, "ChildIdentifiers/UPNunknown", reasons, "UPN unknown")
            )
        elif tag == "PersonBirthDate":
            d = _DATES.get(sub.text)
            child.date_of_birth = (
                d if d is not None else v.date(sub, "ChildIdentifiers/PersonBirthDate")
            )
        elif tag == "ExpectedPersonBirthDate":
            d = _DATES.get(sub.text)
            child.expected_date_of_birth = (
                d if d is not None else v.date(sub, "ChildIdentifiers/ExpectedPersonBirthDate")
            )
        elif tag == "Sex" or tag == "GenderCurrent":
            raw = sub.text
            if tag == "Sex" and raw in codes.SEX:
                child.sex = raw  # the usual case: M, F or U, the DfE's form
                continue
            child.sex = v.sex(sub, f"ChildIdentifiers/{tag}")
            text = (raw or "").strip()
            if tag != "Sex" or text not in codes.SEX:
                child.sex_given = f"{tag} {text}".strip()
        elif tag == "PersonDeathDate":
            d = _DATES.get(sub.text)
            child.date_of_death = (
                d if d is not None else v.date(sub, "ChildIdentifiers/PersonDeathDate")
            )


def _characteristics(
    el, child: Child, v: _Values, ethnicities=codes.ETHNICITIES, disabilities=codes.DISABILITIES
) -> None:
    for sub in el[:]:
        tag = sub.tag
        if tag == "Ethnicity":
            raw = sub.text
            child.ethnicity = (
                raw
                if raw in ethnicities
                else v.code(sub, "ChildCharacteristics/Ethnicity", ethnicities, "ethnicity")
            )
        elif tag == "Disabilities":
            for dis in sub[:]:
                if dis.tag == "Disability":
                    raw = dis.text
                    if raw not in disabilities:
                        raw = v.code(
                            dis,
                            "ChildCharacteristics/Disabilities/Disability",
                            disabilities,
                            "disability",
                        )
                    if raw is not None:
                        child.disabilities.append(raw)


def build_child(el) -> Child:
    """The ``Child`` record of one parsed <Child> element."""
    child = Child(line=_line(el))
    v = _Values(child.problems)
    seen_identifiers = False
    for sub in el[:]:
        tag = sub.tag
        if tag == "CINdetails":
            child.episodes.append(_episode(sub, v))
        elif tag == "ChildIdentifiers":
            seen_identifiers = True
            _identifiers(sub, child, v)
        elif tag == "ChildCharacteristics":
            _characteristics(sub, child, v)
    if not seen_identifiers or (child.la_child_id is None and not _has_empty_id(child)):
        v.missing("ChildIdentifiers/LAchildID", _line(el))
    if not child.episodes:
        v.missing("CINdetails", _line(el))
    return child


def _has_empty_id(child: Child) -> bool:
    return any(p.field == "ChildIdentifiers/LAchildID" for p in child.problems)


def build_header(el) -> Header:
    """The ``Header`` record of a parsed <Header> element."""
    header = Header()
    v = _Values(header.problems)
    for part in el:
        tag = part.tag
        if tag == "CollectionDetails":
            for sub in part:
                name = sub.tag
                if name == "Collection":
                    header.collection = v.text(sub, "Header/CollectionDetails/Collection")
                elif name == "Year":
                    text = v.text(sub, "Header/CollectionDetails/Year")
                    if text is not None:
                        if text.isdigit() and len(text) == 4:
                            header.year = int(text)
                        else:
                            header.problems.append(
                                Problem(
                                    "Header/CollectionDetails/Year",
                                    BAD_YEAR.format(value=text),
                                    text,
                                    _line(sub),
                                    "number",
                                )
                            )
                elif name == "ReferenceDate":
                    header.reference_date = v.date(sub, "Header/CollectionDetails/ReferenceDate")
        elif tag == "Source" and header.lea is None:
            for sub in part:
                name = sub.tag
                text = (sub.text or "").strip() or None
                if name == "LEA":
                    header.lea = text
                elif name == "SoftwareCode":
                    header.software_code = text
                elif name == "Release":
                    header.release = text
                elif name == "SerialNo":
                    header.serial_no = text
                elif name == "DateTime":
                    header.date_time = text
    return header


# --- The stream ---------------------------------------------------------------------------


# Bytes XML 1.0 never allows (the C0 controls but tab, LF and CR), in a UTF-8 file.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Every other byte: deleting these from a chunk leaves only the bad ones, a quick test
# (the regular expression is ten times slower, so it only locates one already found).
_XML_BYTES = bytes(b for b in range(256) if not _NOT_XML.match(bytes([b])))
# No tag or value in a census file comes near this; without a limit libxml2 would hold
# a truncated tag followed by any amount of padding in memory, waiting for its end.
MAX_WITHOUT_MARKUP = 1 << 20
# The W3C schema namespaces a generator may declare for attributes such as
# xsi:noNamespaceSchemaLocation; any other namespace is refused.
SCHEMA_NAMESPACES = frozenset(
    {"http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/2001/XMLSchema"}
)


class _GuardedFile:
    """The file as the parser reads it, in chunks: counts bytes, and stops at the first
    byte XML never allows or after ``MAX_WITHOUT_MARKUP`` bytes without a ``<`` or
    ``>``, so a damaged file is refused in the memory of one chunk, whatever its size.
    Lines are counted only when it stops, to name the line (counting them in every chunk
    would cost as much as the check itself)."""

    def __init__(self, raw, path: str) -> None:
        self._raw = raw
        self._path = path
        self.position = 0
        self._last_markup = 0
        self._check_bytes: bool | None = None

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if not data:
            return data
        if self._check_bytes is None:
            # A UTF-16 or UTF-32 file is made of NUL bytes; census files are UTF-8.
            self._check_bytes = not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00", b"<\x00"))
        start = self.position
        end = self.position = start + len(data)  # read, even if refused below
        if self._check_bytes and data.translate(None, _XML_BYTES):
            bad = _NOT_XML.search(data)
            if bad is not None:
                at = bad.start()
                raise self._fail(
                    NOT_XML_BYTE.format(offset=start + at, byte=data[at]),
                    self._line_at(start, data, at),
                )
        markup = max(data.rfind(b"<"), data.rfind(b">"))
        if markup >= 0:
            self._last_markup = start + markup
        if end - self._last_markup > MAX_WITHOUT_MARKUP:
            after = self._last_markup
            raise self._fail(
                NO_MARKUP.format(size=end - after, offset=after),
                self._line_at(start, data, max(0, after - start)),
            )
        return data

    def _fail(self, reason: str, line: int) -> CensusFileError:
        return CensusFileError(reason, line=line, path=self._path)

    def _line_at(self, start: int, data: bytes, at: int) -> int:
        """The line of byte ``at`` of the chunk ``data`` read from offset ``start``: the
        lines before the chunk are counted from the file again, a chunk at a time."""
        before = 0
        with open(self._path, "rb") as again:
            left = start
            while left > 0:
                block = again.read(min(left, 1 << 20))
                if not block:
                    break
                before += block.count(b"\n")
                left -= len(block)
        return before + data.count(b"\n", 0, at) + 1


def _doctype_line(path: str, root_line: int) -> int | None:
    """The line of the first DOCTYPE or ENTITY declaration before the root element."""
    with open(path, "rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            if b"<!DOCTYPE" in raw_line or b"<!ENTITY" in raw_line:
                return number
            if number >= root_line:
                break
    return None


class CensusStream:
    """One census file, read once, front to back.

    ``header`` is the file's header (an empty ``Header`` with ``present=False`` when the
    file has none); ``children()`` yields each child. Both raise ``CensusFileError`` when
    the file cannot be read, naming the line.
    """

    def __init__(self, path: str | os.PathLike, *, track_progress: bool = False) -> None:
        # ``track_progress`` is kept for callers: bytes read are always counted now.
        self.path = os.fspath(path)
        try:
            self.size = os.path.getsize(self.path)
            handle = open(self.path, "rb")  # noqa: SIM115 - closed when the stream ends
        except OSError as exc:
            raise CensusFileError(CANNOT_OPEN.format(reason=exc.strerror), path=self.path) from exc
        self._handle = handle
        self._source = _GuardedFile(handle, self.path)
        self._events = self._parse()
        self._pending: Child | None = None
        self._header: Header | None = None
        self._build = True  # children as records; ``read_to_end`` only counts them

    @property
    def bytes_read(self) -> int:
        """How far into the file the parser has read (a chunk refused included)."""
        return self._source.position

    @property
    def header(self) -> Header:
        if self._header is None:
            first = next(self._events, None)
            if isinstance(first, Header):
                self._header = first
            else:
                self._header = Header(present=False)
                self._pending = first
        return self._header

    def children(self) -> Iterator[Child]:
        for item in self._after_header():
            if isinstance(item, Child):
                yield item

    def read_to_end(self) -> int:
        """Parse the rest of the file without building records: raises ``CensusFileError``
        wherever ``children()`` would (what makes a file unreadable is the XML, never a
        value) for about the cost of the bare parse. The number of children read."""
        _ = self.header
        self._build = False
        return sum(1 for item in self._after_header() if not isinstance(item, Header))

    def _after_header(self) -> Iterator[Header | Child | None]:
        """Each child after the header (``None`` for one not built), and any second
        <Header>, which is not a child."""
        _ = self.header
        pending, self._pending = self._pending, None
        if pending is not None:
            yield pending
        yield from self._events

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> CensusStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _fail(self, reason: str, line: int | None) -> CensusFileError:
        return CensusFileError(reason, line=line, path=self.path)

    def _check_root(self, root) -> None:
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise self._fail(DOCTYPE_REFUSED, _doctype_line(self.path, root.sourceline or 1))
        if root.tag[:1] == "{":
            raise self._fail(
                WRONG_NAMESPACE.format(uri=root.tag[1:].partition("}")[0]), root.sourceline
            )
        if _local(root.tag) != "Message":
            raise self._fail(WRONG_ROOT.format(tag=_local(root.tag)), root.sourceline)

    def _parse(self) -> Iterator[Header | Child | None]:
        """The header and each child in turn (``None`` for each child when records are not
        being built)."""
        # libxml2 keeps one error log per thread: start it empty so an error names its cause.
        etree.clear_error_log()
        context = etree.iterparse(
            self._source,
            events=("end", "start-ns"),
            tag=("{*}Header", "{*}Child", "{*}Children"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        root_checked = children_seen = False
        try:
            for event, el in context:
                if event == "start-ns":
                    _prefix, uri = el
                    if uri and uri not in SCHEMA_NAMESPACES:
                        raise self._fail(WRONG_NAMESPACE.format(uri=uri), None)
                    continue
                if not root_checked:
                    root_checked = True
                    self._check_root(el.getroottree().getroot())
                tag = el.tag
                if tag[:1] == "{":  # a schema namespace used for an element
                    raise self._fail(
                        WRONG_NAMESPACE.format(uri=tag[1:].partition("}")[0]), _line(el)
                    )
                if tag == "Child":
                    yield build_child(el) if self._build else None
                    _forget(el)
                elif tag == "Header":
                    yield build_header(el)
                    _forget(el)
                else:
                    children_seen = True
            if not root_checked and getattr(context, "root", None) is not None:
                self._check_root(context.root)
            if not children_seen:
                raise self._fail(NO_CHILDREN, None)
        except etree.XMLSyntaxError as exc:
            reason, line = _first_error(exc)
            raise self._fail(NOT_WELL_FORMED.format(reason=reason), line) from None
        finally:
            self._handle.close()


def _forget(el) -> None:
    """Drop a processed element and every sibling before it, keeping memory flat."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _first_error(exc: etree.XMLSyntaxError) -> tuple[str, int | None]:
    """The first error libxml2 logged (the cause), else the exception's own message."""
    for entry in exc.error_log:
        if entry.level_name in ("ERROR", "FATAL") and entry.message:
            return entry.message.strip(), entry.line or None
    message = re.sub(r", line \d+, column \d+$", "", str(exc.msg or exc))
    line = exc.lineno or (exc.position[0] if exc.position else None)
    return message, line or None
