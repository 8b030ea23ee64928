"""`iro cin import`: through the services, atomic per file, idempotent, messy files."""

from __future__ import annotations

import gc
import re
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from iro.census.importer import (
    IMPORT_COLLECT_AFTER,
    MAX_LA_CHILD_ID,
    REFUSED,
    SKIP_DUPLICATE,
    SKIP_ID_CHARACTERS,
    SKIP_ID_TOO_LONG,
    SKIP_NO_ID,
    import_file,
)
from iro.census.reader import CensusFileError
from iro.census.synthetic import synthetic_children, write_synthetic_file
from iro.children.models import Child
from iro.children.services import LA_CHILD_ID_CHARACTERS
from iro.journey.models import (
    Conference,
    ConferenceChild,
    ConferenceKind,
    Episode,
    Plan,
    Section47,
)
from iro.journey.services import review_dates
from tests.census.builders import child, message
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def row_counts() -> dict[str, int]:
    """Every table of the records, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for app in ("children", "journey")
        for model in apps.get_app_config(app).get_models()
    }


def s47_block(start, icpc=None, not_required=0):
    icpc_el = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return (
        f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>{icpc_el}"
        f"<ICPCnotRequired>{not_required}</ICPCnotRequired></Section47>"
    )


def plan_block(start, end=None, initial="NEG", latest="NEG", previous=0, reviews=()):
    end_el = f"<CPPendDate>{end}</CPPendDate>" if end else ""
    review_els = "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews)
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{end_el}"
        f"<InitialCategoryOfAbuse>{initial}</InitialCategoryOfAbuse>"
        f"<LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse>"
        f"<NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>"
        + (f"<Reviews>{review_els}</Reviews>" if reviews else "")
        + "</ChildProtectionPlans>"
    )


def details(referral, *, s47s="", plans="", closure=None, reason="RC7", icpc=None):
    closure_els = (
        f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>{reason}</ReasonForClosure>"
        if closure
        else ""
    )
    icpc_el = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return (
        f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
        f"<ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        f"{closure_els}{icpc_el}{s47s}<ReferralNFA>0</ReferralNFA>{plans}</CINdetails>"
    )


def ids(la_child_id, sex="F"):
    return (
        f"<LAchildID>{la_child_id}</LAchildID>"
        f"<PersonBirthDate>2015-04-02</PersonBirthDate><Sex>{sex}</Sex>"
    )


YEAR_1 = child(
    ids("K1"),
    details(
        "2023-06-01",
        s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", initial="NEG", latest="NEG", reviews=["2023-09-14"]),
    ),
)
# The next year's return: the same episode and plan, with another review, a new latest
# category and the plan's end.
YEAR_2 = child(
    ids("K1"),
    details(
        "2023-06-01",
        plans=plan_block(
            "2023-06-22", end="2024-06-20", latest="EMO",
            reviews=["2023-09-14", "2024-03-07", "2024-06-20"],
        ),
    ),
)  # fmt: skip


def test_a_file_goes_in_through_the_services(staff, census_file):
    summary = import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    k1 = Child.objects.get(la_child_id="K1")
    assert (k1.sex, k1.date_of_birth, k1.ethnicity) == ("F", date(2015, 4, 2), "WBRI")
    (s47,) = Section47.objects.filter(episode__child=k1)
    (icpc,) = ConferenceChild.objects.filter(section47=s47)
    assert (icpc.conference.kind, icpc.conference.held_on) == ("initial", date(2023, 6, 22))
    (plan,) = Plan.objects.filter(child=k1)
    assert icpc.plan == plan  # the ICPC started the plan
    assert (plan.start_date, plan.initial_category, plan.episode) == (
        date(2023, 6, 22), "NEG", s47.episode,
    )  # fmt: skip
    assert review_dates(plan) == [date(2023, 9, 14)]
    assert dict(summary.added) == {"children": 1, "episodes": 1, "section47s": 1, "icpcs": 1,
                                   "plans": 1, "reviews": 1}  # fmt: skip
    assert plan.history.first().history_user == staff.analyst


def test_importing_the_same_file_twice_changes_nothing(staff, tmp_path):
    path = tmp_path / "year.xml"
    write_synthetic_file(path, 60, seed=11)
    import_file(path, acting_user=staff.analyst)
    before = row_counts()
    again = import_file(path, acting_user=staff.analyst)
    assert row_counts() == before
    assert not again.changed
    assert again.skipped == []


def test_the_next_years_file_updates_and_extends_the_same_records(staff, census_file):
    import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    summary = import_file(census_file(message(YEAR_2, ref="2025-03-31")),
                          acting_user=staff.analyst)  # fmt: skip
    (plan,) = Plan.objects.filter(child__la_child_id="K1")
    assert (plan.end_date, plan.latest_category) == (date(2024, 6, 20), "EMO")
    assert review_dates(plan) == [date(2023, 9, 14), date(2024, 3, 7), date(2024, 6, 20)]
    assert Episode.objects.count() == 1
    assert summary.added["reviews"] == 2
    assert summary.updated["plans"] == 1
    assert summary.added["plans"] == 0


def test_an_import_collects_cycles_less_often_while_it_runs_and_as_before_after(staff, tmp_path):
    path = tmp_path / "year.xml"
    write_synthetic_file(path, 5, seed=3)
    before = gc.get_threshold()
    during = []
    import_file(
        path, acting_user=staff.analyst, findings=lambda _: during.append(gc.get_threshold())
    )
    assert (IMPORT_COLLECT_AFTER, *before[1:]) in during  # told as each child is read
    assert gc.get_threshold() == before
    with pytest.raises(CensusFileError):  # and after a file it refuses
        import_file(tmp_path / "missing.xml", acting_user=staff.analyst)
    assert gc.get_threshold() == before


def test_children_that_cannot_be_represented_are_skipped_with_a_reason(staff, census_file):
    good = child(ids("G1"), details("2023-06-01"))
    no_id = child("<Sex>M</Sex>", details("2023-06-01"))
    bad_date = child(ids("B1"), details("2021-02-30"))
    bad_category = child(ids("B2"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", initial="XXX")))  # fmt: skip
    too_long = child(ids("RND" + "0" * 40), details("2023-06-01"))
    text = message(good + no_id + bad_date + bad_category + too_long + good)
    summary = import_file(census_file(text), acting_user=staff.analyst)
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["G1"]
    assert len("RND" + "0" * 40) > MAX_LA_CHILD_ID
    reasons = {s.la_child_id: s.reason for s in summary.skipped}
    assert reasons[None] == SKIP_NO_ID
    assert "'2021-02-30' is not a real date" in reasons["B1"]
    assert "'XXX' is not a valid category of abuse" in reasons["B2"]
    assert reasons["RND" + "0" * 40] == SKIP_ID_TOO_LONG.format(
        id="RND" + "0" * 40, max=MAX_LA_CHILD_ID
    )
    duplicate = summary.skipped[-1]
    assert duplicate.reason == SKIP_DUPLICATE.format(id="G1", line=_first_line(text, "G1"))
    assert summary.findings["8905"] == 1


def _first_line(text: str, la_child_id: str) -> int:
    return text[: text.index(f"<Child><ChildIdentifiers><LAchildID>{la_child_id}")].count("\n") + 1


def test_a_skipped_child_leaves_nothing_half_written(staff, census_file):
    # The ICPC and plan go in, then the plan's end (same day as its start) is refused:
    # the whole child is rolled back.
    broken = child(ids("H1"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", end="2023-06-22")))  # fmt: skip
    summary = import_file(census_file(message(broken)), acting_user=staff.analyst)
    assert [s.la_child_id for s in summary.skipped] == ["H1"]
    assert "same day" in summary.skipped[0].reason
    assert row_counts() == {label: 0 for label in row_counts()}


HOSTILE = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&x;</LAchildID></ChildIdentifiers>
</Child></Children></Message>"""


def test_a_hostile_file_is_refused_naming_the_line_and_changes_nothing(staff, census_file):
    import_file(census_file(message(YEAR_1)), acting_user=staff.analyst)
    before = row_counts()
    with pytest.raises(CensusFileError) as refused:
        import_file(census_file(HOSTILE), acting_user=staff.analyst)
    assert refused.value.line == 2
    assert row_counts() == before


def test_a_truncated_file_is_rolled_back_whole(staff, tmp_path):
    path = tmp_path / "cut.xml"
    write_synthetic_file(path, 40, seed=5)
    text = path.read_text()
    path.write_text(text[: int(len(text) * 0.8)])  # children 1..~31 are complete
    before = row_counts()
    with pytest.raises(CensusFileError) as broken:
        import_file(path, acting_user=staff.analyst)
    assert broken.value.line and broken.value.line > 100
    assert row_counts() == before


def test_an_episode_icpc_without_an_enquiry_is_kept_on_the_episode_not_invented(staff, census_file):
    summary = import_file(census_file(message(child(ids("E1"), details(
        "2023-06-01", icpc="2023-06-22")))), acting_user=staff.analyst)  # fmt: skip
    assert summary.notes == {}
    assert Episode.objects.get(child__la_child_id="E1").icpc_date == date(2023, 6, 22)
    assert not Conference.objects.filter(kind=ConferenceKind.INITIAL).exists()


@pytest.mark.parametrize("username", ["ivy-iro", "sam-social-worker", "oli-outsider",
                                      "adam-admin"])  # fmt: skip
def test_only_census_users_may_import(staff, census_file, username):
    path = census_file(message(YEAR_1))
    with pytest.raises(CommandError) as refused:
        call_command("cin", "import", str(path), "--user", username)
    assert refused.value.returncode == 2
    assert str(refused.value) == REFUSED.format(user=username)
    assert not Child.objects.exists()


def test_the_command_prints_a_summary_and_goes_on_past_an_unreadable_file(staff, census_file):
    good = census_file(message(YEAR_1))
    hostile = census_file(HOSTILE)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("cin", "import", str(hostile), str(good), "--user", "ana-analyst",
                     stdout=out, stderr=err)  # fmt: skip
    assert failed.value.returncode == 2
    assert f"{hostile}: Line 2: the file declares a DOCTYPE" in err.getvalue()
    assert "Nothing of the file was imported." in err.getvalue()
    text = out.getvalue()
    assert "1 children read." in text
    assert "added: 1 children, 1 episodes, 1 section47s, 1 icpcs, 1 plans, 1 reviews" in text
    assert "\r" not in err.getvalue()  # no progress bar outside a terminal
    assert Child.objects.filter(la_child_id="K1").exists()


def test_the_summary_lists_skipped_children_and_findings(staff, census_file):
    text = message(child(ids("B2"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", initial="XXX"))))  # fmt: skip
    out = StringIO()
    call_command("cin", "import", str(census_file(text)), "--user", "ana-analyst", stdout=out)
    printed = out.getvalue()
    assert "skipped: 1 children" in printed
    assert "child B2: the ICPC on 2023-06-22: 'XXX' is not a valid category of abuse." in printed
    assert re.search(r"findings by rule: .*\b8905: 1\b", printed)


def test_the_community_samples_import_without_failing(staff, samples):
    for path in sorted(samples.glob("*.xml")):
        summary = import_file(path, acting_user=staff.analyst)
        assert summary.children_read >= 1
        for skipped in summary.skipped:
            assert skipped.reason  # every skip says why


def test_the_samples_children_go_in_or_are_skipped_saying_why(staff, samples):
    summary = import_file(samples / "CIN_Census_2024.xml", acting_user=staff.analyst)
    first, second = summary.skipped
    # The first's Section 47 (2 June 2022) and plan (17 February 2022) predate its referral;
    # the second's assessment predates its referral (DfE 1103): assessments are kept now,
    # so the records refuse it like any other date before the referral.
    assert first.reason == (
        "the Section 47 from 2022-06-02: The date cannot be before the referral on 6 October 2022."
    )
    assert second.reason == (
        "the assessment from 2023-12-25: The date cannot be before the referral on 24 October 2024."
    )
    assert summary.added["children"] == 0

    summary = import_file(samples / "fake_CIN_data.xml", acting_user=staff.analyst)
    assert summary.added["children"] + len(summary.skipped) == 332
    assert summary.added["children"] > 300
    # ICPC dates on episodes with no enquiry are kept on the episodes.
    assert Episode.objects.filter(icpc_date__isnull=False).count() > 300


def test_a_synthetic_year_goes_in_whole(staff, tmp_path):
    path = tmp_path / "year.xml"
    write_synthetic_file(path, 120, seed=2)
    summary = import_file(path, acting_user=staff.analyst)
    assert summary.skipped == []
    records = list(synthetic_children(120, seed=2))
    expected_plans = sum(len(ep.plans) for c in records for ep in c.episodes)
    expected_reviews = sum(len(p.review_dates) for c in records for ep in c.episodes
                           for p in ep.plans)  # fmt: skip
    assert Plan.objects.count() == expected_plans
    assert summary.added["reviews"] == expected_reviews
    assert Child.objects.count() == 120


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_on_a_terminal(staff, tmp_path):
    path = tmp_path / "year.xml"
    write_synthetic_file(path, 120, seed=3)
    err = _Terminal()
    call_command("cin", "import", str(path), "--user", "ana-analyst", stdout=StringIO(),
                 stderr=err)  # fmt: skip
    assert "\r" in err.getvalue()
    assert "100%" in err.getvalue()


def test_an_enquiry_repeated_within_a_new_child_is_recorded_once(staff, census_file):
    twice = s47_block("2023-06-05", "2023-06-22") * 2
    text = message(child(ids("R1"), details(
        "2023-06-01", s47s=twice, plans=plan_block("2023-06-22"))))  # fmt: skip
    summary = import_file(census_file(text), acting_user=staff.analyst)
    assert summary.skipped == []
    assert Section47.objects.count() == 1
    assert Conference.objects.filter(kind=ConferenceKind.INITIAL).count() == 1


@pytest.mark.parametrize(
    "written",
    ["CR&#13;&#10;LF", "Q&quot;T", "M&lt;b&gt;ARK&lt;/b&gt;", "SP ACE", "A;B", "Ŵ1"],
)
def test_an_la_child_id_with_unsafe_characters_is_skipped_with_the_reason(
    staff, census_file, written
):
    unsafe = child(ids(written), details("2023-06-01"))
    good = child(ids("S_1-a"), details("2023-06-01"))
    out = StringIO()
    path = census_file(message(unsafe + good))
    call_command("cin", "import", str(path), "--user", "ana-analyst", stdout=out)
    summary = import_file(path, acting_user=staff.analyst)
    (skipped,) = summary.skipped
    assert skipped.reason == SKIP_ID_CHARACTERS.format(
        id=skipped.la_child_id, message=LA_CHILD_ID_CHARACTERS
    )
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["S_1-a"]
    # The summary quotes the ID, so a line break in it cannot start a line of its own.
    printed = out.getvalue()
    assert f"child {skipped.la_child_id!r}: LAchildID" in printed
    assert "\r" not in printed


def test_a_file_in_another_namespace_is_refused_and_nothing_is_imported(staff, census_file):
    path = census_file(message(YEAR_1).replace("<Message>", '<Message xmlns="urn:other:cin">'))
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("cin", "import", str(path), "--user", "ana-analyst",
                     stdout=StringIO(), stderr=err)  # fmt: skip
    assert failed.value.returncode == 2
    assert "The file uses the XML namespace 'urn:other:cin'" in err.getvalue()
    assert not Child.objects.exists()
