"""The census benchmark's comparison with the community validator (benchmarks/community.py):
its output read into (rule, child) pairs, set against iro's, each pair it reports that iro
does not either shown wrong by the file or left as iro's miss, and an install that fails
said and passed over. The outputs here are small made-up samples, not real files."""

from __future__ import annotations

import subprocess

from benchmarks import community
from benchmarks.community import (
    BOTH_ICPC,
    SHARED_ID,
    community_pairs,
    community_python,
    compare,
    explain,
    iro_pairs,
    report,
)

from tests.census.builders import CLEAN_IDS, child, message

# The columns of the community validator's user report, one row per value flagged.
USER_REPORT = """\
,ERROR_ID,LAchildID,rule_code,tables_affected,columns_affected,ROW_ID,value_flagged,rule_description
0,"('C7', '1')",C7,2885,Section47,DateOfInitialCPC,6,2023-11-17,Child protection plan ...
1,"('C7', '1', '2023-12-06')",C7,2885,ChildProtectionPlans,CPPstartDate,7,2023-12-06,Child ...
2,"('C8',)",C8,8875.0,Section47,DateOfInitialCPC,3,2023-12-02,The Date of Initial ...
3,"('nan',)",nan,8500,ChildIdentifiers,LAchildID,9,nan,LA Child ID missing
4,"('x',)",nan,100,Header,ReferenceDate,0,2023-03-28,Reference Date is incorrect
"""
RETURN_ISSUES = """\
,rule_code,rule_description
0,2886Q,Please check and either amend or provide a reason: Percentage of children ...
"""


def test_its_report_reads_as_one_pair_per_rule_and_child():
    assert community_pairs(USER_REPORT, RETURN_ISSUES) == {
        ("2885", "C7"),  # two rows, one finding
        ("8875", "C8"),  # a code read back as a number
        ("8500", None),  # no LAchildID
        ("100", None),  # the header
        ("2886Q", None),  # the whole return
    }


def test_an_empty_report_is_no_pairs():
    assert community_pairs(USER_REPORT.splitlines()[0] + "\n", "") == set()


def test_the_comparison_names_what_only_one_side_found():
    iro = {("2885", "C7"), ("8841", "C9"), ("8841", "C10"), ("2887Q", None)}
    theirs = {("2885", "C7"), ("8875", "C8")}
    c = compare(iro, theirs, {"8898": "TypeError, unhashable type: 'list'"})
    assert c.missed == {("8875", "C8")}
    assert c.extra == {"2887Q": [None], "8841": ["C10", "C9"]}
    assert c.by_rule() == [("2885", 1, 1), ("2887Q", 1, 0), ("8841", 2, 0), ("8875", 0, 1)]
    text = "\n".join(report(c))
    assert "found by the community validator and NOT by iro: 1" in text
    assert "8898: TypeError" in text


def test_a_pair_on_an_la_child_id_given_twice_is_the_community_validators_join(census_file):
    twice = child(details=_episode("<ICPCnotRequired>1</ICPCnotRequired>")) + child()
    path = census_file(message(twice))
    c = explain(compare(iro_pairs(path), {("1103", "C1"), ("8510", "C1")}), path)
    assert c.missed == set()
    assert c.wrongly_reported == {SHARED_ID: [("1103", "C1")]}


def test_8868_on_an_enquiry_with_both_an_icpc_and_none_required_is_its_error(census_file):
    both = "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC><ICPCnotRequired>1</ICPCnotRequired>"
    path = census_file(message(child(details=_episode(both))))
    assert not any(rule == "8868" for rule, _ in iro_pairs(path))
    c = explain(compare(iro_pairs(path), {("8868", "C1")}), path)
    assert c.missed == set()
    assert c.wrongly_reported == {BOTH_ICPC: [("8868", "C1")]}


def test_2886q_from_an_expected_birth_date_before_1677_read_as_missing_is_its_error(census_file):
    ids = CLEAN_IDS.replace("<Sex>M</Sex>", "<Sex>U</Sex>")
    unborn = ids + "<ExpectedPersonBirthDate>1066-04-13</ExpectedPersonBirthDate>"
    path = census_file(message(child(unborn)))
    c = explain(compare(iro_pairs(path), {("2886Q", None)}), path)
    assert c.missed == set()
    assert list(c.wrongly_reported) == [community.OLD_DATES]
    later = census_file(message(child(unborn.replace("1066", "2024"))))
    assert explain(compare(iro_pairs(later), {("2886Q", None)}), later).missed == {("2886Q", None)}


def test_a_pair_the_file_does_not_explain_stays_iros_miss(census_file):
    neither = "<ICPCnotRequired>1</ICPCnotRequired>"
    path = census_file(message(child(CLEAN_IDS, _episode(neither))))
    c = explain(compare(iro_pairs(path), {("8868", "C1"), ("1103", "C1")}), path)
    assert c.missed == {("8868", "C1"), ("1103", "C1")}
    assert "found by the community validator and NOT by iro: 2" in "\n".join(report(c))


def test_an_install_that_fails_is_said_and_passed_over(tmp_path, monkeypatch):
    def refused(step, **kwargs):
        return subprocess.CompletedProcess(step, 1, "", "ERROR: No matching distribution\n")

    monkeypatch.setattr(community.subprocess, "run", refused)
    said: list[str] = []
    assert community_python(tmp_path / "venv", say=said.append) is None
    assert any("No matching distribution" in line for line in said)
    assert said[-1] == "  going on without the comparison"


def test_a_made_environment_is_used_again_without_installing(tmp_path, monkeypatch):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (venv / ".installed").write_text(" ".join(community.REQUIREMENTS) + "\n")
    monkeypatch.setattr(community.subprocess, "run", _must_not_run)
    assert community_python(venv, say=lambda line: None) == str(venv / "bin" / "python")


def _must_not_run(*args, **kwargs):
    raise AssertionError("installed again")


def _episode(section47: str) -> str:
    """A closed episode with one Section 47 enquiry (its ICPC elements given)."""
    return (
        "<CINdetails><CINreferralDate>2023-06-01</CINreferralDate>"
        "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        "<CINclosureDate>2023-08-01</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
        "<Assessments><AssessmentActualStartDate>2023-06-01</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2023-06-10</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>2B</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment></Assessments>"
        f"<Section47><S47ActualStartDate>2023-06-05</S47ActualStartDate>{section47}</Section47>"
        "<ReferralNFA>0</ReferralNFA></CINdetails>"
    )


def test_the_twin_file_gives_each_child_record_its_own_la_child_id(census_file, tmp_path):
    path = census_file(message(child() + child() + child().replace("C1", "C2") + child()))
    twin = tmp_path / "twin.xml"
    assert community.write_unique_ids(path, twin) == 2
    assert {pair for pair in iro_pairs(path) if pair[1]} == {("8510", "C1")}
    assert {pair for pair in iro_pairs(twin) if pair[1]} == set()
    assert "<LAchildID>C1D2</LAchildID>" in twin.read_text()
    assert "<LAchildID>C1D3</LAchildID>" in twin.read_text()
