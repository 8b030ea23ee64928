"""Finding a child: what a search box's text means, and the index of names behind it.

A search is read as one of (``parse``):

- a date of birth, typed as 3/4/2015, 03/04/2015, 3 4 2015, 3 April 2015 (or Apr) or
  2015-04-03 (day before month, as in England; iro shows dates as "3 April 2015" and
  its forms take "3 4 2015", so both find the child);
- a UPN (a letter, eleven digits and a digit or letter);
- otherwise words: each must begin some part of one of the child's names (first, last
  or family name), accents and case ignored; a word of three or more letters may be any
  part of a name ("mit" finds Smith). The whole text also matches an LA child ID.

Names are found through ``ChildSearchTerm``: every ending of every word of the child's
names, folded. "Any part of a name" is then "the start of a stored term", which one
index answers as a range (``term >= "smi" AND term < "smj"``) on SQLite and PostgreSQL
alike, whatever the collation, because folded terms hold only a-z and 0-9.

Who may search by what is ``children.selectors.find_children``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from iro.children.models import Child, ChildSearchTerm

MAX_LENGTH = 100
# Endings shorter than this are not stored: a one- or two-letter word matches the start
# of a word only ("Jo" finds Joanne, not Majors).
MIN_INFIX = 3
TERM_LENGTH = 80

SEARCH_EMPTY = "Enter a name, LA child ID, UPN or date of birth to search for."
SEARCH_EMPTY_IDS = "Enter an LA child ID to search for."
SEARCH_TOO_LONG = f"Search for {MAX_LENGTH} characters or fewer."
SEARCH_NOTHING_TO_FIND = "Enter letters or digits to search for."
SEARCH_NOT_A_DATE = (
    "{text} is not a real date. Enter a date of birth as day/month/year, for example 3/4/2015."
)

_APOSTROPHES = re.compile(r"['’`]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DMY = re.compile(r"(\d{1,2})(?:[/.-]|\s+)(\d{1,2})(?:[/.-]|\s+)(\d{4})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {name[:3]: n for n, name in enumerate(_MONTH_NAMES.split(), start=1)}
_MONTHS |= {name: n for n, name in enumerate(_MONTH_NAMES.split(), start=1)} | {"sept": 9}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UPN = re.compile(r"[A-Za-z]\d{11}[0-9A-Za-z]")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def fold(text: str) -> str:
    """``text`` without accents, in lower case, apostrophes dropped ("O'Brien" is
    "obrien") and anything else that is not a letter or digit made a space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _APOSTROPHES.sub("", bare.casefold())
    # Letters with no decomposition (ø, ł, æ, ß after casefold is "ss") are spelt out.
    bare = bare.translate(_SPELT_OUT)
    return _NOT_ALNUM.sub(" ", bare).strip()


_SPELT_OUT = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th"})


def words(text: str) -> list[str]:
    return fold(text).split()


def terms_for(*names: str) -> list[tuple[str, bool]]:
    """The ``(term, word_start)`` pairs stored for a child with ``names``: each word,
    and each of its endings of ``MIN_INFIX`` letters or more."""
    found: dict[str, bool] = {}
    for word in {w for name in names for w in words(name)}:
        word = word[:TERM_LENGTH]
        found[word] = True
        for start in range(1, len(word) - MIN_INFIX + 1):
            found.setdefault(word[start:], False)
    return sorted(found.items())


def names_of(child: Child) -> tuple[str, ...]:
    family_name = child.family.name if child.family_id else ""
    return (child.first_name, child.last_name, family_name)


def index_child(child: Child, *, new: bool = False) -> None:
    """Rewrite ``child``'s search terms from their names (the services call this);
    ``new`` for a child just created, who has none to remove."""
    if not new:
        ChildSearchTerm.objects.filter(child=child).delete()
    ChildSearchTerm.objects.bulk_create(
        ChildSearchTerm(child=child, term=term, word_start=start)
        for term, start in terms_for(*names_of(child))
    )


def _after(prefix: str) -> str | None:
    """The first string after every string starting with ``prefix`` (over a-z, 0-9)."""
    while prefix:
        last = _ALPHABET.index(prefix[-1])
        if last + 1 < len(_ALPHABET):
            return prefix[:-1] + _ALPHABET[last + 1]
        prefix = prefix[:-1]
    return None


def term_starts_with(word: str) -> Q:
    """Search terms beginning with ``word``, as a range an index can answer."""
    q = Q(term__gte=word)
    after = _after(word)
    if after is not None:
        q &= Q(term__lt=after)
    if len(word) < MIN_INFIX:
        q &= Q(word_start=True)
    return q


@dataclass(frozen=True)
class Search:
    """What the text typed means."""

    text: str
    error: str = ""
    birth_date: date | None = None
    upn: str = ""
    name_words: list[str] = field(default_factory=list)

    @property
    def la_child_id(self) -> str:
        return self.text


def _date(text: str) -> date | str | None:
    """A date if ``text`` is written as one; the error if it is written as one but is not
    a real date; None if it is not written as a date."""
    if m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif (m := _DAY_MONTH_NAME.fullmatch(text)) and m.group(2).lower() in _MONTHS:
        day, month, year = int(m.group(1)), _MONTHS[m.group(2).lower()], int(m.group(3))
    elif m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return SEARCH_NOT_A_DATE.format(text=text)


def parse(text: str, *, by_name: bool = True) -> Search:
    """Read the search box. ``by_name`` False (roles that see no names) reads the text as
    an LA child ID only: nothing else is looked for, so nothing else is revealed."""
    text = (text or "").strip()
    if not text:
        return Search(text, error=SEARCH_EMPTY if by_name else SEARCH_EMPTY_IDS)
    if len(text) > MAX_LENGTH:
        return Search(text[:MAX_LENGTH], error=SEARCH_TOO_LONG)
    if not by_name:
        return Search(text)
    found = _date(text)
    if isinstance(found, str):
        return Search(text, error=found)
    if found is not None:
        return Search(text, birth_date=found)
    if _UPN.fullmatch(text):
        return Search(text, upn=text.upper())
    name_words = words(text)
    if not name_words:
        return Search(text, error=SEARCH_NOTHING_TO_FIND)
    return Search(text, name_words=name_words)


def matching(search: Search) -> Q:
    """The children ``search`` finds, as a filter on ``Child`` (access aside).

    The id is the union of indexed look-ups, one per way the text can match: the LA
    child ID (unique), the UPNs, the dates of birth, and for names the children having
    a term in each word's range. A union, not ``OR``: PostgreSQL cannot use the indexes
    for an ``OR`` across tables and would read every child."""
    if search.error:
        return Q(pk__in=[])
    text = search.la_child_id
    branches = [_ids(Child.objects.filter(la_child_id__in={text, text.upper()}))]
    if search.birth_date is not None:
        branches.append(_ids(Child.objects.filter(date_of_birth=search.birth_date)))
        branches.append(_ids(Child.objects.filter(expected_date_of_birth=search.birth_date)))
    if search.upn:
        branches.append(_ids(Child.objects.filter(upn=search.upn)))
        branches.append(_ids(Child.objects.filter(former_upn=search.upn)))
    if search.name_words:
        first, *others = dict.fromkeys(search.name_words)
        by_name = ChildSearchTerm.objects.filter(term_starts_with(first))
        for word in others:
            by_name = by_name.filter(
                child_id__in=ChildSearchTerm.objects.filter(term_starts_with(word)).values(
                    "child_id"
                )
            )
        branches.append(by_name.values("child_id").order_by())
    return Q(pk__in=branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0])


def _ids(children):
    return children.values("pk").order_by()
