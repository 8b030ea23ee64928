"""`iro cin validate FILE`: findings and a summary, exit 0; an unreadable file, exit 2."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iro.census.synthetic import write_synthetic_file
from tests.census.builders import child, message

BAD_PLAN = """<CINdetails><CINreferralDate>2023-06-01</CINreferralDate>
<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
<Assessments><AssessmentActualStartDate>2023-06-01</AssessmentActualStartDate>
<AssessmentAuthorisationDate>2023-06-15</AssessmentAuthorisationDate>
<FactorsIdentifiedAtAssessment><AssessmentFactors>2B</AssessmentFactors>
</FactorsIdentifiedAtAssessment></Assessments>
<Section47><S47ActualStartDate>2023-06-05</S47ActualStartDate>
<DateOfInitialCPC>2023-06-20</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired></Section47>
<ReferralNFA>0</ReferralNFA>
<ChildProtectionPlans><CPPstartDate>2023-06-20</CPPstartDate>
<InitialCategoryOfAbuse>XXX</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans></CINdetails>"""


def validate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("cin", "validate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def file_with_findings(census_file):
    return census_file(message(child(details=BAD_PLAN) + child()))


def test_it_prints_each_finding_and_a_summary_and_exits_normally(file_with_findings):
    out, _ = validate(str(file_with_findings))
    assert "8905 (error) child C1, ChildProtectionPlans/InitialCategoryOfAbuse" in out
    assert "'XXX' is not one of NEG, PHY, EMO, SAB, MUL" in out
    assert "8510 (error) child C1" in out  # the second child reuses C1
    # The DfE's two queries on a whole return: eight disability codes used, and some
    # child with more than one.
    assert "2887Q (query) the file" in out or "2887Q (query)" in out
    assert "Summary: 2 children read; 2 errors, 2 queries." in out


def test_json_output_carries_the_summary_and_every_finding(file_with_findings):
    out, _ = validate(str(file_with_findings), "--format", "json")
    document = json.loads(out)
    assert document["reference_date"] == "2024-03-31"
    assert document["summary"]["by_rule"] == {"2887Q": 1, "2888Q": 1, "8510": 1, "8905": 1}
    assert [f["rule"] for f in document["findings"]] == ["8905", "8510", "2887Q", "2888Q"]
    assert set(document["findings"][0]) == {"rule", "severity", "child", "field", "message",
                                            "line"}  # fmt: skip


def test_csv_output_has_a_row_per_finding_and_the_summary_on_stderr(file_with_findings):
    out, err = validate(str(file_with_findings), "--format", "csv")
    rows = list(csv.reader(StringIO(out)))
    assert rows[0] == ["rule", "severity", "child", "field", "line", "message"]
    assert [r[0] for r in rows[1:]] == ["8905", "8510", "2887Q", "2888Q"]
    assert "Summary: 2 children read" in err


def test_csv_cells_cannot_become_formulas(census_file):
    ids = '<LAchildID>=HYPERLINK("http://x.invalid")</LAchildID><Sex>M</Sex>'
    out, _ = validate(str(census_file(message(child(ids, BAD_PLAN)))), "--format", "csv")
    row = next(r for r in csv.reader(StringIO(out)) if r[0] == "8905")
    assert row[2] == '\'=HYPERLINK("http://x.invalid")'


def test_a_clean_file_has_an_empty_report(tmp_path):
    path = tmp_path / "clean.xml"
    write_synthetic_file(path, 300, year="2024-25", seed=3)
    out, _ = validate(str(path))
    assert "Summary: 300 children read; 0 errors, 0 queries." in out


def test_an_unreadable_file_is_one_error_naming_the_line_and_no_report(census_file):
    broken = census_file(message(child(details=BAD_PLAN))[:-40])
    with pytest.raises(CommandError) as refused:
        validate(str(broken))
    assert refused.value.returncode == 2
    assert "line " in str(refused.value)


def test_from_the_command_line_an_unreadable_file_exits_2_with_one_line(census_file):
    hostile = census_file('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "e">]>\n<Message/>')
    done = subprocess.run(
        [sys.executable, "-m", "iro.cli", "cin", "validate", str(hostile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert "line 2: the file declares a DOCTYPE" in line


def test_every_community_sample_validates_without_failing(samples):
    for path in sorted(samples.glob("*.xml")):
        out, _ = validate(str(path))
        assert "Summary:" in out, path.name


def test_a_file_in_another_namespace_is_refused_naming_it(census_file):
    path = census_file(message(child()).replace("<Message>", '<Message xmlns="urn:other:cin">'))
    with pytest.raises(CommandError) as refused:
        validate(str(path))
    assert refused.value.returncode == 2
    assert "the file uses the XML namespace 'urn:other:cin'" in str(refused.value)


def test_an_la_child_id_with_a_line_break_is_quoted_in_the_text_report(census_file):
    ids = "<LAchildID>AB&#13;&#10;8905 (error) child X</LAchildID><Sex>M</Sex>"
    path = census_file(message(child(ids=ids, details=BAD_PLAN)))
    out, _ = validate(str(path))
    assert "child 'AB\\r\\n8905 (error) child X', " in out
    assert not any(line.startswith("8905 (error) child X") for line in out.splitlines())
