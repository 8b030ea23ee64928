"""The streaming reader: typed values, problems per field, hostile and broken files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from iro.census import reader
from iro.census.reader import (
    BAD_CODE,
    BAD_DATE,
    BAD_YES_NO,
    DOCTYPE_REFUSED,
    EMPTY,
    MAX_WITHOUT_MARKUP,
    NO_CHILDREN,
    NOT_XML_BYTE,
    WRONG_NAMESPACE,
    CensusFileError,
    CensusStream,
)
from iro.census.synthetic import write_synthetic_file
from tests.census.builders import HEADER, child, message

FULL_CHILD = """
<Child>
  <ChildIdentifiers>
    <LAchildID> DfE0001 </LAchildID>
    <UPN>A12345678901B</UPN>
    <UPNunknown>UN3</UPNunknown>
    <PersonBirthDate>2015-03-27</PersonBirthDate>
    <Sex>F</Sex>
  </ChildIdentifiers>
  <ChildCharacteristics>
    <Ethnicity>WBRI</Ethnicity>
    <Disabilities><Disability>HAND</Disability><Disability>HEAR</Disability></Disabilities>
  </ChildCharacteristics>
  <CINdetails>
    <CINreferralDate>2023-05-02</CINreferralDate>
    <ReferralSource>1A</ReferralSource>
    <PrimaryNeedCode>N1</PrimaryNeedCode>
    <CINclosureDate>2024-02-27</CINclosureDate>
    <ReasonForClosure>RC7</ReasonForClosure>
    <Assessments>
      <AssessmentActualStartDate>2023-05-03</AssessmentActualStartDate>
      <FactorsIdentifiedAtAssessment><AssessmentFactors>1C</AssessmentFactors>
      </FactorsIdentifiedAtAssessment>
    </Assessments>
    <CINPlanDates><CINPlanStartDate>2023-05-10</CINPlanStartDate>
      <CINPlanEndDate>2023-05-20</CINPlanEndDate></CINPlanDates>
    <Section47>
      <S47ActualStartDate>2023-05-22</S47ActualStartDate>
      <InitialCPCtarget>2023-06-12</InitialCPCtarget>
      <DateOfInitialCPC>2023-06-09</DateOfInitialCPC>
      <ICPCnotRequired>false</ICPCnotRequired>
    </Section47>
    <ReferralNFA>0</ReferralNFA>
    <ChildProtectionPlans>
      <CPPstartDate>2023-06-09</CPPstartDate>
      <CPPendDate>2024-02-27</CPPendDate>
      <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
      <LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
      <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
      <Reviews><CPPreviewDate>2023-09-01</CPPreviewDate>
        <CPPreviewDate>2024-01-10</CPPreviewDate></Reviews>
    </ChildProtectionPlans>
  </CINdetails>
</Child>"""


def read(path):
    stream = CensusStream(path)
    return stream.header, list(stream.children())


def test_it_reads_the_header_and_a_child_with_typed_values(census_file):
    header, (c,) = read(census_file(message(FULL_CHILD)))
    assert (header.collection, header.year, header.reference_date, header.lea) == (
        "CIN",
        2024,
        date(2024, 3, 31),
        "999",
    )
    assert c.la_child_id == "DfE0001"
    assert (c.upn, c.upn_unknown, c.sex, c.ethnicity) == ("A12345678901B", "UN3", "F", "WBRI")
    assert c.date_of_birth == date(2015, 3, 27)
    assert c.disabilities == ["HAND", "HEAR"]
    (ep,) = c.episodes
    assert ep.referral_date == date(2023, 5, 2)
    assert (ep.referral_source, ep.primary_need, ep.closure_reason) == ("1A", "N1", "RC7")
    assert ep.referral_nfa is False
    assert ep.assessments[0].factors == ["1C"]
    assert (ep.cin_plans[0].start_date, ep.cin_plans[0].end_date) == (
        date(2023, 5, 10),
        date(2023, 5, 20),
    )
    (s47,) = ep.section47s
    assert (s47.start_date, s47.icpc_target, s47.icpc_date, s47.icpc_not_required) == (
        date(2023, 5, 22),
        date(2023, 6, 12),
        date(2023, 6, 9),
        False,
    )
    (plan,) = ep.plans
    assert (plan.initial_category, plan.latest_category, plan.previous_plans) == ("NEG", "EMO", 1)
    assert plan.review_dates == [date(2023, 9, 1), date(2024, 1, 10)]
    assert c.problems == []


@pytest.mark.parametrize(
    ("element", "value", "sex"),
    [
        ("Sex", "M", "M"),
        ("Sex", "U", "U"),
        ("GenderCurrent", "1", "M"),
        ("GenderCurrent", "2", "F"),
        ("GenderCurrent", "0", "U"),
        ("GenderCurrent", "9", "U"),
        ("Sex", "1", "M"),  # old numbers in the new element, as in the DfE samples
    ],
)
def test_it_accepts_sex_and_gender_current(census_file, element, value, sex):
    ids = f"<LAchildID>C1</LAchildID><{element}>{value}</{element}>"
    _, (c,) = read(census_file(message(child(ids))))
    assert c.sex == sex
    assert c.problems == []


@pytest.mark.parametrize(
    ("ids", "given"),
    [
        ("<Sex>F</Sex>", None),
        ("<Sex>1</Sex>", "Sex 1"),
        ("<GenderCurrent>2</GenderCurrent>", "GenderCurrent 2"),
    ],
)
def test_it_keeps_a_sex_given_in_an_old_form_for_rule_4180(census_file, ids, given):
    _, (c,) = read(census_file(message(child(f"<LAchildID>C1</LAchildID>{ids}"))))
    assert c.sex_given == given


@pytest.mark.parametrize(("text", "value"), [("0", False), ("1", True), ("true", True),
                                              ("false", False), ("TRUE", True)])  # fmt: skip
def test_it_accepts_yes_no_as_digits_or_words(census_file, text, value):
    details = (
        "<CINdetails><CINreferralDate>2023-06-01</CINreferralDate>"
        "<ReferralSource>1A</ReferralSource>"
        "<Section47><S47ActualStartDate>2023-06-02</S47ActualStartDate>"
        f"<ICPCnotRequired>{text}</ICPCnotRequired></Section47>"
        f"<ReferralNFA>{text}</ReferralNFA></CINdetails>"
    )
    _, (c,) = read(census_file(message(child(details=details))))
    assert c.episodes[0].referral_nfa is value
    assert c.episodes[0].section47s[0].icpc_not_required is value


@pytest.mark.parametrize(
    ("text", "value"),
    [("2024-02-29", date(2024, 2, 29)), ("2024-03-31Z", date(2024, 3, 31)),
     ("2024-03-31+01:00", date(2024, 3, 31)), ("2023-02-29", None), ("0000-01-01", None),
     ("2023-W01-1", None), ("2023-1a-01", None), ("2023- 1-01", None),
     ("\u0662\u0660\u0662\u0663-01-01", None), ("20230101", None)],
)  # fmt: skip
def test_it_reads_a_date_only_in_the_xs_date_shape_and_only_when_real(text, value):
    assert reader.parse_date(text) == value


def test_it_reports_an_impossible_date_with_its_line_and_reads_on(census_file):
    details = (
        "<CINdetails>\n<CINreferralDate>2021-02-30</CINreferralDate>\n"
        "<ReferralSource>1A</ReferralSource><ReferralNFA>maybe</ReferralNFA></CINdetails>"
    )
    text = message(child(details=details) + child("<LAchildID>C2</LAchildID><Sex>F</Sex>"))
    _, (first, second) = read(census_file(text))
    assert first.episodes[0].referral_date is None
    bad_date = first.problems[0]
    line = text[: text.index("2021-02-30")].count("\n") + 1
    assert (bad_date.field, bad_date.kind, bad_date.line) == (
        "CINdetails/CINreferralDate",
        "date",
        line,
    )
    assert bad_date.message == BAD_DATE.format(value="2021-02-30")
    assert first.problems[1].message == BAD_YES_NO.format(value="maybe")
    assert second.la_child_id == "C2"
    assert second.problems == []


def test_it_reports_empty_elements_and_unknown_codes(census_file):
    ids = "<LAchildID>C1</LAchildID><Sex>X</Sex>"
    details = (
        "<CINdetails><CINreferralDate>2023-06-01</CINreferralDate>"
        "<ReferralSource>11</ReferralSource><PrimaryNeedCode/>"
        "<ReferralNFA>0</ReferralNFA></CINdetails>"
    )
    _, (c,) = read(census_file(message(child(ids, details))))
    messages = {(p.field, p.message) for p in c.problems}
    assert ("ChildIdentifiers/Sex", BAD_CODE.format(value="X", what="sex")) in messages
    assert (
        "CINdetails/ReferralSource",
        BAD_CODE.format(value="11", what="referral source"),
    ) in messages
    assert ("CINdetails/PrimaryNeedCode", EMPTY) in messages
    assert c.sex is None
    assert c.episodes[0].referral_source == "11"  # kept as written, flagged


def test_it_notes_a_missing_la_child_id(census_file):
    _, (c,) = read(census_file(message(child("<Sex>M</Sex>"))))
    assert c.la_child_id is None
    assert [p.field for p in c.problems] == ["ChildIdentifiers/LAchildID"]


XXE = """<?xml version="1.0"?>
<!DOCTYPE Message [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""

LAUGHS = """<?xml version="1.0"?>
<!-- a comment first -->
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol3;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://example.invalid/census.dtd">
<Message><Children></Children></Message>"""


@pytest.mark.parametrize(("text", "line"), [(XXE, 2), (LAUGHS, 3), (EXTERNAL_DTD, 2)])
def test_it_refuses_a_doctype_naming_its_line(census_file, text, line):
    with pytest.raises(CensusFileError) as refused:
        read(census_file(text))
    assert refused.value.line == line
    assert refused.value.reason == DOCTYPE_REFUSED
    assert f"line {line}: " in str(refused.value)


def test_an_undeclared_entity_is_an_error_not_an_expansion(census_file):
    text = message(child("<LAchildID>&secret;</LAchildID><Sex>M</Sex>"))
    with pytest.raises(CensusFileError) as refused:
        read(census_file(text))
    assert "secret" in refused.value.reason
    assert refused.value.line == text[: text.index("&secret;")].count("\n") + 1


def test_it_names_the_line_where_a_truncated_file_ends(census_file):
    text = message(child() + "\n" + child("<LAchildID>C2</LAchildID><Sex>M</Sex>"))
    cut = text[: text.rindex("<Ethnicity>") + 5]
    stream = CensusStream(census_file(cut))
    read_before_error = []
    with pytest.raises(CensusFileError) as broken:
        read_before_error.extend(stream.children())
    assert broken.value.line == cut.count("\n") + 1
    assert "not well-formed" in str(broken.value)
    assert [c.la_child_id for c in read_before_error] == ["C1"]


def test_reading_to_the_end_without_records_refuses_a_file_where_reading_it_would(census_file):
    text = message(child() + "\n" + child("<LAchildID>C2</LAchildID><Sex>M</Sex>"))
    assert CensusStream(census_file(text)).read_to_end() == 2
    cut = text[: text.rindex("<Ethnicity>") + 5]
    with pytest.raises(CensusFileError) as broken:
        CensusStream(census_file(cut)).read_to_end()
    assert broken.value.line == cut.count("\n") + 1
    assert "not well-formed" in str(broken.value)


def test_reading_to_the_end_counts_a_child_with_unreadable_values_it_does_not_refuse(
    census_file,
):
    text = message(child("<LAchildID>C1</LAchildID><PersonBirthDate>2021-02-30</PersonBirthDate>"))
    assert CensusStream(census_file(text)).read_to_end() == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "not well-formed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed"),
        ("<Report><Children/></Report>", "not <Message>"),
        ("<Message><Header/></Message>", NO_CHILDREN),
        ("<Message><Children><Child>", "not well-formed"),
    ],
)
def test_it_refuses_what_is_not_a_census_file(census_file, content, expected):
    with pytest.raises(CensusFileError) as refused:
        read(census_file(content))
    assert expected in str(refused.value)


def test_a_missing_file_is_a_census_file_error(tmp_path):
    with pytest.raises(CensusFileError) as refused:
        CensusStream(tmp_path / "nowhere.xml")
    assert "cannot open the file" in str(refused.value)


def test_a_file_without_header_still_yields_its_children(census_file):
    header, children = read(census_file(message(child(), header=False)))
    assert header.present is False
    assert [c.la_child_id for c in children] == ["C1"]


def test_a_schema_location_attribute_is_allowed(census_file):
    text = message(FULL_CHILD).replace(
        "<Message>",
        '<Message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xsi:noNamespaceSchemaLocation="CIN_schema.xsd">',
    )
    header, (c,) = read(census_file(text))
    assert header.reference_date == date(2024, 3, 31)
    assert c.episodes[0].plans[0].review_dates == [date(2023, 9, 1), date(2024, 1, 10)]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<Message>", '<Message xmlns="urn:example:cin">'),
        ("<Message>", '<cin:Message xmlns:cin="urn:example:cin">'),
        ("<Child>", '<Child xmlns="urn:example:cin">'),
        ("<Sex>F</Sex>", '<x:Sex xmlns:x="urn:example:cin">F</x:Sex>'),
    ],
)
def test_a_file_in_another_namespace_is_refused_naming_it(census_file, before, after):
    text = message(FULL_CHILD).replace(before, after)
    if "cin:Message" in text:
        text = text.replace("</Message>", "</cin:Message>")
    with pytest.raises(CensusFileError) as raised:
        read(census_file(text))
    assert raised.value.reason == WRONG_NAMESPACE.format(uri="urn:example:cin")


def test_an_element_in_a_schema_namespace_is_refused_too(census_file):
    text = (
        message(FULL_CHILD)
        .replace("<Message>", '<xsd:Message xmlns:xsd="http://www.w3.org/2001/XMLSchema">')
        .replace("</Message>", "</xsd:Message>")
    )
    with pytest.raises(CensusFileError) as raised:
        read(census_file(text))
    assert raised.value.reason == WRONG_NAMESPACE.format(uri="http://www.w3.org/2001/XMLSchema")


# A valid start, cut off inside a tag name: libxml2 alone would hold everything after it
# in memory, waiting for the tag to end.
TRUNCATED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Children>\n<Child>\n'
    b"<ChildIdentifiers><LAchi"
)


def _padded(path, padding: bytes, megabytes: int):
    chunk = padding * (1 << 20)
    with path.open("wb") as handle:
        handle.write(TRUNCATED)
        for _ in range(megabytes):
            handle.write(chunk)
    return path


def _reads_until_refused(path) -> tuple[CensusFileError, int]:
    """The error, and how many bytes the parser had read from the file before it."""
    stream = CensusStream(path)
    with pytest.raises(CensusFileError) as raised:
        _ = stream.header
        for _child in stream.children():
            pass
    return raised.value, stream.bytes_read


def test_a_truncated_file_padded_with_nul_bytes_stops_at_the_first_chunk(tmp_path):
    path = _padded(tmp_path / "padded.xml", b"\0", 64)
    error, asked = _reads_until_refused(path)
    assert error.reason == NOT_XML_BYTE.format(offset=len(TRUNCATED), byte=0)
    assert error.line == 5
    assert f"line 5: the file is not well-formed XML: byte {len(TRUNCATED)} is 0x00" in str(error)
    assert asked <= 64 * 1024  # one or two of the parser's chunks, of a 64 MB file


def test_a_truncated_file_padded_with_other_garbage_stops_within_a_megabyte(tmp_path):
    path = _padded(tmp_path / "padded.xml", b"A", 64)
    error, asked = _reads_until_refused(path)
    assert f"bytes from byte {len(TRUNCATED) - len(b'<LAchi')} hold no markup" in error.reason
    assert error.line == 5
    assert asked <= MAX_WITHOUT_MARKUP + 64 * 1024


# VmHWM (peak resident size, KiB) starts afresh with the new program, unlike ru_maxrss,
# which keeps the peak of the forked test process.
PEAK_WHILE_REFUSING = """
import re, sys
from iro.census.reader import CensusFileError, CensusStream
try:
    list(CensusStream(sys.argv[1]).children())
except CensusFileError:
    with open("/proc/self/status") as status:
        print(re.search(r"VmHWM:\\s*(\\d+) kB", status.read())[1])
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_refusing_a_padded_file_holds_little_memory_whatever_its_size(tmp_path):
    # Measured in a process of its own: libxml2's memory is not Python's, and a peak
    # resident size is per process. Without the guard this reads 200 MB into memory.
    path = _padded(tmp_path / "padded.xml", b"\0", 200)
    source = str(Path(reader.__file__).parents[2])
    result = subprocess.run(
        [sys.executable, "-c", PEAK_WHILE_REFUSING, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": source},
    )
    peak_kib = int(result.stdout)
    assert peak_kib < 80 * 1024  # under 80 MiB for a 200 MB file (Python and lxml alone ~20)


def test_a_file_with_a_stray_control_character_names_its_line(census_file):
    text = message(FULL_CHILD).replace("<Sex>F</Sex>", "<Sex>F\x01</Sex>")
    with pytest.raises(CensusFileError) as raised:
        read(census_file(text))
    assert raised.value.line == text[: text.index("\x01")].count("\n") + 1
    assert "0x01, which XML never allows" in raised.value.reason


def test_a_stray_control_character_far_into_a_file_names_its_line(census_file):
    # Lines are counted only once the reading stops, from the file again: a byte many
    # of the parser's chunks in is still placed on its own line.
    many = "".join(FULL_CHILD.replace("<LAchildID>", f"<LAchildID>X{n}") for n in range(400))
    text = message(many)
    at = text.rindex("<Sex>F</Sex>")
    text = text[:at] + "<Sex>F\x02</Sex>" + text[at + len("<Sex>F</Sex>") :]
    assert len(text.encode()) > 4 * 32 * 1024  # past several of the parser's reads
    with pytest.raises(CensusFileError) as raised:
        read(census_file(text))
    assert raised.value.line == text[: text.index("\x02")].count("\n") + 1
    assert "0x02, which XML never allows" in raised.value.reason


def _start_lines(text: str, tag: str) -> list[int]:
    """The line of each <tag> start tag in the text, in order."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(f"<{tag}>", text)]


def test_lines_past_65535_are_the_lines_the_groups_start_on(census_file):
    # libxml2 keeps an element's line in 16 bits; past that the reader works the line out
    # from the text around it. 2,000 children of 46 lines run to about 92,000 lines.
    children = [FULL_CHILD.replace("DfE0001", f"DfE{n:04}") for n in range(2000)]
    children[-1] = children[-1].replace(
        "<CINclosureDate>2024-02-27</CINclosureDate>", "<CINclosureDate></CINclosureDate>"
    )
    text = message("".join(children))
    assert text.count("\n") > 65535 + 20000
    _, records = read(census_file(text))
    episodes = [ep for c in records for ep in c.episodes]
    assert [c.line for c in records] == _start_lines(text, "Child")
    assert [ep.line for ep in episodes] == _start_lines(text, "CINdetails")
    assert [a.line for ep in episodes for a in ep.assessments] == _start_lines(text, "Assessments")
    assert [c.line for ep in episodes for c in ep.cin_plans] == _start_lines(text, "CINPlanDates")
    assert [s.line for ep in episodes for s in ep.section47s] == _start_lines(text, "Section47")
    plans = [p.line for ep in episodes for p in ep.plans]
    assert plans == _start_lines(text, "ChildProtectionPlans")
    (empty,) = records[-1].problems
    assert (empty.field, empty.line) == (
        "CINdetails/CINclosureDate",
        _start_lines(text, "CINclosureDate")[-1],
    )


def test_comments_between_elements_are_ignored(census_file):
    text = message(FULL_CHILD.replace("<Sex>F</Sex>", "<!-- note --><Sex>F</Sex>"))
    _, (c,) = read(census_file(text))
    assert c.sex == "F"
    assert c.problems == []


def _peak_while_reading(path) -> int:
    tracemalloc.start()
    try:
        for _ in CensusStream(path).children():
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_file_grows(tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_synthetic_file(small, 500)
    write_synthetic_file(large, 4000)
    assert large.stat().st_size > 7 * small.stat().st_size
    # The only memory that grows with a file is the bounded cache of parsed dates: fill
    # it first, so what is measured is what reading holds per child.
    for _ in CensusStream(large).children():
        pass
    assert _peak_while_reading(large) < 1.2 * _peak_while_reading(small) + 50_000


def test_it_reads_every_sample_file_of_the_community_validator(samples):
    counts = {}
    for path in sorted(samples.glob("*.xml")):
        stream = CensusStream(path)
        counts[path.name] = (stream.header.present, sum(1 for _ in stream.children()))
    assert counts["fake_CIN_data.xml"] == (True, 332)
    assert counts["CIN_Census_2024.xml"] == (True, 2)
    assert all(present and n >= 1 for present, n in counts.values())


def test_a_second_header_is_not_read_as_a_child(census_file):
    second = HEADER.format(ref="2025-03-31")
    path = census_file(f"<Message>{HEADER.format(ref='2024-03-31')}<Children>{child()}"
                       f"</Children>{second}<Children>{child()}</Children></Message>")  # fmt: skip
    header, children = read(path)
    assert header.reference_date == date(2024, 3, 31)
    assert [c.la_child_id for c in children] == ["C1", "C1"]
    stream = CensusStream(path)
    assert stream.read_to_end() == 2
