"""Other formats of the family documents: large print, audio and Braille made from the
document's structured text, in the background, for those who may read the document."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from iro.access.models import AccessEvent, AccessLogEntry
from iro.documents import formats, sources
from iro.documents.formats import AUDIO, BRAILLE, LARGE_PRINT
from iro.documents.models import FormatRequest, FormatState
from iro.documents.structured import HEADING, LIST, from_html
from iro.journey import services
from iro.journey.models import InviteeRole
from tests.browser.conftest import SHOTS
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


HEADINGS = ("Why there is a plan", "What we are worried about", "What is working well",
            "What needs to happen", "Who is helping", "Who to talk to")  # fmt: skip


def ask(client, user, plan, fmt):
    client.force_login(user)
    return client.post(
        reverse("format_request_new"),
        {"kind": "family_plan", "plan": str(plan.public_id), "format": fmt},
    )


def made(client, user, plan, fmt) -> tuple[FormatRequest, bytes]:
    """Ask for the format on the page, then download it, as ``user``."""
    response = ask(client, user, plan, fmt)
    assert response.status_code == 302, response.content.decode()[:500]
    job = FormatRequest.objects.get(requested_by=user, format=fmt)
    assert response["Location"] == reverse("format_request", args=[job.public_id])
    assert job.state == FormatState.DONE, job.error
    download = client.get(reverse("format_request_download", args=[job.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == formats.FORMAT_FILES[fmt][1]
    return job, download.content


def family_plan_text(user, plan):
    return sources.find(user, "family_plan", {"plan": str(plan.public_id)}).structured()


def test_the_family_plan_reads_into_headings_paragraphs_and_lists(staff, plan):
    text = family_plan_text(staff.social_worker, plan)
    assert text.title == "Quilla's child protection plan"
    assert text.language == "en-GB"
    assert [h for h in text.headings if h in HEADINGS] == list(HEADINGS)
    lists = [item for block in text.blocks if block.kind == LIST for item in block.items]
    assert "What: Walk Quilla to school each morning. Who: Mum. By when: 19 July 2024." in (
        " ".join(lists)
    )
    assert any(item.startswith("Fern Oakley, school") for item in lists)
    assert not any(b.kind == HEADING and b.text == text.title for b in text.blocks)


def test_skipped_parts_of_a_page_are_left_out_of_the_structured_text():
    html = (
        '<html lang="cy"><body><nav>Menu</nav><main><h1>Title</h1>'
        '<p class="iro-no-print">Print this page</p><p>Kept<br>words</p>'
        '<p>Seen <span class="govuk-visually-hidden">hidden</span>here</p></main></body></html>'
    )
    text = from_html(html)
    assert text.title == "Title" and text.language == "cy"
    assert [b.text for b in text.blocks] == ["Kept\nwords", "Seen here"]


def test_an_address_keeps_its_lines_in_large_print_and_runs_on_in_braille():
    html = (
        '<html lang="en-GB"><main><h1>Letter</h1>'
        "<p>Agnieszka Pikecote<br>Flat 3, 12 Mill Lane<br>Elmstead EL4 2QT</p></main></html>"
    )
    text = from_html(html)
    assert "Agnieszka Pikecote<br>Flat 3, 12 Mill Lane<br>Elmstead EL4 2QT" in (
        formats.large_print_html(text)
    )
    assert formats._one_line(text.blocks[0].text) == (
        "Agnieszka Pikecote Flat 3, 12 Mill Lane Elmstead EL4 2QT"
    )


def test_the_braille_file_keeps_to_40_cells_and_25_lines_and_reads_back(client, staff, plan):
    job, content = made(client, staff.social_worker, plan, BRAILLE)
    assert job.file_name.endswith("-braille.brf")
    brf = content.decode("ascii")
    pages = brf.split("\f")
    assert len(pages) >= 2, "the plan runs over more than one Braille page"
    for number, page in enumerate(pages, start=1):
        lines = page.split("\r\n")
        if lines[-1] == "":
            lines = lines[:-1]
        assert len(lines) <= formats.LINES, f"page {number} has {len(lines)} lines"
        for line in lines:
            assert len(line) <= formats.CELLS, f"page {number}: {line!r} is {len(line)} cells"
            assert all(32 <= ord(c) < 127 for c in line), line
        assert lines[-1].strip() == formats._page_number(number)
    words = formats.back_translate(brf).lower()
    for heading in HEADINGS:
        assert heading.lower() in words, heading
    assert "quilla" in words and "walk quilla to school each morning" in words


def test_a_braille_heading_is_never_the_last_line_of_a_page(staff, plan):
    text = family_plan_text(staff.social_worker, plan)
    brf = formats.braille(text).decode("ascii")
    headings = set(formats._translate(text.headings, formats._table_list(text)))
    for page in brf.split("\f"):
        body = [line for line in page.split("\r\n")[: formats.LINES - 1] if line.strip()]
        assert body[-1] not in headings


def ogg_playing_seconds(content: bytes, tmp_path) -> float:
    """The length ogginfo reports (vorbis-tools), checking the file is valid Ogg."""
    path = tmp_path / "plan.ogg"
    path.write_bytes(content)
    info = subprocess.run(["ogginfo", str(path)], capture_output=True, text=True)
    assert info.returncode == 0, info.stdout + info.stderr
    minutes, seconds = re.search(r"Playback length: (\d+)m:([\d.]+)s", info.stdout).groups()
    return int(minutes) * 60 + float(seconds)


@pytest.mark.skipif(not shutil.which("ogginfo"), reason="ogginfo (vorbis-tools) is missing")
def test_the_audio_is_ogg_vorbis_as_long_as_its_words_take_to_say(client, staff, plan, tmp_path):
    job, content = made(client, staff.social_worker, plan, AUDIO)
    assert content.startswith(b"OggS") and b"\x01vorbis" in content
    seconds = ogg_playing_seconds(content, tmp_path)
    assert seconds == pytest.approx(formats.ogg_seconds(content), abs=0.05)
    assert job.seconds == pytest.approx(seconds, abs=0.05)
    text = family_plan_text(staff.social_worker, plan)
    words = text.words + len(text.title.split())
    per_minute = words / (seconds / 60)
    assert 100 <= per_minute <= 250, f"{words} words in {seconds:.1f}s: {per_minute:.0f} a minute"


def test_the_audio_pauses_at_each_heading(staff, plan):
    text = family_plan_text(staff.social_worker, plan)
    sections = text.sections()
    ssml = formats._ssml(sections[1], "en-GB")
    assert ssml.startswith('<speak xml:lang="en-GB"><break time="700ms"/> Why there is a plan.')
    assert '<break time="900ms"/>' in ssml


def font_sizes_in_points(pdf: bytes) -> set[float]:
    """Every font size the PDF's pages set (Tf), in points: WeasyPrint draws in CSS
    pixels under a 0.75 scale."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    content = b"".join(streams)
    assert b"0.75 0 0 0.75 0 0 cm" in content
    return {float(size) * 0.75 for size in re.findall(rb"/\w+ ([\d.]+) Tf", content)}


def page_lines(pdf_path: Path) -> list[list[tuple[float, float, float, float]]]:
    """Each page's text lines as (x0, y0, x1, y1), from pdftotext's layout."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf_path), "-"], capture_output=True, text=True
    ).stdout
    pages = []
    for page in layout.split("<page ")[1:]:
        pages.append([
            tuple(float(v) for v in m)
            for m in re.findall(
                r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page
            )
        ])  # fmt: skip
    return pages


def test_the_large_print_pdf_is_18_point_and_more_in_one_column(client, staff, plan, tmp_path):
    _, content = made(client, staff.social_worker, plan, LARGE_PRINT)
    assert content.startswith(b"%PDF-") and b"/StructTreeRoot" in zlib_all(content)
    sizes = font_sizes_in_points(content)
    assert min(sizes) >= 18, sorted(sizes)
    assert max(sizes) >= 24, "headings are larger than the body"
    path = tmp_path / "plan-large-print.pdf"
    path.write_bytes(content)
    pages = page_lines(path)
    assert len(pages) >= 2
    for lines in pages:
        ordered = sorted(lines, key=lambda line: line[1])
        for above, below in itertools.pairwise(ordered):
            assert below[1] >= above[3] - 0.5, "two lines side by side: not one column"
    shot(content, "family-plan-large-print")


def shot(pdf: bytes, name: str) -> None:
    """The PDF's pages as PNGs at 60 dpi in the screenshots folder, for a person to see."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(SHOTS / f"{name}.pdf"), str(SHOTS / name)],
        check=True,
    )


def zlib_all(pdf: bytes) -> bytes:
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(out)


def test_a_download_is_logged_as_an_export_of_the_childs_record(client, staff, plan):
    job, _ = made(client, staff.social_worker, plan, BRAILLE)
    logged = AccessLogEntry.objects.filter(
        user=staff.social_worker,
        event=AccessEvent.EXPORTED,
        what="the plan for the family (braille)",
    )
    assert logged.filter(child=plan.child).count() == 1
    detail = logged.get(child=None).detail
    assert detail == {"request": str(job.public_id), "plan": str(plan.public_id)}


def test_a_missing_program_makes_its_format_unavailable_and_the_page_says_why(
    client, staff, plan, settings
):
    settings.IRO_FORMAT_PROGRAMS = {"espeak-ng": "/nowhere/espeak-ng"}
    why = formats.availability(AUDIO, "en-GB").why
    assert why == (
        "Audio is not available: the program espeak-ng is not installed on this server "
        "(Debian package espeak-ng). Ask the administrator to install it."
    )
    client.force_login(staff.social_worker)
    page = client.get(reverse("plan_detail", args=[plan.public_id])).content.decode()
    assert "Audio: unavailable." in page and why in page
    assert "Make it in Braille" in page and "Make it in large print" in page
    refused = ask(client, staff.social_worker, plan, AUDIO)
    assert refused.status_code == 200
    assert why in refused.content.decode() and "govuk-error-summary" in refused.content.decode()
    assert not FormatRequest.objects.exists()


def test_missing_braille_tables_and_voices_are_said_by_language(settings, tmp_path):
    assert formats.availability(BRAILLE, "cy").available
    assert formats.availability(AUDIO, "cy").available
    assert formats.availability(AUDIO, "xx").why == (
        "Audio is not available in xx: espeak-ng has no voice for it."
    )
    assert formats.availability(BRAILLE, "xx").why == (
        "Braille is not available in xx: liblouis has no table for it."
    )
    settings.IRO_LIBLOUIS_TABLES = str(tmp_path)
    assert "liblouis's tables are not in" in formats.availability(BRAILLE, "en-GB").why
    settings.IRO_FORMAT_PROGRAMS = {"lou_translate": "/nowhere/lou_translate"}
    assert "lou_translate is not installed" in formats.availability(BRAILLE, "en-GB").why


def test_every_family_language_has_its_voice_and_braille_table_or_says_why():
    for code, language in formats.LANGUAGES.items():
        for fmt in (AUDIO, BRAILLE):
            found = formats.availability(fmt, code)
            assert found.available or language.name in found.why, (code, fmt, found.why)


def test_a_social_worker_of_another_team_is_refused_the_formats(client, staff, plan):
    assert ask(client, staff.outsider, plan, BRAILLE).status_code == 403
    assert ask(client, staff.analyst, plan, BRAILLE).status_code == 403  # no names
    assert not FormatRequest.objects.exists()
    job, _ = made(client, staff.social_worker, plan, BRAILLE)
    for url in ("format_request", "format_request_download"):
        client.force_login(staff.outsider)
        assert client.get(reverse(url, args=[job.public_id])).status_code == 404
    page = client.get(reverse("plan_detail", args=[plan.public_id]))
    assert page.status_code == 403


def test_a_request_whose_access_is_gone_is_not_handed_over(client, staff, plan):
    job, _ = made(client, staff.social_worker, plan, BRAILLE)
    staff.social_worker.team = staff.other_team
    staff.social_worker.save()
    client.force_login(staff.social_worker)
    assert client.get(reverse("format_request_download", args=[job.public_id])).status_code == 403


def test_a_request_being_made_shows_its_progress(client, staff, plan):
    job = FormatRequest.objects.create(
        kind="family_plan", document={"plan": str(plan.public_id)}, key="x", format=AUDIO,
        title="Quilla's child protection plan", requested_by=staff.social_worker,
        state=FormatState.RUNNING, progress=40,
    )  # fmt: skip
    client.force_login(staff.social_worker)
    page = client.get(reverse("format_request", args=[job.public_id])).content.decode()
    assert 'value="40"' in page and "40% made." in page
    assert "documents/format-progress.js" in page and "<script>" not in page
    polled = client.get(reverse("format_request", args=[job.public_id]) + "?progress").json()
    assert polled == {"state": "running", "finished": False, "percent": 40}


def test_the_invitation_letter_comes_in_braille_for_the_coordinator(client, staff):
    conference = book_icpc(staff, sibling_group(staff))
    invitation = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    document = {"conference": str(conference.public_id), "invitation": str(invitation.pk)}
    text = sources.find(staff.coordinator, "letter", document).structured()
    assert text.title == "An invitation to a meeting about Wren and Alder"
    assert "When and where" in text.headings and "Before the meeting" in text.headings
    assert not any("Print this page" in b.text for b in text.blocks)
    client.force_login(staff.coordinator)
    letter = reverse("conference_invitation_letter", args=[conference.public_id, invitation.pk])
    assert "Make it in Braille" in client.get(letter).content.decode()
    response = client.post(
        reverse("format_request_new"), {"kind": "letter", **document, "format": BRAILLE}
    )
    job = FormatRequest.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])
    assert job.state == FormatState.DONE, job.error
    assert "when and where" in formats.back_translate(bytes(job.content).decode()).lower()
    client.force_login(staff.outsider)
    assert client.post(
        reverse("format_request_new"), {"kind": "letter", **document, "format": BRAILLE}
    ).status_code in (403, 404)


def test_the_annual_report_summary_comes_in_large_print_for_report_readers(client, staff):
    from tests.reports.conftest import YEAR, build_authority

    with time_machine.travel(date(2026, 12, 2), tick=False):
        build_authority(staff, 2)
        document = {"year": YEAR.label}
        text = sources.find(staff.analyst, "annual_summary", document).structured()
        assert text.title == f"Annual report summary {YEAR.label}"
        assert len(text.headings) >= 6 and text.words > 300
        client.force_login(staff.analyst)
        summary_page = client.get(reverse("report_summary", args=[YEAR.label])).content.decode()
        assert "Make it in large print" in summary_page
        response = client.post(
            reverse("format_request_new"),
            {"kind": "annual_summary", **document, "format": LARGE_PRINT},
        )
        job = FormatRequest.objects.get(requested_by=staff.analyst)
        assert response["Location"] == reverse("format_request", args=[job.public_id])
        assert job.state == FormatState.DONE, job.error
        assert job.file_name == f"iro-annual-report-summary-{YEAR.label}-large-print.pdf"
        assert min(font_sizes_in_points(bytes(job.content))) >= 18
        shot(bytes(job.content), "annual-summary-large-print")
        # The coordinator does not read reports: refused, and nothing kept.
        client.force_login(staff.coordinator)
        refused = client.post(
            reverse("format_request_new"),
            {"kind": "annual_summary", **document, "format": LARGE_PRINT},
        )
        assert refused.status_code == 403
        assert FormatRequest.objects.count() == 1


def test_the_large_print_runs_right_to_left_in_arabic_and_urdu():
    arabic = from_html('<html lang="ar"><main><h1>خطة</h1><p>نص</p></main></html>')
    assert 'dir="rtl"' in formats.large_print_html(arabic)
    assert 'dir="ltr"' in formats.large_print_html(from_html("<main><h1>Plan</h1></main>"))


def test_a_request_the_worker_never_finished_says_it_stopped(client, staff, plan):
    job = FormatRequest.objects.create(
        kind="family_plan", document={"plan": str(plan.public_id)}, key="x", format=BRAILLE,
        title="Quilla's child protection plan", requested_by=staff.social_worker,
        queued_at=timezone.now() - timedelta(minutes=31),
    )  # fmt: skip
    client.force_login(staff.social_worker)
    page = client.get(reverse("format_request", args=[job.public_id])).content.decode()
    assert "has not finished 30 minutes after it was asked for" in page
    assert "format-progress.js" not in page
    FormatRequest.objects.filter(pk=job.pk).update(queued_at=timezone.now())
    page = client.get(reverse("format_request", args=[job.public_id])).content.decode()
    assert "has not finished" not in page and "Waiting for the worker to start it." in page


@pytest.mark.parametrize("language", ["cy", "ar", "pl", "fr", "de"])
def test_braille_in_another_language_uses_its_table_within_40_by_25(language):
    html = (
        f'<html lang="{language}"><main><h1>Plan</h1>'
        + "<h2>Un deux trois</h2><p>"
        + " ".join(["Llais, صوت, głos, voix, Stimme."] * 60)
        + "</p></main></html>"
    )
    text = from_html(html)
    brf = formats.produce(BRAILLE, text).decode("ascii")
    pages = brf.split("\f")
    assert len(pages) >= 2
    for page in pages:
        lines = page.rstrip("\r\n").split("\r\n")
        assert len(lines) <= formats.LINES and max(len(line) for line in lines) <= formats.CELLS


@pytest.mark.parametrize("language", ["cy", "pl", "ur"])
def test_audio_in_another_language_uses_its_voice(language):
    text = from_html(f'<html lang="{language}"><main><h1>Plan</h1><p>Un dau tri</p></main></html>')
    sound = formats.produce(AUDIO, text)
    assert sound.startswith(b"OggS") and 0.5 < formats.ogg_seconds(sound) < 10


def test_a_table_row_reads_each_cell_after_its_column_heading():
    text = from_html(
        "<main><h1>Figures</h1><table><caption>Children</caption><thead><tr><th></th>"
        "<th>2018-19</th><th>2017-18</th></tr></thead><tbody><tr><th>Plans started</th>"
        "<td>2</td><td>0</td></tr></tbody></table></main>"
    )
    assert [(b.text, b.items) for b in text.blocks] == [
        ("Children", ()),
        ("", ("Plans started. 2018-19: 2. 2017-18: 0",)),
    ]
