"""Writing DfE Children in Need census XML from the reader's records.

``CensusWriter`` streams one child at a time through ``lxml.etree.xmlfile``, so memory
stays flat whatever the number of children, and puts every element in the order the DfE
schema (2024-25 onwards) requires. It writes what it is given: choosing which children,
episodes, plans and reviews belong in a return is ``iro.census.export``'s job.

Yes/no values are written 0/1 and sex as M/F/U, as the 2025 and 2026 schemas require.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime

from lxml import etree

from iro.census.reader import (
    Assessment,
    Child,
    CinPlan,
    Episode,
    Header,
    ProtectionPlan,
    Section47,
)

SOFTWARE_CODE = "iro"


def _d(value: date) -> str:
    return value.isoformat()


def _add(parent, tag: str, text: str | None):
    if text is None or text == "":
        return None
    el = etree.SubElement(parent, tag)
    el.text = text
    return el


def _add_date(parent, tag: str, value: date | None) -> None:
    if value is not None:
        etree.SubElement(parent, tag).text = value.isoformat()


def _yes_no(value: bool | None) -> str:
    return "1" if value else "0"


def header_element(header: Header) -> etree._Element:
    """The <Header> element; empty values are left out."""
    el = etree.Element("Header")
    details = etree.SubElement(el, "CollectionDetails")
    _add(details, "Collection", header.collection or "CIN")
    _add(details, "Year", str(header.year) if header.year else None)
    _add_date(details, "ReferenceDate", header.reference_date)
    if not header.lea:
        return el  # Source is optional, but when present it must name the LEA
    source = etree.SubElement(el, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", header.lea)
    _add(source, "SoftwareCode", header.software_code)
    _add(source, "Release", header.release)
    _add(source, "SerialNo", header.serial_no)
    _add(source, "DateTime", header.date_time)
    return el


def _assessment(parent, a: Assessment) -> None:
    el = etree.SubElement(parent, "Assessments")
    _add_date(el, "AssessmentActualStartDate", a.start_date)
    _add_date(el, "AssessmentInternalReviewDate", a.internal_review_date)
    _add_date(el, "AssessmentAuthorisationDate", a.authorisation_date)
    if a.factors:
        factors = etree.SubElement(el, "FactorsIdentifiedAtAssessment")
        for code in a.factors:
            etree.SubElement(factors, "AssessmentFactors").text = code


def _cin_plan(parent, p: CinPlan) -> None:
    el = etree.SubElement(parent, "CINPlanDates")
    _add_date(el, "CINPlanStartDate", p.start_date)
    _add_date(el, "CINPlanEndDate", p.end_date)


def _section47(parent, s: Section47) -> None:
    el = etree.SubElement(parent, "Section47")
    _add_date(el, "S47ActualStartDate", s.start_date)
    _add_date(el, "InitialCPCtarget", s.icpc_target)
    _add_date(el, "DateOfInitialCPC", s.icpc_date)
    etree.SubElement(el, "ICPCnotRequired").text = _yes_no(s.icpc_not_required)


def _plan(parent, p: ProtectionPlan) -> None:
    el = etree.SubElement(parent, "ChildProtectionPlans")
    _add_date(el, "CPPstartDate", p.start_date)
    _add_date(el, "CPPendDate", p.end_date)
    _add(el, "InitialCategoryOfAbuse", p.initial_category)
    _add(el, "LatestCategoryOfAbuse", p.latest_category)
    etree.SubElement(el, "NumberOfPreviousCPP").text = str(p.previous_plans or 0)
    reviews = sorted(set(p.review_dates))
    if reviews:
        holder = etree.SubElement(el, "Reviews")
        for review in reviews:
            etree.SubElement(holder, "CPPreviewDate").text = review.isoformat()


def _episode(parent, ep: Episode) -> None:
    el = etree.SubElement(parent, "CINdetails")
    _add_date(el, "CINreferralDate", ep.referral_date)
    _add(el, "ReferralSource", ep.referral_source)
    _add(el, "PrimaryNeedCode", ep.primary_need)
    _add_date(el, "CINclosureDate", ep.closure_date)
    if ep.closure_date is not None:
        _add(el, "ReasonForClosure", ep.closure_reason)
    _add_date(el, "DateOfInitialCPC", ep.icpc_date)
    for a in ep.assessments:
        _assessment(el, a)
    for p in ep.cin_plans:
        _cin_plan(el, p)
    for s in ep.section47s:
        _section47(el, s)
    etree.SubElement(el, "ReferralNFA").text = _yes_no(ep.referral_nfa)
    for plan in ep.plans:
        _plan(el, plan)


def child_element(child: Child) -> etree._Element:
    """The <Child> element of one record, in schema order."""
    el = etree.Element("Child")
    ids = etree.SubElement(el, "ChildIdentifiers")
    _add(ids, "LAchildID", child.la_child_id)
    _add(ids, "UPN", child.upn)
    _add(ids, "FormerUPN", child.former_upn)
    _add(ids, "UPNunknown", child.upn_unknown)
    _add_date(ids, "PersonBirthDate", child.date_of_birth)
    _add_date(ids, "ExpectedPersonBirthDate", child.expected_date_of_birth)
    _add(ids, "Sex", child.sex or "U")
    _add_date(ids, "PersonDeathDate", child.date_of_death)
    chars = etree.SubElement(el, "ChildCharacteristics")
    _add(chars, "Ethnicity", child.ethnicity or "NOBT")
    if child.disabilities:
        holder = etree.SubElement(chars, "Disabilities")
        for code in child.disabilities:
            etree.SubElement(holder, "Disability").text = code
    for ep in child.episodes:
        _episode(el, ep)
    return el


class CensusWriter:
    """Writes a census file: the header on entry, then one child per ``write``.

    Use as a context manager; the file is complete only when the block ends without error.
    """

    def __init__(self, path: str | os.PathLike, header: Header) -> None:
        self.path = os.fspath(path)
        self.header = header
        self.children_written = 0
        self._xf_cm = None
        self._message_cm = None
        self._children_cm = None

    def __enter__(self) -> CensusWriter:
        self._xf_cm = etree.xmlfile(self.path, encoding="utf-8")
        self._xf = self._xf_cm.__enter__()
        self._xf.write_declaration()
        self._message_cm = self._xf.element("Message")
        self._message_cm.__enter__()
        self._xf.write("\n")
        self._xf.write(header_element(self.header), pretty_print=True)
        self._children_cm = self._xf.element("Children")
        self._children_cm.__enter__()
        self._xf.write("\n")
        return self

    def write(self, child: Child) -> None:
        self._xf.write(child_element(child), pretty_print=True)
        self.children_written += 1

    def write_all(self, children: Iterable[Child]) -> None:
        for child in children:
            self.write(child)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._children_cm.__exit__(None, None, None)
                self._xf.write("\n")
                self._message_cm.__exit__(None, None, None)
        finally:
            self._xf_cm.__exit__(exc_type, exc, tb)


def now_stamp() -> str:
    """A DateTime for the header: local time, to the second, no zone (as DfE files have)."""
    return datetime.now().replace(microsecond=0).isoformat()
