"""The census returns page: the analyst checks the records of a year, makes the year's
return, reads what the DfE rules find and downloads both; every other role is refused,
no one sees another's, and no page or download names a child."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from iro.access.models import AccessEvent, AccessLogEntry
from iro.census import returns
from iro.census.export import NO_CHILDREN
from iro.census.models import CensusReturn, ReturnKind, ReturnState
from iro.census.reader import CensusStream
from iro.census.report import CSV_COLUMNS
from iro.journey.models import ConferenceKind, Decision
from iro.people.models import Role
from tests.census.authority import small_authority
from tests.factories import UserFactory, hold_conference, make_staff

pytestmark = pytest.mark.django_db

# Three months after the 2023-24 census year: its return can be made; 2024-25 runs.
TODAY = date(2024, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def authority(staff):
    records = small_authority(staff)
    # A review on the day the plan started breaks rule 8841.
    hold_conference(
        kind=ConferenceKind.REVIEW, chair=staff.iro, held_on=records.plan.start_date,
        children=[(records.child, {"plan": records.plan, "decision": Decision.CONTINUE})],
    )  # fmt: skip
    return records


def ask(client, kind: str, period: str, lea: str = ""):
    return client.post(reverse("census_returns"), {"kind": kind, "period": period, "lea": lea})


def page_of(client, job: CensusReturn) -> str:
    url = reverse("census_return", kwargs={"public_id": job.public_id})
    return client.get(url).content.decode()


def test_the_analyst_checks_the_records_of_a_year_and_reads_the_findings(client, staff, authority):
    client.force_login(staff.analyst)
    response = ask(client, "check", "2023-24")
    job = CensusReturn.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("census_return", kwargs={"public_id": job.public_id})
    assert (job.kind, job.state, job.as_at, job.children) == (
        ReturnKind.CHECK, ReturnState.DONE, date(2024, 3, 31), 5
    )  # fmt: skip
    page = page_of(client, job)
    assert "Records checked" in page
    assert ">8841</th>" in page
    link = reverse("child_journey", kwargs={"public_id": authority.child.public_id})
    assert f'<a class="govuk-link" href="{link}">A001</a>' in page
    assert ">Line</th>" not in page  # records checked have no file lines
    assert "Download the return" not in page
    # The same findings as the command line's check of the records.
    found = []
    returns.check_records(user=staff.analyst, period=_year("2023-24"), add=found.extend)
    assert job.findings_count == len(found)
    assert AccessLogEntry.objects.filter(
        user=staff.analyst, what="CIN census validation 2023-24", child=authority.child
    ).exists()
    listing = client.get(reverse("census_returns")).content.decode()
    assert "A check of the records, 2023-24" in listing and "Ready" in listing


def test_a_year_in_progress_is_checked_to_today(client, staff, authority):
    client.force_login(staff.analyst)
    ask(client, "check", "2024-25")
    job = CensusReturn.objects.get()
    assert (job.state, job.as_at) == (ReturnState.DONE, TODAY)
    page = page_of(client, job)
    assert "2024-25 to date" in page
    assert "checked as if it ended that day" in page


def test_the_return_of_a_year_in_progress_is_refused_saying_when_it_can_be_made(
    client, staff, authority
):
    client.force_login(staff.analyst)
    response = ask(client, "return", "2024-25")
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "The 2024-25 census year runs to 31 March 2025, so its return can be made from " \
        "1 April 2025" in text  # fmt: skip
    assert not CensusReturn.objects.exists()


def test_the_analyst_makes_the_return_and_downloads_it(client, staff, authority, tmp_path):
    client.force_login(staff.analyst)
    ask(client, "return", "2023-24", lea="999")
    job = CensusReturn.objects.get()
    assert job.state == ReturnState.DONE
    page = page_of(client, job)
    assert "Return made" in page and "Download the return (cin-2023-24-999.xml)" in page
    assert ">8841</th>" in page  # the return read back through the rules
    download = client.get(reverse("census_return_download", kwargs={"public_id": job.public_id}))
    assert download["Content-Disposition"] == 'attachment; filename="cin-2023-24-999.xml"'
    assert download.streaming  # unpacked a chunk at a time as it is sent
    content = b"".join(download.streaming_content)
    assert int(download["Content-Length"]) == len(content)
    path = tmp_path / "return.xml"
    path.write_bytes(content)
    stream = CensusStream(path)
    assert (stream.header.lea, stream.header.reference_date) == ("999", date(2024, 3, 31))
    assert len(list(stream.children())) == job.children == 5
    made = AccessLogEntry.objects.filter(what="CIN census return 2023-24", user=staff.analyst)
    assert made.filter(child__isnull=False).count() == 5  # a row per child, when made
    assert AccessLogEntry.objects.filter(
        what="CIN census return 2023-24 downloaded", event=AccessEvent.EXPORTED
    ).exists()


@pytest.mark.parametrize(("kind", "number", "first_column"), [
    ("annex_a_5", "5", "Child unique ID"), ("annex_a_7", "7", "Child unique ID"),
])  # fmt: skip
def test_the_analyst_makes_an_annex_a_list_and_downloads_it_naming_no_child(
    client, staff, authority, kind, number, first_column
):
    from openpyxl import load_workbook

    child = authority.child
    child.first_name, child.last_name = "Zephyrine", "Quillfeather"
    child.save(update_fields=["first_name", "last_name"])
    client.force_login(staff.analyst)
    ask(client, kind, "2023-24")
    job = CensusReturn.objects.get()
    assert (job.kind, job.state) == (kind, ReturnState.DONE) and job.children > 0
    page = page_of(client, job)
    name = f"annex-a-list-{number}-2023-24.xlsx"
    assert "List made" in page and f"Download the list ({name})" in page
    download = client.get(reverse("census_return_download", kwargs={"public_id": job.public_id}))
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert first_column in rows[0] or first_column in rows[1]
    assert job.children == len([r for r in rows if r and r[0] and str(r[0]).startswith("A0")])
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert "Zephyrine" not in text and "Quillfeather" not in text
    assert AccessLogEntry.objects.filter(
        what=f"Annex A list {number} 2023-24 downloaded", event=AccessEvent.EXPORTED
    ).exists()
    listed = client.get(reverse("census_returns")).text
    assert f"{job.children} row" in listed
    client.force_login(staff.social_worker)  # who may not make returns is refused
    url = reverse("census_return_download", kwargs={"public_id": job.public_id})
    assert client.get(url).status_code == 403


def test_an_annex_a_list_of_the_year_in_progress_is_made_to_today(client, staff, authority):
    client.force_login(staff.analyst)
    ask(client, "annex_a_7", "2024-25")
    job = CensusReturn.objects.get()
    assert (job.state, job.as_at) == (ReturnState.DONE, TODAY)
    assert "to date" in page_of(client, job)


def test_the_findings_download_as_csv_and_as_a_spreadsheet(client, staff, authority):
    client.force_login(staff.analyst)
    ask(client, "check", "2023-24")
    job = CensusReturn.objects.get()
    url = reverse("census_return_findings", kwargs={"public_id": job.public_id, "fmt": "csv"})
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == job.findings_count + 1
    assert any(row[0] == "8841" and row[2] == "A001" for row in rows)
    sheet = client.get(url.replace(".csv", ".xlsx"))
    assert sheet["Content-Disposition"] == 'attachment; filename="cin-2023-24-check-findings.xlsx"'
    assert AccessLogEntry.objects.filter(what="census check findings (2023-24, csv)").exists()


def test_no_page_or_download_names_a_child(client, staff, authority):
    child = authority.child
    child.first_name, child.last_name = "Zephyrine", "Quillfeather"  # in no page's words
    child.save(update_fields=["first_name", "last_name"])
    client.force_login(staff.analyst)
    ask(client, "return", "2023-24")
    job = CensusReturn.objects.get()
    texts = [
        page_of(client, job),
        client.get(reverse("census_returns")).content.decode(),
        client.get(
            reverse("census_return_findings", kwargs={"public_id": job.public_id, "fmt": "csv"})
        ).content.decode(),
        b"".join(
            client.get(
                reverse("census_return_download", kwargs={"public_id": job.public_id})
            ).streaming_content
        ).decode(),
    ]
    for text in texts:
        assert child.first_name not in text and child.last_name not in text


@pytest.mark.parametrize(
    ("kind", "period", "lea", "field_words"),
    [
        ("", "2023-24", "", returns.NO_KIND),
        ("check", "1999-00", "", "Choose one of the census years listed."),
        ("return", "2023-24", "12x", returns.BAD_LEA),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_kept(
    client, staff, kind, period, lea, field_words
):
    client.force_login(staff.analyst)
    response = ask(client, kind, period, lea)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text and field_words in text
    assert not CensusReturn.objects.exists()


def test_a_year_with_no_children_is_not_made_and_the_page_says_why(client, staff):
    client.force_login(staff.analyst)
    ask(client, "return", "2019-20")
    job = CensusReturn.objects.get()
    assert job.state == ReturnState.FAILED
    page = page_of(client, job)
    assert "The return was not made" in page
    assert NO_CHILDREN.format(period="2019-20") in page


def test_an_unexpected_error_is_shown_as_not_made(client, staff, authority, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(returns, "write_return", broken)
    client.force_login(staff.analyst)
    ask(client, "return", "2023-24")
    job = CensusReturn.objects.get()
    assert job.state == ReturnState.FAILED
    assert job.error == returns.STOPPED.format(what="The census return")
    assert "disk on fire" not in page_of(client, job)


def test_the_page_polls_until_it_is_finished(client, staff, authority):
    client.force_login(staff.analyst)
    ask(client, "check", "2023-24")
    job = CensusReturn.objects.get()
    url = reverse("census_return", kwargs={"public_id": job.public_id}) + "?progress"
    assert client.get(url).json()["finished"] is True


def test_other_roles_are_refused_and_no_one_sees_another_analysts(client, staff, authority):
    client.force_login(staff.analyst)
    ask(client, "return", "2023-24")
    job = CensusReturn.objects.get()
    urls = [
        reverse("census_return", kwargs={"public_id": job.public_id}),
        reverse("census_return_download", kwargs={"public_id": job.public_id}),
        reverse("census_return_findings", kwargs={"public_id": job.public_id, "fmt": "csv"}),
    ]
    client.force_login(staff.iro)
    assert client.get(reverse("census_returns")).status_code == 403
    assert ask(client, "check", "2023-24").status_code == 403
    assert all(client.get(url).status_code == 403 for url in urls)
    with pytest.raises(PermissionDenied):
        returns.ask(user=staff.iro, kind="check", period="2023-24")
    client.force_login(UserFactory(username="al-analyst", role=Role.ANALYST))
    assert all(client.get(url).status_code == 404 for url in urls)
    listing = client.get(reverse("census_returns")).content.decode()
    assert "The census return, 2023-24" not in listing and "Nothing yet" in listing
    assert CensusReturn.objects.count() == 1


def _year(label: str):
    from iro.timescales import ANNUAL, parse_period

    return parse_period(ANNUAL, label)


def test_a_made_return_is_kept_for_its_download_then_dropped(client, staff, authority, settings):
    settings.IRO_CENSUS_RETURN_KEEP_DAYS = 30
    client.force_login(staff.analyst)
    ask(client, "return", "2023-24")
    job = CensusReturn.objects.get()
    assert "kept for you until 31 July 2024" in page_of(client, job)
    download = reverse("census_return_download", kwargs={"public_id": job.public_id})
    made = CensusReturn.objects.filter(pk=job.pk)
    made.update(finished_at=job.finished_at - timedelta(days=30))  # made 30 days ago: kept
    assert client.get(download).status_code == 200
    made.update(finished_at=job.finished_at - timedelta(days=30, seconds=1))
    page = page_of(client, job)  # reading the page drops what is past its keeping
    assert "The file was dropped on 1 July 2024" in page
    assert "Download the return" not in page
    assert client.get(download).status_code == 404
    job.refresh_from_db()
    assert job.content is None and job.findings_count > 0  # the findings stay


def test_a_kept_return_is_unpacked_a_chunk_at_a_time_with_its_size_known_before():
    xml = b"<Message>" + b"<Child/>" * 40_000 + b"</Message>"  # 320 KB, five chunks
    kept = returns.Download(gzip.compress(xml))
    chunks = list(kept.chunks())
    assert kept.size == len(xml)
    assert len(chunks) == 5 and max(map(len, chunks)) == returns.Download.CHUNK
    assert b"".join(chunks) == kept.read() == xml


def test_the_census_address_opens_the_returns_for_those_who_make_them_and_no_one_else(
    client, staff
):
    client.force_login(staff.analyst)
    response = client.get("/census/")
    assert (response.status_code, response.url) == (302, reverse("census_returns"))
    client.force_login(staff.iro)
    assert client.get("/census/").status_code == 403


def test_the_census_address_answers_head_and_the_imports_page_only_get_and_post(client, staff):
    client.force_login(staff.analyst)
    assert client.head("/census/").status_code == 302
    assert client.post("/census/").status_code == 405
    assert client.put(reverse("census_imports")).status_code == 405
