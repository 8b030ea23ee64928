"""Other formats of a family document, each made from its structured text
(``structured.StructuredText``): large print (a tagged PDF at 18 point or more, reflowed
in one column), audio (espeak-ng, encoded to Ogg Vorbis by oggenc, headings read as
pauses) and Braille (liblouis, a .brf of 40 cells by 25 lines).

What each needs from the machine is asked by ``availability``: a program that is not
installed, or a language with no voice or no Braille table, makes that format
unavailable with a sentence saying why (never a traceback). The programs and the table
folder come from settings (``IRO_FORMAT_PROGRAMS``, ``IRO_LIBLOUIS_TABLES``), so a
machine without one can be described, and tested, by configuration.

A producer takes the structured text and a ``progress`` callable (told a whole percent
as it goes) and returns the file's bytes; ``FormatError`` says why one could not be made.
"""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import tempfile
import textwrap
import wave
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from iro.documents.structured import HEADING, LIST, StructuredText

LARGE_PRINT = "large_print"
AUDIO = "audio"
BRAILLE = "braille"

FORMAT_NAMES = {LARGE_PRINT: "Large print", AUDIO: "Audio", BRAILLE: "Braille"}
# In a sentence ("Make it in Braille").
FORMAT_WORDS = {LARGE_PRINT: "large print", AUDIO: "audio", BRAILLE: "Braille"}
FORMAT_FILES = {
    LARGE_PRINT: ("pdf", "application/pdf"),
    AUDIO: ("ogg", "audio/ogg"),
    BRAILLE: ("brf", "application/x-brf"),
}
FORMAT_DESCRIPTIONS = {
    LARGE_PRINT: "a PDF in 18 point type and larger, in one column",
    AUDIO: "an Ogg Vorbis sound file read aloud, with a pause at each heading",
    BRAILLE: "a Braille file (.brf, 40 cells by 25 lines) for an embosser or Braille display",
}

DEFAULT_PROGRAMS = {"espeak-ng": "espeak-ng", "oggenc": "oggenc", "lou_translate": "lou_translate"}
PACKAGES = {"espeak-ng": "espeak-ng", "oggenc": "vorbis-tools", "lou_translate": "liblouis-bin"}
DEFAULT_TABLES = "/usr/share/liblouis/tables"
# liblouis's display table for North American ASCII Braille, the characters of a .brf.
BRF_DISPLAY = "en-us-brf.dis"

# Braille pages: 40 cells by 25 lines, the last line holding the page number.
CELLS = 40
LINES = 25

# Speech: words a minute, and the pauses (milliseconds) before and after a heading.
SPEECH_RATE = 160
PAUSE_BEFORE_HEADING = 700
PAUSE_AFTER_HEADING = 900
PAUSE_BETWEEN_BLOCKS = 400

# Long documents are made section by section; a program gets this long (seconds) for one.
PROGRAM_TIMEOUT = 120


@dataclass(frozen=True)
class Language:
    name: str  # in English, for the staff page
    voice: str | None  # espeak-ng's voice
    table: str | None  # liblouis's table


# The family documents' languages (issue 12), by the code in the document's lang.
LANGUAGES = {
    "en": Language("English", "en-gb", "en-ueb-g2.ctb"),
    "ar": Language("Arabic", "ar", "ar-ar-g1.utb"),
    "bn": Language("Bengali", "bn", "bn.tbl"),
    "zh-hans": Language("Chinese (simplified)", "cmn", "zhcn-g1.ctb"),
    "fr": Language("French", "fr-fr", "fr-bfu-g2.ctb"),
    "de": Language("German", "de", "de-g2.ctb"),
    "hi": Language("Hindi", "hi", "hi-in-g1.utb"),
    "ms": Language("Malay", "ms", "ms-my-g2.ctb"),
    "pl": Language("Polish", "pl", "Pl-Pl-g1.utb"),
    "pa": Language("Punjabi", "pa", "pa.tbl"),
    "es": Language("Spanish", "es", "es-g2.ctb"),
    "tr": Language("Turkish", "tr", "tr-g2.ctb"),
    "ur": Language("Urdu", "ur", "ur-pk-g1.utb"),
    "cy": Language("Welsh", "cy", "cy-cy-g2.ctb"),
}


def language_of(code: str) -> tuple[str, Language | None]:
    """The language for a lang code: en-GB is English, zh-Hans Chinese (simplified)."""
    code = (code or "en").lower().replace("_", "-")
    if code in LANGUAGES:
        return code, LANGUAGES[code]
    if code.startswith("zh"):
        return "zh-hans", LANGUAGES["zh-hans"]
    base = code.split("-")[0]
    return base, LANGUAGES.get(base)


class FormatError(Exception):
    """A format could not be made; the message says why, for the page."""


@dataclass(frozen=True)
class Availability:
    format: str
    available: bool
    why: str = ""

    @property
    def name(self) -> str:
        return FORMAT_NAMES[self.format]

    @property
    def words(self) -> str:
        return FORMAT_WORDS[self.format]

    @property
    def description(self) -> str:
        return FORMAT_DESCRIPTIONS[self.format]


def program(name: str) -> str | None:
    """The path of one of the programs, or None where it is not installed."""
    configured = {**DEFAULT_PROGRAMS, **getattr(settings, "IRO_FORMAT_PROGRAMS", {})}
    return shutil.which(configured[name])


def tables_folder() -> Path:
    return Path(getattr(settings, "IRO_LIBLOUIS_TABLES", DEFAULT_TABLES))


def _missing(fmt: str, name: str) -> Availability:
    return Availability(
        fmt,
        False,
        f"{FORMAT_NAMES[fmt]} is not available: the program {name} is not installed on "
        f"this server (Debian package {PACKAGES[name]}). Ask the administrator to install it.",
    )


@lru_cache(maxsize=8)
def _voices(espeak: str) -> frozenset[str]:
    try:
        listed = subprocess.run(  # noqa: S603 - our arguments, no shell
            [espeak, "--voices"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.split()[1] for line in listed.splitlines()[1:] if len(line.split()) > 1)


def availability(fmt: str, language_code: str) -> Availability:
    """Whether ``fmt`` can be made here for a document in ``language_code``, and why not."""
    _, language = language_of(language_code)
    named = language.name if language else language_code
    if fmt == LARGE_PRINT:
        return Availability(fmt, True)
    if fmt == AUDIO:
        for name in ("espeak-ng", "oggenc"):
            if program(name) is None:
                return _missing(fmt, name)
        if language is None or language.voice not in _voices(program("espeak-ng")):
            return Availability(
                fmt, False, f"Audio is not available in {named}: espeak-ng has no voice for it."
            )
        return Availability(fmt, True)
    if fmt == BRAILLE:
        if program("lou_translate") is None:
            return _missing(fmt, "lou_translate")
        folder = tables_folder()
        if not (folder / BRF_DISPLAY).is_file():
            return Availability(
                fmt,
                False,
                f"Braille is not available: liblouis's tables are not in {folder} "
                "(Debian package liblouis-data).",
            )
        if language is None or not language.table or not (folder / language.table).is_file():
            return Availability(
                fmt, False, f"Braille is not available in {named}: liblouis has no table for it."
            )
        return Availability(fmt, True)
    raise ValueError(f"No such format: {fmt}")


def every_availability(language_code: str) -> list[Availability]:
    return [availability(fmt, language_code) for fmt in FORMAT_NAMES]


Progress = Callable[[int], None]


def _quiet(_: int) -> None:
    return None


def produce(fmt: str, text: StructuredText, progress: Progress = _quiet) -> bytes:
    """The document in ``fmt``; FormatError when it cannot be made here."""
    found = availability(fmt, text.language)
    if not found.available:
        raise FormatError(found.why)
    maker = {LARGE_PRINT: large_print, AUDIO: audio, BRAILLE: braille}[fmt]
    return maker(text, progress)


def _run(args: list[str], *, input: str | None = None, what: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - our arguments, no shell
            args, input=input, capture_output=True, text=True, timeout=PROGRAM_TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        raise FormatError(f"{what} took too long and was stopped.") from exc
    except OSError as exc:
        raise FormatError(f"{what} could not be started: {exc.strerror}.") from exc
    if done.returncode != 0:
        first = (done.stderr or "").strip().splitlines()[:1]
        raise FormatError(f"{what} failed" + (f": {first[0]}" if first else "."))
    return done.stdout


# Large print ----------------------------------------------------------------------------


# Languages written right to left: the large print runs from the right.
RIGHT_TO_LEFT = frozenset({"ar", "ur", "fa", "he"})


def large_print_html(text: StructuredText) -> str:
    code, _ = language_of(text.language)
    return render_to_string(
        "documents/large_print.html",
        {
            "text": text,
            "direction": "rtl" if code in RIGHT_TO_LEFT else "ltr",
            "council_name": settings.COUNCIL_NAME,
            "HEADING": HEADING,
            "LIST": LIST,
        },
    )


def large_print(text: StructuredText, progress: Progress = _quiet) -> bytes:
    """A tagged PDF (PDF/UA-1) of the text in 18 point and more, reflowed in one column."""
    from weasyprint import HTML

    from iro.documents.family_plan import PDF_VARIANT

    progress(10)
    pdf = HTML(string=large_print_html(text), base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant=PDF_VARIANT
    )
    progress(100)
    return pdf


# Audio ------------------------------------------------------------------------------------


def _ssml(section, language: str) -> str:
    """One section as SSML: a pause, the heading, a longer pause, then its words."""
    parts = []
    for block in section:
        if block.kind == HEADING:
            parts.append(f'<break time="{PAUSE_BEFORE_HEADING}ms"/>')
            parts.append(html.escape(block.text.rstrip(".")) + ".")
            parts.append(f'<break time="{PAUSE_AFTER_HEADING}ms"/>')
        else:
            for words in block.items if block.kind == LIST else (block.text,):
                parts.append(html.escape(words))
                parts.append(f'<break time="{PAUSE_BETWEEN_BLOCKS}ms"/>')
    return f'<speak xml:lang="{html.escape(language)}">{" ".join(parts)}</speak>'


def audio(text: StructuredText, progress: Progress = _quiet) -> bytes:
    """The text read aloud by espeak-ng, section by section, as Ogg Vorbis."""
    espeak, oggenc = program("espeak-ng"), program("oggenc")
    _, language = language_of(text.language)
    sections = [[_title_block(text)], *text.sections()]
    with tempfile.TemporaryDirectory(prefix="iro-audio-") as folder:
        whole = Path(folder) / "whole.wav"
        with wave.open(str(whole), "wb") as out:
            for number, section in enumerate(sections, start=1):
                part = Path(folder) / f"part-{number}.wav"
                source = Path(folder) / f"part-{number}.ssml"
                source.write_text(_ssml(section, text.language), encoding="utf-8")
                _run(
                    [espeak, "-v", language.voice, "-s", str(SPEECH_RATE), "-m",
                     "-w", str(part), "-f", str(source)],
                    what="Reading the text aloud (espeak-ng)",
                )  # fmt: skip
                with wave.open(str(part), "rb") as piece:
                    if number == 1:
                        out.setparams(piece.getparams())
                    out.writeframes(piece.readframes(piece.getnframes()))
                progress(int(90 * number / len(sections)))
        encoded = Path(folder) / "whole.ogg"
        _run([oggenc, "-Q", "-q", "3", "-o", str(encoded), str(whole)], what="Encoding (oggenc)")
        progress(100)
        return encoded.read_bytes()


def _title_block(text: StructuredText):
    from iro.documents.structured import Block

    return Block(HEADING, text.title, level=1)


def ogg_seconds(data: bytes) -> float:
    """The playing time of an Ogg Vorbis file: its last page's granule position (samples)
    over the sample rate in its identification header."""
    header = data.find(b"\x01vorbis")
    last = data.rfind(b"OggS")
    if header < 0 or last < 0:
        raise ValueError("Not an Ogg Vorbis file")
    rate = int.from_bytes(data[header + 12 : header + 16], "little")
    samples = int.from_bytes(data[last + 6 : last + 14], "little")
    return samples / rate


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as sound:
        return sound.getnframes() / sound.getframerate()


# Braille ----------------------------------------------------------------------------------


def _table_list(text: StructuredText) -> str:
    _, language = language_of(text.language)
    return f"{BRF_DISPLAY},{language.table}"


def _translate(lines: list[str], tables: str, *, backward: bool = False) -> list[str]:
    """Each line through liblouis (one line in, one line out)."""
    if not lines:
        return []
    env_tables = str(tables_folder())
    args = [program("lou_translate"), "--backward" if backward else "--forward", tables]
    try:
        done = subprocess.run(  # noqa: S603 - our arguments, no shell
            args,
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            timeout=PROGRAM_TIMEOUT,
            env={"LOUIS_TABLEPATH": env_tables, "PATH": "/usr/bin:/bin"},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise FormatError("Translating into Braille (liblouis) failed.") from exc
    if done.returncode != 0:
        raise FormatError("Translating into Braille (liblouis) failed.")
    out = done.stdout.split("\n")
    return out[: len(lines)]


def back_translate(brf: str, language_code: str = "en-GB") -> str:
    """The words of a .brf read back by liblouis (page numbers left out)."""
    _, language = language_of(language_code)
    lines = []
    for page in brf.split("\f"):
        rows = page.split("\r\n")
        lines.extend(row for row in rows[: LINES - 1] if row.strip())
    words = _translate(lines, f"{BRF_DISPLAY},{language.table}", backward=True)
    return " ".join(words)


def _wrap(braille: str, first: int, rest: int) -> list[str]:
    """Braille words on lines of CELLS cells: ``first`` cells of indent on the first
    line, ``rest`` on the others; a word longer than a line is cut with a hyphen."""
    lines = textwrap.wrap(
        braille,
        width=CELLS,
        initial_indent=" " * first,
        subsequent_indent=" " * rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    out = []
    for line in lines:
        while len(line) > CELLS:
            cut = CELLS - 1
            out.append(line[:cut] + "-")
            line = " " * rest + line[cut:]
        out.append(line)
    return out


def _page_number(number: int) -> str:
    """The number in ASCII Braille: the number sign, then a-j for 1-0."""
    return "#" + "".join("JABCDEFGHI"[int(d)] for d in str(number))


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def braille(text: StructuredText, progress: Progress = _quiet) -> bytes:
    """A .brf: ASCII Braille (UEB grade 2 for English), 40 cells by 25 lines, the page
    number at the right of each page's last line, a form feed between pages. The title
    is centred; each heading starts a line after a blank one, kept with what follows;
    paragraphs start at cell 3; list items at cell 1, running over at cell 3."""
    tables = _table_list(text)
    pieces: list[tuple[str, str]] = [("title", text.title)]
    for block in text.blocks:
        # A paragraph's lines (an address) run on in Braille, one text to translate each.
        if block.kind == HEADING:
            pieces.append(("heading", _one_line(block.text)))
        elif block.kind == LIST:
            pieces.extend(("item", _one_line(item)) for item in block.items)
        else:
            pieces.append(("paragraph", _one_line(block.text)))
    translated: list[str] = []
    chunk = 200
    for start in range(0, len(pieces), chunk):
        translated.extend(_translate([t for _, t in pieces[start : start + chunk]], tables))
        progress(int(80 * min(len(pieces), start + chunk) / len(pieces)))
    body: list[tuple[str, list[str]]] = []
    for (kind, _), cells in zip(pieces, translated, strict=True):
        cells = cells.strip()
        if not cells:
            continue
        if kind == "title":
            lines = [line.strip().center(CELLS).rstrip() for line in _wrap(cells, 0, 0)]
        elif kind in {"heading", "item"}:
            lines = _wrap(cells, 0, 2)
        else:
            lines = _wrap(cells, 2, 0)
        body.append((kind, lines))
    pages = _paginate(body)
    progress(100)
    text_out = "\f".join("\r\n".join(page) for page in pages) + "\r\n"
    return text_out.encode("ascii", "replace")


def _paginate(body: list[tuple[str, list[str]]]) -> list[list[str]]:
    room = LINES - 1
    pages: list[list[str]] = []
    page: list[str] = []

    def finish() -> None:
        nonlocal page
        number = _page_number(len(pages) + 1)
        filler = [""] * (room - len(page))
        pages.append([*page, *filler, number.rjust(CELLS)])
        page = []

    for index, (kind, lines) in enumerate(body):
        if kind == "heading":
            following = body[index + 1][1][:1] if index + 1 < len(body) else []
            needed = (1 if page else 0) + len(lines) + len(following)
            if len(page) + needed > room and page:
                finish()
            if page:
                page.append("")
        for line in lines:
            if len(page) >= room:
                finish()
            page.append(line)
    if page or not pages:
        finish()
    return pages
