"""The DfE rules beyond the child protection ones: each with a child that breaks it and one
that keeps it (the finding names the rule and the child), then the rules on a whole return
(duplicates across children, and the four that count over the return)."""

from __future__ import annotations

from datetime import date

import pytest

from iro.census.reader import (
    Assessment,
    Child,
    CinPlan,
    Episode,
    Header,
    ProtectionPlan,
    Section47,
)
from iro.census.rules import (
    DFE_RULES,
    ERROR,
    QUERY,
    RULES,
    CensusYear,
    Finding,
    Validator,
    check_child,
    upn_check_letter,
)

REF = date(2024, 3, 31)  # census year 2023-04-01 to 2024-03-31
YEAR = CensusYear.ending(REF)
_DATES = {"referral_date", "closure_date", "icpc_date"}


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def upn(la: str = "201", digits: str = "123456789") -> str:
    """A UPN with the right check letter (A where the digits give none)."""
    body = la + digits
    return (upn_check_letter("?" + body) or "A") + body


def ep(
    referral="2023-06-01",
    closure=None,
    reason="RC7 if closed",
    nfa=False,
    need="N1",
    source="1A",
    **more,
) -> Episode:
    return Episode(
        referral_date=d(referral),
        referral_source=source,
        primary_need=need,
        closure_date=d(closure),
        closure_reason=("RC7" if closure else None) if reason == "RC7 if closed" else reason,
        referral_nfa=nfa,
        **more,
    )


def kid(*episodes: Episode, **fields) -> Child:
    values = {
        "la_child_id": "C1",
        "upn_unknown": "UN4",
        "date_of_birth": date(2015, 1, 1),
        "sex": "M",
        "ethnicity": "WBRI",
        "disabilities": ["NONE"],
        "episodes": list(episodes) if episodes else [ep()],
    }
    values.update(fields)
    return Child(**values)


def asmt(start="2023-06-01", done="2023-06-15", factors=("2B",)) -> Assessment:
    return Assessment(start_date=d(start), authorisation_date=d(done), factors=list(factors))


def cin(start="2023-06-05", end=None) -> CinPlan:
    return CinPlan(start_date=d(start), end_date=d(end))


def cpp(start="2023-06-20", end=None, reviews=(), undated_reviews=0) -> ProtectionPlan:
    return ProtectionPlan(
        start_date=d(start),
        end_date=d(end),
        initial_category="NEG",
        latest_category="NEG",
        previous_plans=0,
        review_dates=[d(r) for r in reviews],
        reviews_without_date=undated_reviews,
    )


def s47(start="2023-06-05", icpc="2023-06-20") -> Section47:
    return Section47(start_date=d(start), icpc_date=d(icpc), icpc_not_required=False)


DIED = date(2023, 7, 1)

# (rule, a child that breaks it, a child that keeps it)
CASES = [
    ("1103", kid(ep(assessments=[asmt(start="2023-05-31")])), kid(ep(assessments=[asmt()]))),
    ("1510", kid(upn="B" + upn()[1:] if upn()[0] != "B" else "C" + upn()[1:]), kid(upn=upn())),
    ("1530", kid(upn=upn(la="999")), kid(upn=upn(la="943"))),
    ("1540", kid(upn=upn(digits="1234X6789")), kid(upn=upn(digits="123406789"))),
    ("1550", kid(upn=upn(digits="12345678I")), kid(upn=upn(digits="12345678A"))),
    ("1560Q", kid(former_upn="12345"), kid(former_upn=upn())),
    ("1570", kid(la_child_id="C" * 21), kid(la_child_id="C" * 20)),
    ("1580", kid(la_child_id="C-1"), kid(la_child_id="C1")),
    (
        "2990",
        kid(ep(closure="2023-07-01", reason="RC8", assessments=[asmt()], cin_plans=[cin()])),
        kid(ep(closure="2023-07-01", reason="RC8", assessments=[asmt()])),
    ),
    ("2991Q", kid(ep(section47s=[s47()])), kid(ep(section47s=[s47()], assessments=[asmt()]))),
    ("4000", kid(ep(nfa=True, cin_plans=[cin()])), kid(ep(nfa=True))),
    (
        "4003",
        kid(ep(cin_plans=[cin(end="2023-09-01")], plans=[cpp(reviews=["2023-08-01"])])),
        kid(ep(cin_plans=[cin(end="2023-09-01")], plans=[cpp(reviews=["2023-09-15"])])),
    ),
    (
        "4004",
        kid(ep(cin_plans=[cin("2023-06-05"), cin("2023-07-05")])),
        kid(ep(cin_plans=[cin("2023-06-05", "2023-07-01"), cin("2023-07-05")])),
    ),
    (
        "4008",
        kid(ep(cin_plans=[cin("2023-07-02")]), date_of_death=DIED),
        kid(ep(cin_plans=[cin("2023-06-30", "2023-07-01")]), date_of_death=DIED),
    ),
    (
        "4009Q",
        kid(ep(cin_plans=[cin("2023-06-05", "2023-07-02")]), date_of_death=DIED),
        kid(ep(cin_plans=[cin("2023-06-05", "2023-07-01")]), date_of_death=DIED),
    ),
    ("4010", kid(ep(cin_plans=[cin(None)])), kid(ep(cin_plans=[cin("2024-03-31")]))),
    ("4010", kid(ep(cin_plans=[cin("2024-04-01")])), kid(ep(cin_plans=[cin("2023-06-01")]))),
    (
        "4011",
        kid(ep(cin_plans=[cin("2023-06-05", "2023-06-04")])),
        kid(ep(cin_plans=[cin("2023-06-05", "2023-06-06")])),
    ),
    (
        "4012Q",
        kid(ep(cin_plans=[cin("2023-06-05", "2023-06-05")])),
        kid(ep(cin_plans=[cin("2023-06-05", "2023-06-06")])),
    ),
    (
        "4013",
        kid(ep(cin_plans=[cin("2023-06-05", "2024-04-01")])),
        kid(ep(cin_plans=[cin("2023-06-05", "2024-03-31")])),
    ),
    (
        "4014",
        kid(ep(cin_plans=[cin("2023-06-05", "2023-08-01"), cin("2023-07-01", "2023-09-01")])),
        kid(ep(cin_plans=[cin("2023-06-05", "2023-06-30"), cin("2023-07-01", "2023-09-01")])),
    ),
    ("4015", kid(ep(cin_plans=[cin("2023-05-31")])), kid(ep(cin_plans=[cin("2023-06-01")]))),
    (
        "4016",
        kid(ep(plans=[cpp("2023-06-20")], cin_plans=[cin("2023-07-01")])),
        kid(ep(plans=[cpp("2023-06-20", "2023-08-01")], cin_plans=[cin("2023-08-01")])),
    ),
    (
        "4017",
        kid(ep(cin_plans=[cin("2023-06-05")], plans=[cpp("2023-06-20")])),
        kid(ep(cin_plans=[cin("2023-06-05", "2023-06-20")], plans=[cpp("2023-06-20")])),
    ),
    ("4180", kid(sex=None), kid(sex="F")),
    ("4180", kid(sex="M", sex_given="GenderCurrent 1"), kid(sex="M")),  # the old element
    ("4180", kid(sex="M", sex_given="Sex 1"), kid(sex="M")),  # an old number in <Sex>
    ("4220", kid(ethnicity="XXXX"), kid(ethnicity="AIND")),
    ("4220", kid(ethnicity=None), kid(ethnicity="NOBT")),
    ("8500", kid(la_child_id=None), kid(la_child_id="C1")),
    ("8520", kid(date_of_birth=date(2024, 4, 1)), kid(date_of_birth=date(2024, 3, 31))),
    ("8525Q", kid(date_of_birth=None), kid(date_of_birth=date(2010, 1, 1))),
    (
        "8525Q",
        kid(expected_date_of_birth=date(2024, 5, 1)),
        kid(date_of_birth=None, expected_date_of_birth=date(2024, 5, 1), sex="U"),
    ),
    (
        "8530Q",
        kid(date_of_birth=None, expected_date_of_birth=date(2024, 2, 29), sex="U"),
        kid(date_of_birth=None, expected_date_of_birth=date(2024, 3, 1), sex="U"),
    ),
    ("8535Q", kid(date_of_death=date(2014, 12, 31)), kid(date_of_death=date(2015, 1, 1))),
    ("8540", kid(disabilities=[]), kid(disabilities=["NONE"])),
    ("8540", kid(disabilities=["WALK"]), kid(disabilities=["MOB"])),
    ("8545Q", kid(date_of_death=date(2023, 3, 31)), kid(date_of_death=date(2023, 4, 1))),
    ("8555Q", kid(date_of_death=date(2023, 5, 31)), kid(date_of_death=date(2023, 6, 1))),
    (
        "8565",
        kid(ep(closure="2023-07-01", assessments=[asmt(done="2023-07-02")])),
        kid(ep(closure="2023-07-01", assessments=[asmt(done="2023-07-01")])),
    ),
    ("8568", kid(ep(nfa=None)), kid(ep(nfa=False))),
    (
        "8569Q",  # 31 March 2023 is one working day before the year: 30 March is before it
        kid(ep(referral="2023-03-30", nfa=True)),
        kid(ep(referral="2023-03-31", nfa=True)),
    ),
    (
        "8585Q",
        kid(ep(closure="2023-07-01", reason="RC2")),
        kid(ep(closure="2023-07-01", reason="RC2"), date_of_death=DIED),
    ),
    ("8590", kid(episodes=[]), kid()),
    ("8600", kid(ep(referral=None)), kid(ep(referral="2024-03-31"))),
    ("8600", kid(ep(referral="2024-04-01")), kid(ep(referral="2023-04-01"))),
    (
        "8606",  # 281 days before the birth, then 280
        kid(ep(referral="2023-05-25"), date_of_birth=date(2024, 3, 1)),
        kid(ep(referral="2023-05-26"), date_of_birth=date(2024, 3, 1)),
    ),
    (
        "8608",
        kid(ep(assessments=[asmt(start="2023-06-10", done="2023-06-09")])),
        kid(ep(assessments=[asmt(start="2023-06-10", done="2023-06-10")])),
    ),
    ("8610", kid(ep(need=None)), kid(ep(need=None, nfa=True))),
    (
        "8614",
        kid(ep(assessments=[asmt(start="2024-03-20", done=None)])),
        kid(ep(assessments=[asmt(start="2024-03-20", done=None, factors=())])),
    ),
    ("8620", kid(ep(closure="2024-04-01")), kid(ep(closure="2024-03-31"))),
    ("8630", kid(ep(closure="2023-05-31")), kid(ep(closure="2023-06-01"))),
    (
        "8640",
        kid(ep(closure="2023-07-01", reason="RC10")),
        kid(ep(closure="2023-07-01", reason="RC9", assessments=[asmt()])),
    ),
    ("8650", kid(ep(need="N10")), kid(ep(need="N0"))),
    (
        "8670Q",  # 45 working days before 31 March 2024 is 26 January 2024
        kid(ep(assessments=[asmt(start="2024-01-25", done=None, factors=())])),
        kid(ep(assessments=[asmt(start="2024-01-26", done=None, factors=())])),
    ),
    (
        "8696",
        kid(ep(assessments=[asmt(done="2024-04-01")])),
        kid(ep(assessments=[asmt(done="2024-03-31")])),
    ),
    ("8720", kid(ep(plans=[cpp(start=None)])), kid(ep(plans=[cpp()]))),
    ("8720", kid(ep(plans=[cpp(start="2024-04-01")])), kid(ep(plans=[cpp("2024-03-28")]))),
    (
        "8736",
        kid(ep(referral="2023-03-01", assessments=[asmt("2023-03-31", None, ())])),
        kid(ep(referral="2024-03-01", assessments=[asmt("2024-03-20", None, ())])),
    ),
    (
        "8750",
        kid(date_of_birth=None, expected_date_of_birth=date(2024, 5, 1), sex="F"),
        kid(date_of_birth=None, expected_date_of_birth=date(2024, 5, 1), sex="U"),
    ),
    (
        "8770Q",  # born by 31 August 2018: of school age
        kid(upn_unknown=None, date_of_birth=date(2018, 8, 31)),
        kid(upn_unknown=None, date_of_birth=date(2018, 9, 1)),
    ),
    ("8770Q", kid(upn_unknown="UN1"), kid(upn=upn(), upn_unknown=None)),
    ("8772", kid(upn_unknown="UN7"), kid(ep(nfa=True), upn_unknown="UN7")),
    ("8775Q", kid(date_of_birth=date(1999, 3, 30)), kid(date_of_birth=date(1999, 4, 1))),
    ("8790", kid(disabilities=["NONE", "MOB"]), kid(disabilities=["MOB", "VIS"])),
    ("8794", kid(disabilities=["MOB", "MOB"]), kid(disabilities=["MOB", "HAND"])),
    ("8805", kid(ep(closure="2023-07-01", reason=None)), kid(ep(closure="2023-07-01"))),
    ("8810", kid(ep(reason="RC7")), kid(ep(closure="2023-07-01", reason="RC7"))),
    (
        "8815",
        kid(ep("2023-05-01"), ep("2023-08-01")),
        kid(ep("2023-05-01", closure="2023-07-01"), ep("2023-08-01")),
    ),
    (
        "8816",
        kid(ep("2023-05-01"), ep("2023-08-01", closure="2023-09-01")),
        kid(ep("2023-05-01", closure="2023-07-01"), ep("2023-08-01")),
    ),
    (
        "8820",
        kid(ep("2023-05-01", closure="2023-09-01"), ep("2023-08-01", closure="2023-10-01")),
        kid(ep("2023-05-01", closure="2023-07-01"), ep("2023-08-01", closure="2023-10-01")),
    ),
    (
        "8820",  # the DfE's note: an episode may start on the day the one before it closed
        kid(ep("2023-05-01", closure="2023-08-02"), ep("2023-08-01", closure="2023-10-01")),
        kid(ep("2023-05-01", closure="2023-08-01"), ep("2023-08-01", closure="2023-10-01")),
    ),
    (
        "8825Q",
        kid(ep(closure="2023-07-01", reason="RC9")),
        kid(ep(closure="2023-07-01", reason="RC9", assessments=[asmt()])),
    ),
    ("8831", kid(ep(nfa=True, assessments=[asmt()])), kid(ep(nfa=True))),
    ("8831", kid(ep(nfa=True, icpc_date=d("2023-06-20"))), kid(ep(nfa=True))),
    ("8832", kid(ep(nfa=True, plans=[cpp()])), kid(ep(nfa=True))),
    ("8842Q", kid(ep(plans=[cpp(undated_reviews=1)])), kid(ep(plans=[cpp()]))),
    (
        "8863Q",
        kid(ep(assessments=[asmt("2023-06-01", "2023-06-20"), asmt("2023-06-10", "2023-07-01")])),
        kid(ep(assessments=[asmt("2023-06-01", "2023-06-20"), asmt("2023-06-21", "2023-07-01")])),
    ),
    ("8866", kid(ep(source=None)), kid(ep(referral="2013-03-31", source=None))),
    ("8866", kid(ep(source="11")), kid(ep(source="10"))),
    (
        "8867",
        kid(ep(closure="2023-07-01", assessments=[asmt(done=None, factors=())])),
        kid(ep(closure="2023-07-01", assessments=[asmt()])),
    ),
    (
        "8869",
        kid(ep(assessments=[asmt(factors=("21", "2B"))])),
        kid(ep(closure="2023-07-01", reason="RC8", assessments=[asmt(factors=("21",))])),
    ),
    (
        "8873Q",
        kid(ep(closure="2023-07-01", assessments=[asmt(factors=("21",))])),
        kid(ep(closure="2023-07-01", reason="RC8", assessments=[asmt(factors=("21",))])),
    ),
    (
        "8896",
        kid(ep(assessments=[asmt("2024-03-01", None, ()), asmt("2024-03-02", None, ())])),
        kid(ep(assessments=[asmt("2024-03-01", "2024-03-02"), asmt("2024-03-03", None, ())])),
    ),
    ("8897Q", kid(ep(assessments=[asmt(factors=())])), kid(ep(assessments=[asmt()]))),
    (
        "8898",
        kid(ep(assessments=[asmt(factors=("2B", "2B"))])),
        kid(ep(assessments=[asmt(factors=("2B", "3A"))])),
    ),
    (
        "8915",
        kid(ep(plans=[cpp("2023-07-03")]), date_of_death=DIED),
        kid(ep(plans=[cpp("2023-06-20", "2023-07-01")]), date_of_death=DIED),
    ),
    (
        "8920",
        kid(ep(plans=[cpp("2023-06-20", "2023-07-03")]), date_of_death=DIED),
        kid(ep(plans=[cpp("2023-06-20", "2023-06-30")]), date_of_death=DIED),
    ),
    (
        "8945Q",
        kid(ep(assessments=[asmt(factors=("18A",))])),
        kid(ep(assessments=[asmt(factors=("18B",))])),
    ),
    (
        "8950Q",
        kid(ep(assessments=[asmt(factors=("19A",))])),
        kid(ep(assessments=[asmt(factors=("19C",))])),
    ),
]


def found(rule: str, record: Child, year: CensusYear | None = YEAR) -> list:
    return [f for f in check_child(record, year) if f.rule == rule]


@pytest.mark.parametrize(("rule", "breaks", "keeps"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_finds_the_child_that_breaks_it_and_not_the_one_that_keeps_it(
    rule, breaks, keeps
):
    broken = found(rule, breaks)
    assert broken, f"rule {rule} missed the child that breaks it"
    assert found(rule, keeps) == []
    finding = broken[0]
    assert finding.severity == (QUERY if rule.endswith("Q") else ERROR)
    assert finding.child == breaks.la_child_id
    assert finding.message.startswith(RULES[rule].title)
    assert finding.message.endswith(".")


def test_the_plain_test_child_breaks_no_rule_on_one_child():
    assert check_child(kid(), YEAR) == []


# --- Rules on the whole return -----------------------------------------------------------


def _run(children, header=None) -> list[Finding]:
    """Every finding of a return of these children."""
    validator = Validator(header or Header(collection="CIN", year=2024, reference_date=REF))
    return list(validator.run(children))


def _rules(findings) -> list[tuple[str, str | None]]:
    return [(f.rule, f.child) for f in findings]


def _varied(n: int, **fields) -> Child:
    """A child with three of the DfE's disability codes, so a return of three of them uses
    eight or more codes and has a child with more than one (2887Q and 2888Q kept)."""
    codes = ["MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON"]
    values = {"la_child_id": f"C{n}", "disabilities": [codes[(3 * n + i) % 10] for i in range(3)]}
    values.update(fields)
    return kid(**values)


def test_a_return_of_varied_children_keeps_the_rules_on_the_whole_return():
    assert _rules(_run([_varied(n) for n in range(5)])) == []


def test_8510_the_second_child_with_an_la_child_id_already_used():
    (finding,) = _run([_varied(1), _varied(2), _varied(3, la_child_id="C1")])
    assert (finding.rule, finding.child) == ("8510", "C1")
    assert "C1 first on line" in finding.message


def test_1520_the_second_child_with_a_upn_already_used():
    same = upn()
    findings = _run([_varied(1, upn=same), _varied(2, upn=upn(digits="987654321")),
                      _varied(3, upn=same)])  # fmt: skip
    assert _rules(findings) == [("1520", "C3")]


def test_2883_more_plans_start_in_the_year_than_conferences_are_held():
    plans = ep(section47s=[s47()], assessments=[asmt()], plans=[cpp(), cpp("2023-12-01")])
    findings = _run([_varied(1, episodes=[plans]), *(_varied(n) for n in range(2, 5))])
    assert ("2883", None) in _rules(findings)
    one_plan = ep(section47s=[s47()], assessments=[asmt()], plans=[cpp()])
    findings = _run([_varied(1, episodes=[one_plan]), *(_varied(n) for n in range(2, 5))])
    assert "2883" not in {rule for rule, _ in _rules(findings)}


def test_2886q_more_than_2_percent_of_born_children_without_a_sex():
    # 1 in 50 is 2%, not more; 2 in 50 is.
    kept = [_varied(n, sex="U" if n == 0 else "M") for n in range(50)]
    assert "2886Q" not in {rule for rule, _ in _rules(_run(kept))}
    broken = [_varied(n, sex="U" if n < 2 else "M") for n in range(50)]
    assert ("2886Q", None) in _rules(_run(broken))
    unborn = [_varied(n, sex="U", date_of_birth=None, expected_date_of_birth=date(2024, 5, 1))
              for n in range(2)]  # fmt: skip
    assert "2886Q" not in {rule for rule, _ in _rules(_run(unborn + kept[2:]))}


def test_2886q_counts_a_sex_given_only_in_the_old_gender_current_as_none_recorded():
    old = [_varied(n, sex="M", sex_given="GenderCurrent 1" if n < 2 else None) for n in range(50)]
    assert ("2886Q", None) in _rules(_run(old))
    in_sex = [_varied(n, sex="M", sex_given="Sex 1" if n < 2 else None) for n in range(50)]
    assert "2886Q" not in {rule for rule, _ in _rules(_run(in_sex))}  # recorded, wrongly (4180)


def test_2887q_fewer_than_8_disability_codes_in_the_return():
    seven = [kid(la_child_id=f"C{n}", disabilities=[code, "MOB"])
             for n, code in enumerate(["HAND", "PC", "INC", "COMM", "LD", "HEAR"])]  # fmt: skip
    assert ("2887Q", None) in _rules(_run(seven))
    eight = [*seven, kid(la_child_id="C9", disabilities=["VIS"])]
    assert "2887Q" not in {rule for rule, _ in _rules(_run(eight))}


def test_2888q_no_child_with_more_than_one_disability():
    single = [kid(la_child_id=f"C{n}", disabilities=[code]) for n, code in enumerate(
        ["MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "NONE"])]  # fmt: skip
    assert _rules(_run(single)) == [("2888Q", None)]
    (finding,) = _run(single)
    assert finding.message == f"{RULES['2888Q'].title}."  # nothing more to say, no ": ."
    single[0].disabilities.append("BEH")
    assert _rules(_run(single)) == []


def test_100_the_reference_date_is_31_march_of_the_collection_year():
    header = Header(collection="CIN", year=2024, reference_date=date(2024, 3, 28))
    (finding,) = Validator(header).header_findings()
    assert (finding.rule, finding.severity) == ("100", ERROR)
    wrong_year = Header(collection="CIN", year=2025, reference_date=REF)
    assert [f.rule for f in Validator(wrong_year).header_findings()] == ["100"]
    assert (
        Validator(Header(collection="CIN", year=2024, reference_date=REF)).header_findings() == []
    )


def test_every_rule_of_the_dfe_specification_has_a_case_here_or_beside_the_cp_rules():
    from tests.census.test_rules import CASES as CP_CASES

    whole_return = {"100", "1520", "2883", "2886Q", "2887Q", "2888Q", "8510"}
    covered = {rule for rule, _, _ in CASES} | {rule for rule, _, _ in CP_CASES} | whole_return
    assert covered == set(DFE_RULES)
    assert len(DFE_RULES) == 109


def test_queries_and_errors_are_told_apart_by_the_q():
    assert {RULES[c].severity for c in DFE_RULES if c.endswith("Q")} == {QUERY}
    assert {RULES[c].severity for c in DFE_RULES if not c.endswith("Q")} == {ERROR}
