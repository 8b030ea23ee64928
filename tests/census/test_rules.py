"""Each DfE rule with a record that breaks it and one that does not, then the structural
checks, the header, and whole files (clean synthetic ones and the community samples)."""

from __future__ import annotations

from datetime import date

import pytest

from iro.census.reader import (
    Assessment,
    CensusStream,
    Child,
    CinPlan,
    Episode,
    Header,
    Problem,
    ProtectionPlan,
    Section47,
)
from iro.census.rules import (
    ERROR,
    M_NO_REFERENCE_DATE,
    QUERY,
    RULES,
    CensusYear,
    Validator,
    check_child,
)
from iro.census.synthetic import synthetic_children, synthetic_header

REF = date(2024, 3, 31)  # census year 2023-04-01 to 2024-03-31
YEAR = CensusYear.ending(REF)


def d(text: str) -> date:
    return date.fromisoformat(text)


def s47(start="2023-06-01", icpc="2023-06-20", target=None, not_required=False) -> Section47:
    return Section47(
        start_date=d(start) if start else None,
        icpc_target=d(target) if target else None,
        icpc_date=d(icpc) if icpc else None,
        icpc_not_required=not_required,
    )


def plan(start="2023-06-20", end=None, initial="NEG", latest="NEG", previous=0, reviews=()):
    return ProtectionPlan(
        start_date=d(start) if start else None,
        end_date=d(end) if end else None,
        initial_category=initial,
        latest_category=latest,
        previous_plans=previous,
        review_dates=[d(r) for r in reviews],
    )


def episode(*, referral="2023-06-01", closure=None, icpc=None, s47s=(), plans=(), cin_plans=()):
    return Episode(
        referral_date=d(referral),
        referral_source="1A",
        closure_date=d(closure) if closure else None,
        closure_reason="RC7" if closure else None,
        icpc_date=d(icpc) if icpc else None,
        referral_nfa=False,
        section47s=list(s47s),
        plans=list(plans),
        cin_plans=list(cin_plans),
    )


def child(*episodes: Episode, la_child_id="C1") -> Child:
    return Child(la_child_id=la_child_id, sex="M", ethnicity="WBRI", episodes=list(episodes))


def found(rule: str, record: Child, year: CensusYear | None = YEAR) -> list:
    return [f for f in check_child(record, year) if f.rule == rule]


# (rule, a child that breaks it, a child that keeps it)
CASES = [
    (
        "1104",
        child(episode(s47s=[s47(start="2023-05-20", icpc="2023-05-30")])),
        child(episode(s47s=[s47(start="2023-06-01", icpc="2023-06-01")])),
    ),
    (
        "1104",  # the ICPC date recorded on the episode counts too
        child(episode(icpc="2023-05-31")),
        child(episode(icpc="2023-06-02")),
    ),
    (
        "1105",
        child(episode(plans=[plan(start="2023-05-31")])),
        child(episode(plans=[plan(start="2023-06-01")])),
    ),
    (
        "2884",
        child(episode(icpc="2023-06-20", s47s=[s47(icpc="2023-06-20")])),
        child(episode(s47s=[s47(icpc="2023-06-20")])),
    ),
    (
        "2885",
        child(episode(s47s=[s47(icpc="2023-06-20")], plans=[plan(start="2023-06-21")])),
        child(episode(s47s=[s47(icpc="2023-06-20")], plans=[plan(start="2023-06-20")])),
    ),
    (
        "2885",  # the episode's ICPC date where there is no Section 47
        child(episode(plans=[plan(start="2023-06-21")])),
        child(episode(icpc="2023-06-21", plans=[plan(start="2023-06-21")])),
    ),
    (
        "2889",
        child(episode(s47s=[s47(start="2023-05-31", icpc=None, not_required=True)])),
        child(episode(s47s=[s47(start="2023-06-01", icpc=None, not_required=True)])),
    ),
    (
        "4001",
        child(episode(cin_plans=[CinPlan(d("2023-06-02"))], plans=[plan()])),
        child(episode(cin_plans=[CinPlan(d("2023-06-02"), d("2023-06-20"))], plans=[plan()])),
    ),
    (
        "8615",
        child(episode(s47s=[s47(start="2023-06-21", icpc="2023-06-20")])),
        child(episode(s47s=[s47(start="2023-06-20", icpc="2023-06-20")])),
    ),
    (
        "8615",  # an ICPC date with no start date
        child(episode(s47s=[s47(start=None, icpc="2023-06-20")])),
        child(episode(s47s=[s47(start="2023-06-19", icpc="2023-06-20")])),
    ),
    (
        "8675Q",  # due by 2024-02-22, nothing by 31 March
        child(episode(referral="2024-02-01", s47s=[s47(start="2024-02-01", icpc=None)])),
        child(episode(referral="2024-03-20", s47s=[s47(start="2024-03-20", icpc=None)])),
    ),
    (
        "8675Q",  # marked ICPC not required: nothing to wait for
        child(episode(referral="2024-01-02", s47s=[s47(start="2024-01-02", icpc=None)])),
        child(
            episode(
                referral="2024-01-02",
                s47s=[s47(start="2024-01-02", icpc=None, not_required=True)],
            )
        ),
    ),
    (
        "8715",
        child(episode(referral="2023-03-01", s47s=[s47(start="2023-03-10", icpc="2023-03-31")])),
        child(episode(referral="2023-03-01", s47s=[s47(start="2023-03-10", icpc="2023-04-03")])),
    ),
    (
        "8730",
        child(episode(plans=[plan(previous=None)])),
        child(episode(plans=[plan(previous=0)])),
    ),
    (
        "8730",
        child(episode(plans=[plan(previous=-1)])),
        child(episode(plans=[plan(previous=3)])),
    ),
    (
        "8740",
        child(episode(referral="2023-03-01", s47s=[s47(start="2023-03-31", icpc=None)])),
        child(episode(referral="2023-03-01", s47s=[s47(start="2023-04-01", icpc=None)])),
    ),
    (
        "8839",
        child(
            episode(s47s=[s47(start="2023-06-01", icpc=None), s47(start="2023-07-01", icpc=None)])
        ),
        child(episode(s47s=[s47(start="2023-06-01"), s47(start="2023-07-01", icpc=None)])),
    ),
    (
        "8840",
        child(episode(plans=[plan(start="2023-06-20", end="2023-06-20")])),
        child(episode(plans=[plan(start="2023-06-20", end="2023-06-21")])),
    ),
    (
        "8841",
        child(episode(plans=[plan(start="2023-06-20", reviews=["2023-06-20"])])),
        child(episode(plans=[plan(start="2023-06-20", reviews=["2023-06-21"])])),
    ),
    (
        "8868",
        child(episode(closure="2023-08-01", s47s=[s47(icpc=None)])),
        child(episode(closure="2023-08-01", s47s=[s47(icpc=None, not_required=True)])),
    ),
    (
        "8870Q",
        child(episode(s47s=[s47(target="2023-06-24")])),  # a Saturday
        child(episode(s47s=[s47(target="2023-06-23")])),
    ),
    (
        "8875",
        child(episode(s47s=[s47(icpc="2023-06-25")])),  # a Sunday
        child(episode(s47s=[s47(icpc="2023-06-26")])),
    ),
    (
        "8890",
        child(episode(s47s=[s47(start="2023-06-01"), s47(start="2023-06-10", icpc="2023-07-01")])),
        child(episode(s47s=[s47(start="2023-06-01"), s47(start="2023-06-21", icpc="2023-07-01")])),
    ),
    (
        "8890",  # an enquiry still open at the reference date
        child(
            episode(s47s=[s47(start="2023-06-01", icpc=None), s47(start="2023-09-01", icpc=None)])
        ),
        child(
            episode(
                s47s=[
                    s47(start="2023-06-01", icpc=None, not_required=True),
                    s47(start="2023-09-01", icpc=None),
                ]
            )
        ),
    ),
    (
        "8905",
        child(episode(plans=[plan(initial="XXX")])),
        child(episode(plans=[plan(initial="PHY")])),
    ),
    (
        "8905",
        child(episode(plans=[plan(initial=None)])),
        child(episode(plans=[plan(initial="MUL")])),
    ),
    (
        "8910",
        child(episode(plans=[plan(latest="neglect")])),
        child(episode(plans=[plan(latest="EMO")])),
    ),
    (
        "8925",
        child(episode(plans=[plan(start="2023-06-20", end="2023-06-19")])),
        child(episode(plans=[plan(start="2023-06-20", end="2023-12-19")])),
    ),
    (
        "8930",
        child(episode(plans=[plan(end="2024-04-02")])),
        child(episode(plans=[plan(end="2024-03-31")])),
    ),
    (
        "8930",
        child(episode(referral="2022-01-01", plans=[plan(start="2022-02-01", end="2023-03-31")])),
        child(episode(referral="2022-01-01", plans=[plan(start="2022-02-01", end="2023-04-01")])),
    ),
    (
        "8935",
        child(episode(plans=[plan(start="2023-06-20"), plan(start="2023-09-20")])),
        child(episode(plans=[plan(start="2023-06-20", end="2023-09-01"), plan("2023-09-20")])),
    ),
    (
        "8940",
        child(episode(plans=[plan(end="2023-10-01"), plan(start="2023-10-01", end="2024-01-01")])),
        child(episode(plans=[plan(end="2023-10-01"), plan(start="2023-10-02", end="2024-01-01")])),
    ),
]


@pytest.mark.parametrize(("rule", "breaks", "keeps"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_finds_the_record_that_breaks_it_and_not_the_one_that_keeps_it(
    rule, breaks, keeps
):
    broken = found(rule, breaks)
    assert broken, f"rule {rule} missed the record that breaks it"
    assert found(rule, keeps) == []
    finding = broken[0]
    assert finding.severity == (QUERY if rule.endswith("Q") else ERROR)
    assert finding.child == "C1"
    assert finding.field
    assert finding.message.endswith(".")


def test_every_child_protection_rule_of_the_brief_has_a_case():
    # The other DfE rules have theirs in test_dfe_rules.py.
    assert {rule for rule, _, _ in CASES} == {
        "1104", "1105", "2884", "2885", "2889", "4001", "8615", "8675Q", "8715", "8730",
        "8740", "8839", "8840", "8841", "8868", "8870Q", "8875", "8890", "8905", "8910",
        "8925", "8930", "8935", "8940",
    }  # fmt: skip
    assert set(RULES) > {rule for rule, _, _ in CASES}


def test_messages_say_what_is_wrong_with_the_dates():
    (finding,) = found("8615", child(episode(s47s=[s47(start="2023-06-21", icpc="2023-06-20")])))
    assert finding.message == "The Section 47 starts on 2023-06-21, after its ICPC date 2023-06-20."


def test_the_census_year_is_the_year_ending_on_the_reference_date():
    assert (YEAR.first_day, YEAR.reference_date) == (date(2023, 4, 1), REF)
    leap = CensusYear.ending(date(2024, 2, 29))
    assert leap.first_day == date(2023, 3, 1)


def test_year_rules_are_not_run_without_a_reference_date():
    record = child(episode(plans=[plan(end="2030-01-01")]))
    assert found("8930", record, year=None) == []
    assert found("8930", record) != []


# --- Structural checks and the header ------------------------------------------------------


def test_a_child_without_an_la_child_id_is_reported():
    record = child(episode(), la_child_id=None)
    assert "8500" in [f.rule for f in check_child(record, YEAR)]


def test_reading_problems_become_findings_with_their_line():
    record = child(episode())
    record.problems.append(
        Problem("CINdetails/CINreferralDate", "'2021-02-30' is not a real date", "", 12, "date")
    )
    (finding,) = [f for f in check_child(record, YEAR) if f.rule.startswith("S-")]
    assert (finding.rule, finding.severity, finding.line) == ("S-DATE", ERROR, 12)
    assert finding.message == "CINreferralDate: '2021-02-30' is not a real date."


def test_a_duplicated_child_id_is_reported_on_the_second_child():
    validator = Validator(Header(reference_date=REF))
    first, second = child(episode()), child(episode())
    first.line, second.line = 10, 40
    assert "8510" not in [f.rule for f in validator.check(first)]
    (duplicate,) = [f for f in validator.check(second) if f.rule == "8510"]
    assert "C1 first on line 10" in duplicate.message


def test_a_header_without_reference_date_is_an_error_that_says_what_was_skipped():
    findings = Validator(Header(collection="CIN")).header_findings()
    assert [(f.rule, f.message) for f in findings] == [("100", M_NO_REFERENCE_DATE)]


def test_a_reference_date_other_than_31_march_is_rule_100_an_error():
    findings = Validator(Header(collection="CIN", reference_date=date(2023, 3, 28)))
    assert [(f.rule, f.severity) for f in findings.header_findings()] == [("100", ERROR)]


def test_the_summary_counts_findings_by_rule_and_severity():
    validator = Validator(Header(collection="CIN", reference_date=REF))
    record = child(episode(s47s=[s47(target="2023-06-24", icpc="2023-06-25")]))
    record.date_of_birth, record.disabilities = date(2015, 1, 1), ["MOB", "HAND"]
    record.upn_unknown = "UN4"
    record.episodes[0].primary_need = "N1"
    record.episodes[0].assessments.append(
        Assessment(d("2023-06-01"), None, d("2023-06-10"), ["2B"])
    )
    list(validator.run([record]))
    assert validator.summary() == {
        "children": 1,
        "errors": 1,
        "queries": 2,
        "by_rule": {"2887Q": 1, "8870Q": 1, "8875": 1},  # 2887Q: 2 disability codes used
    }


# --- Whole files ---------------------------------------------------------------------------


def test_a_clean_synthetic_year_has_no_findings():
    validator = Validator(synthetic_header("2023-24"))
    findings = list(validator.run(synthetic_children(3000, year="2023-24", seed=7)))
    assert findings == []
    assert validator.children == 3000


def test_a_messy_synthetic_year_has_the_findings_it_was_given():
    validator = Validator(synthetic_header("2023-24"))
    list(validator.run(synthetic_children(3000, year="2023-24", seed=7, messy=True)))
    assert {"8905", "8841", "8615", "1105", "8510", "8568"} <= set(validator.summary()["by_rule"])


def _file_findings(path) -> dict[str, set[str]]:
    stream = CensusStream(path)
    validator = Validator(stream.header)
    by_child: dict[str, set[str]] = {}
    for f in validator.run(stream.children()):
        by_child.setdefault(f.child or "", set()).add(f.rule)
    return by_child


def test_the_community_samples_give_the_findings_their_dates_call_for(samples):
    census_2024 = _file_findings(samples / "CIN_Census_2024.xml")
    # Referral 2022-10-06, S47 from 2022-06-02, plan 2022-02-17 to 2023-03-14, census
    # year 2023-04-01 to 2024-03-31, a CIN plan inside the child protection plan.
    # (A CIN plan starting inside an open child protection plan is 4016 in the DfE's
    # wording; 4001 is an open CIN plan beside an open child protection plan.)
    assert {"1104", "1105", "2889", "4016", "8715", "8930"} <= census_2024["DfEX0000001"]
    rows = _file_findings(samples / "CIN2rows.xml")
    assert "8940" in rows["DfEX0000001"]  # the same plan twice
    header = _file_findings(samples / "CIN_header_issues_100.xml")
    assert "100" in header[""]  # reference date 2023-03-28
    fake = _file_findings(samples / "fake_CIN_data.xml")
    assert len(fake) > 0
