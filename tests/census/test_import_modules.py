"""Every module of a return is kept: ReferralNFA, Child in Need plans and assessments go in
through the journey services, come back out in the export, and a second import changes
nothing."""

from __future__ import annotations

from datetime import date

import pytest

from iro.census.export import write_return
from iro.census.importer import NOTE_EPISODE_ICPC_CHANGED, import_file
from iro.census.reader import CensusStream
from iro.journey.models import Assessment, CinPlanPeriod, Episode
from iro.timescales import ANNUAL, parse_period
from tests.census.builders import child, message
from tests.census.test_import import ids, row_counts
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

YEAR = parse_period(ANNUAL, "2023-24")


@pytest.fixture
def staff():
    return make_staff()


def cin_block(start, end=None):
    end_el = f"<CINPlanEndDate>{end}</CINPlanEndDate>" if end else ""
    return f"<CINPlanDates><CINPlanStartDate>{start}</CINPlanStartDate>{end_el}</CINPlanDates>"


def assessment_block(start, authorised=None, factors=()):
    done = f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate>"
    listed = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors)
    return (
        f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
        + (done if authorised else "")
        + (f"<FactorsIdentifiedAtAssessment>{listed}</FactorsIdentifiedAtAssessment>"
           if factors else "")
        + "</Assessments>"
    )  # fmt: skip


def details(referral, *, cin_plans="", nfa=0, closure=None, assessments="", icpc=None):
    closure_els = (
        f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
        if closure
        else ""
    )
    icpc_el = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return (
        f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
        f"<ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        f"{closure_els}{icpc_el}{assessments}{cin_plans}"
        f"<ReferralNFA>{nfa}</ReferralNFA></CINdetails>"
    )


# Two CIN plans and two assessments on one episode (the first of each ended), a referral
# with no further action, and an ICPC date given on an episode with no Section 47.
YEAR_1 = child(
    ids("M1"),
    details(
        "2023-05-02",
        cin_plans=cin_block("2023-05-10", "2023-09-01") + cin_block("2023-10-02"),
        assessments=assessment_block("2023-05-02", "2023-05-09", ["3B", "4B"])
        + assessment_block("2024-03-11"),
    ),
)
YEAR_1 += child(ids("M2"), details("2023-11-06", nfa=1, closure="2023-11-06"))
YEAR_1 += child(ids("M5"), details("2023-08-14", icpc="2023-09-04"))

# The next return: the open CIN plan has ended and another started; the open assessment
# has been authorised.
YEAR_2 = child(
    ids("M1"),
    details(
        "2023-05-02",
        cin_plans=cin_block("2023-05-10", "2023-09-01")
        + cin_block("2023-10-02", "2024-05-01")
        + cin_block("2024-06-03"),
        assessments=assessment_block("2024-03-11", "2024-04-19", ["21"]),
    ),
)


def modules(path) -> dict:
    """What a return says of these modules, child by child and episode by episode."""
    return {
        c.la_child_id: [
            (
                ep.referral_date,
                ep.referral_nfa,
                [(p.start_date, p.end_date) for p in ep.cin_plans],
                [(a.start_date, a.authorisation_date, a.factors) for a in ep.assessments],
                ep.icpc_date,
            )
            for ep in c.episodes
        ]
        for c in CensusStream(path).children()
    }


def test_referral_nfa_and_child_in_need_plans_go_in_through_the_services(staff, census_file):
    summary = import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    assert summary.skipped == []
    assert summary.notes == {}  # nothing of the file left out
    assert summary.added["cin_plans"] == 2
    m1 = Episode.objects.get(child__la_child_id="M1")
    assert list(m1.cin_plans.values_list("start_date", "end_date")) == [
        (date(2023, 5, 10), date(2023, 9, 1)),
        (date(2023, 10, 2), None),
    ]
    assert m1.referral_nfa is False
    assert Episode.objects.get(child__la_child_id="M2").referral_nfa is True
    assert CinPlanPeriod.objects.first().history.first().history_user == staff.analyst


def test_reimporting_the_return_changes_nothing(staff, census_file):
    path = census_file(message(YEAR_1))
    import_file(path, acting_user=staff.analyst)
    before = row_counts()
    again = import_file(path, acting_user=staff.analyst)
    assert row_counts() == before
    assert not again.changed


def test_a_later_return_ends_a_child_in_need_plan_and_adds_the_next(staff, census_file):
    import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    summary = import_file(census_file(message(YEAR_2, ref="2025-03-31")),
                          acting_user=staff.analyst)  # fmt: skip
    assert (summary.added["cin_plans"], summary.updated["cin_plans"]) == (1, 1)
    assert list(CinPlanPeriod.objects.values_list("start_date", "end_date")) == [
        (date(2023, 5, 10), date(2023, 9, 1)),
        (date(2023, 10, 2), date(2024, 5, 1)),
        (date(2024, 6, 3), None),
    ]


def test_a_later_return_changes_referral_nfa(staff, census_file):
    import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    changed = child(ids("M2"), details("2023-11-06", nfa=0, closure="2023-11-06"))
    summary = import_file(census_file(message(changed)), acting_user=staff.analyst)
    assert summary.updated["episodes"] == 1
    assert Episode.objects.get(child__la_child_id="M2").referral_nfa is False


def test_overlapping_child_in_need_plans_skip_the_child_saying_why(staff, census_file):
    overlapping = child(
        ids("M3"),
        details(
            "2023-05-02", cin_plans=cin_block("2023-05-10", "2023-09-01") + cin_block("2023-06-01")
        ),
    )
    summary = import_file(census_file(message(overlapping)), acting_user=staff.analyst)  # fmt: skip
    (skipped,) = summary.skipped
    assert skipped.reason.startswith(
        "the Child in Need plan from 2023-06-01: The episode already has a Child in Need plan "
        "from 10 May 2023 to 1 September 2023"
    )
    assert not Episode.objects.exists()


def test_the_modules_survive_import_then_export(staff, census_file, tmp_path):
    source = census_file(message(YEAR_1))
    import_file(source, acting_user=staff.analyst)
    exported = tmp_path / "return.xml"
    write_return(user=staff.analyst, period=YEAR, path=exported, lea="999")
    assert modules(exported) == modules(source)
    # and the export imports back to the same records
    before = row_counts()
    assert not import_file(exported, acting_user=staff.analyst).changed
    assert row_counts() == before


def test_assessments_go_in_with_their_dates_and_factors(staff, census_file):
    summary = import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    assert summary.added["assessments"] == 2
    assert list(Assessment.objects.values_list("start_date", "authorisation_date", "factors")) == [
        (date(2023, 5, 2), date(2023, 5, 9), ["3B", "4B"]),
        (date(2024, 3, 11), None, []),
    ]
    assert Assessment.objects.first().history.first().history_user == staff.analyst


def test_a_later_return_authorises_an_open_assessment(staff, census_file):
    import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    summary = import_file(census_file(message(YEAR_2, ref="2025-03-31")),
                          acting_user=staff.analyst)  # fmt: skip
    assert (summary.added["assessments"], summary.updated["assessments"]) == (0, 1)
    assert Assessment.objects.get(start_date=date(2024, 3, 11)).factors == ["21"]
    assert Assessment.objects.get(start_date=date(2024, 3, 11)).authorisation_date == date(
        2024, 4, 19
    )


def test_an_assessment_before_the_referral_skips_the_child_saying_why(staff, census_file):
    early = child(ids("M4"), details("2023-05-02", assessments=assessment_block("2023-04-20")))
    (skipped,) = import_file(census_file(message(early)), acting_user=staff.analyst).skipped
    assert skipped.reason == (
        "the assessment from 2023-04-20: The date cannot be before the referral on 2 May 2023."
    )


def test_an_episode_icpc_date_goes_in_once_and_a_differing_one_is_noted(staff, census_file):
    import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    assert Episode.objects.get(child__la_child_id="M5").icpc_date == date(2023, 9, 4)
    other = child(ids("M5"), details("2023-08-14", icpc="2023-09-11"))
    summary = import_file(census_file(message(other)), acting_user=staff.analyst)
    assert summary.notes == {NOTE_EPISODE_ICPC_CHANGED: 1}
    assert not summary.changed
    assert Episode.objects.get(child__la_child_id="M5").icpc_date == date(2023, 9, 4)
