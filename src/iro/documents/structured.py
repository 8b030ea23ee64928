"""A family document as structured text: its title, language and blocks (headings,
paragraphs, lists), the one thing every other format (large print, audio, Braille) is
made from.

A document gives its HTML once (the same HTML its page and PDF show); ``from_html`` reads
it into blocks. Only the part marked ``data-document-text`` is read when there is one
(else ``<main>``, else the body); anything marked ``iro-no-print`` or ``hidden`` is left
out, as in print. A table becomes a list, one item per row, each cell after its column's
heading ("What: ..., Who: ..."), so a reader who cannot see the grid loses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

HEADING = "heading"
PARAGRAPH = "paragraph"
LIST = "list"

_SPACE = re.compile(r"\s+")
_SKIPPED_TAGS = {"script", "style", "template", "head", "nav", "button", "form", "svg"}
_SKIPPED_CLASSES = {"iro-no-print", "govuk-visually-hidden", "govuk-back-link"}


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    level: int = 0  # headings: 1 to 6
    items: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        return sum(len(t.split()) for t in (self.text, *self.items))


@dataclass(frozen=True)
class StructuredText:
    title: str
    language: str  # a BCP 47 code, as in the document's lang attribute (en-GB, cy, ar...)
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def words(self) -> int:
        return sum(block.words for block in self.blocks)

    @property
    def headings(self) -> list[str]:
        return [block.text for block in self.blocks if block.kind == HEADING]

    def sections(self) -> list[list[Block]]:
        """The blocks cut before each heading (the first section may have none)."""
        out: list[list[Block]] = []
        for block in self.blocks:
            if block.kind == HEADING or not out:
                out.append([])
            out[-1].append(block)
        return out


def clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _lines(text: str) -> str:
    """Spaces squeezed in each line, the lines an address or sign-off has kept."""
    return "\n".join(line for line in (clean(part) for part in text.split(_BREAK)) if line)


# A <br> in a paragraph: a line of its own in the large print (an address block, the
# signature), a space in the other formats' sentences.
_BREAK = "\x00"


def _skipped(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in _SKIPPED_TAGS:
        return True
    classes = set((element.get("class") or "").split())
    return bool(classes & _SKIPPED_CLASSES) or element.get("hidden") is not None


def _text(element) -> str:
    """The element's words, skipped parts left out, each <br> a new line (\\n)."""
    parts: list[str] = []

    def walk(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "br":
                parts.append(_BREAK)
            elif not _skipped(child):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return _lines("".join(parts))


def _table(table) -> list[Block]:
    blocks: list[Block] = []
    caption = table.find("caption")
    if caption is not None and _text(caption):
        blocks.append(Block(PARAGRAPH, _text(caption)))
    head = [_text(th) for th in table.xpath("./thead/tr[1]/th")]
    rows = []
    for row in table.xpath("./tbody/tr | ./tr"):
        cells = [_text(cell) for cell in row.xpath("./th | ./td")]
        if head and len(head) == len(cells):
            words = [f"{h}: {c}" if h else c for h, c in zip(head, cells, strict=True) if c]
        else:
            words = [c for c in cells if c]
        if words:
            rows.append(". ".join(words))
    if rows:
        blocks.append(Block(LIST, items=tuple(rows)))
    return blocks


def _blocks(element) -> list[Block]:
    blocks: list[Block] = []
    for child in element:
        if _skipped(child):
            continue
        tag = child.tag
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            text = _text(child)
            if text:
                blocks.append(Block(HEADING, text, level=int(tag[1])))
        elif tag in {"p", "caption", "figcaption", "blockquote", "address", "dt", "dd", "td"}:
            text = _text(child)
            if text:
                blocks.append(Block(PARAGRAPH, text))
        elif tag in {"ul", "ol"}:
            items = tuple(t for li in child.xpath("./li") if not _skipped(li) if (t := _text(li)))
            if items:
                blocks.append(Block(LIST, items=items))
        elif tag == "table":
            blocks.extend(_table(child))
        elif len(child):
            blocks.extend(_blocks(child))
        else:
            text = _text(child)
            if text:
                blocks.append(Block(PARAGRAPH, text))
    return blocks


def from_html(html: str, *, title: str | None = None, language: str | None = None):
    """The structured text of a document's HTML; its title and language from the
    document unless given."""
    root = lxml.html.document_fromstring(html)
    found = root.xpath("//*[@data-document-text]") or root.xpath("//main") or root.xpath("//body")
    part = found[0] if found else root
    if title is None:
        titles = root.xpath("//title")
        title = clean(titles[0].text_content()) if titles else ""
        headings = [b.text for b in _blocks(part) if b.kind == HEADING and b.level == 1]
        title = headings[0] if headings else title
    if language is None:
        language = part.get("lang") or root.get("lang") or "en-GB"
    blocks = _blocks(part)
    title = clean(title)
    if blocks and blocks[0].kind == HEADING and blocks[0].text == title:
        blocks = blocks[1:]  # the title is said once, by each format
    return StructuredText(title=title, language=language, blocks=tuple(blocks))
