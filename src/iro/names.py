"""Screening names out of free text, for readers who see no names.

Pure (no Django): given the names the system knows around a child (their own, their
brothers' and sisters', their family's and the family members invited to conferences
or in the core group), ``screen`` replaces each of them, as a whole word and whatever
the case, with ``[name]``. The performance analyst and the partnership officer read
free text only through it; the published report's quotes will go through it too.

``screen`` takes out the names the system knows, not every word that could be a name.
What readers who see no names are shown goes through ``screen_for_reader``, which also
hides every word that looks like a name (a neighbour mentioned in passing, a partner,
a nickname); even so, pages for those roles should show as little free text as their
work needs.

A text can also name someone recorded elsewhere: another family's child or parent, or a
chair. Those names (``others``: the text's words that are a recorded name anywhere,
which ``iro.access.known_names.known_among`` looks up) are hidden too, in any case, but
for an everyday word (``EVERYDAY``: "will", "may", "hope", "rose", "young") written in
lower case or starting a sentence, which is read as the word ("the rate rose", "young
people") unless it stands beside another name ("rose alnbrook").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

REDACTED = "[name]"
# Shorter parts ("Jo" is a name; "A" or an initial is not worth a false match).
MIN_LENGTH = 2
# A known name is also screened in the plural from this length ("the Greyleys").
PLURAL_FROM = 3
# Words that are part of how names are recorded but are not names themselves.
NOT_NAMES = frozenset({"family", "the", "and", "of", "baby", "unborn", "child", "mr", "mrs", "ms"})

_PARTS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def name_parts(names: Iterable[str]) -> frozenset[str]:
    """Each recorded name split into the words it is made of, lower-cased.

    "Mary-Jane O'Neill" gives mary-jane, mary, jane, o'neill, o and neill (those long
    enough): text may use the whole or a part.
    """
    parts: set[str] = set()
    for name in names:
        for whole in _PARTS.findall(name or ""):
            for part in {whole, *re.split(r"['’-]", whole)}:
                lowered = part.lower()
                if len(lowered) >= MIN_LENGTH and lowered not in NOT_NAMES:
                    parts.add(lowered)
    return frozenset(parts)


def _forms(lowered: str) -> set[str]:
    """The name parts a lower-cased word may be: itself, its pieces between hyphens and
    apostrophes, and what each may be the plural of ("the greyleys")."""
    found: set[str] = set()
    for piece in {lowered, *re.split(r"['’-]", lowered)}:
        for form in singular_forms(piece):
            if len(form) >= MIN_LENGTH and form not in NOT_NAMES:
                found.add(form)
    return found


def candidates(text: str) -> set[str]:
    """Every name part ``text`` may contain (``_forms`` of each word, a possessive
    dropped): what to look up among the names recorded anywhere."""
    found: set[str] = set()
    for match in _PARTS.finditer(text or ""):
        found |= _forms(_POSSESSIVE.sub("", match.group()).lower())
    return found


def screen(text: str, parts: frozenset[str]) -> str:
    """``text`` with every word in ``parts`` (any case) replaced by ``[name]``: the word
    as it is, possessive ("Greyley's") or plural ("the Greyleys", "the Joneses'")."""
    if not text or not parts:
        return text or ""
    # Longest first, so "mary-jane" goes before "mary". A plural only of a name of three
    # letters or more: "Jo" or "Li" would take "jos" or "lies" with them.
    ordered = sorted(parts, key=len, reverse=True)
    plural = "|".join(re.escape(p) for p in ordered if len(p) >= PLURAL_FROM)
    alternatives = "|".join(
        ([rf"(?:{plural})(?:e?s)?"] if plural else [])
        + [re.escape(p) for p in ordered if len(p) < PLURAL_FROM]
    )
    pattern = re.compile(rf"(?<![\w'’-])(?:{alternatives})(?:['’]s?)?(?![\w'’-])", re.IGNORECASE)
    return pattern.sub(REDACTED, text)


def singular_forms(word: str) -> list[str]:
    """``word`` and what it may be the plural of, as a family's name is written in the
    plural ("Mosswaters" gives Mosswaters and Mosswater; "Joneses" also Jones)."""
    forms = [word]
    if len(word) > PLURAL_FROM and word[-1:] in "sS":
        forms.append(word[:-1])
        if word[-2:-1] in "eE":
            forms.append(word[:-2])
    return forms


def contains_name(text: str, parts: frozenset[str]) -> bool:
    return screen(text, parts) != (text or "")


# ------------------------------------------------------------ checking a quote for names
#
# Before a quote is published, the IRO service manager's approval refuses a wording that
# contains a name the system knows (``parts``: the child's, their family's, every member
# of staff) or a word that looks like a name, and shows where. "Looks like a name" is a
# heuristic, deliberately simple so a person can predict it:
#
#   a word starting with a capital letter, not at the start of a sentence (nor after a
#   colon, a bullet or an opening quote), that is not all capitals (IRO, CAMHS, GP), not
#   "I" or a contraction of it, and not a common English word or a word for a role,
#   relation, day or month (``COMMON_WORDS``).
#
# Its limits: a name at the start of a sentence passes ("Sara helped us"), as does a name
# that is also a common word ("Hope", "Will", "Grace") and a name written in lower case;
# those are caught only if the system knows the name. A place or an organisation
# ("Barnardo's", "Leeds") is flagged: the manager rewords it ("the advocacy service").
# A false alarm costs a rewording; a missed name would be published. So the check
# helps the manager read; it does not replace reading.

KNOWN = "known"
LOOKS_LIKE = "looks_like"

_COMMON_TEXT = """
    a about above after again against all also always am an and any are as at away back
    be because been before being below best better between both but by can could did do
    does doing done down during each even ever every everyone everything few first for
    from further get give given go going good got great had has have having he her here
    hers herself him himself his how however i if in into is it its itself just know last
    let like little lot lots made make many may me more most much must my myself need
    never new next no nobody nor not nothing now of off often on once one only or other
    our ours ourselves out over own people please really right said same say see she
    should so some someone something sometimes still such sure than thank thanks that the
    their theirs them themselves then there these they thing things think this those
    though through time to today together too under understand understood until up upon
    us very want was way we well were what when where which while who whom why will with
    without would yes yet you your yours yourself yourselves okay ok dear hello hi sorry
    felt feel feeling help helped helpful heard listen listened listening kind clear
    clearer happy sad worried worry worries safe safer honest fair hard easy easier
    explained explain explaining asked ask meeting meetings conference conferences
    review reviews plan plans report reports minutes notes views voice questions
    everybody nice lovely brilliant amazing excellent fantastic supportive respectful
    calm scary difficult
    mum mummy mom dad daddy mother father parent parents carer carers nan nana nanny gran
    granny grandma grandad grandpa grandmother grandfather aunt auntie uncle cousin sister
    brother sisters brothers son daughter baby child children young person family
    families foster partner stepdad stepmum
    chair chairs chairperson iro iros independent reviewing officer officers social
    worker workers work manager managers team teams service services council court judge
    solicitor police officer school teacher teachers head headteacher college nursery
    health visitor doctor nurse midwife hospital gp paediatrician therapist camhs
    advocate advocacy interpreter professional professionals agency agencies housing
    probation youth offending education safeguarding lead designated core group
    child protection children's
    section strategy discussion initial early need needs outline public law proceedings
    pre-proceedings assessment assessments referral hub looked after care order legal
    planning statutory emergency interim supervision birth pre-birth home visit visits
    case closure step down multi-agency ofsted census return returns front door
    check ensure arrange attend attends attended book refer support supports supported
    complete completes provide undertake continue monitor share invite invited discuss
    update contact speak meet met talk tell write send call phone consider agree agreed
    identify explore offer encourage liaise seek obtain request assess follow engage keep
    take bring start stop find visited visiting told called phoned wrote sent saw
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas easter english
    british welsh scottish irish
"""
COMMON_WORDS = frozenset(_COMMON_TEXT.split())

# Everyday words that are also people's first names or surnames. Another family's name
# that is one of these is hidden only where it is written as a name (with a capital, not
# starting a sentence) or beside another name; flowers and the like ("lily", "daisy")
# are not here: in these records they are far more often a child's name than the word.
_EVERYDAY_NAMES_TEXT = """
    will may hope grace faith joy rose mark bill pat sue rob jack frank grant dean guy ray
    art sky star dawn eve summer autumn winter spring penny miles rich amber max drew chance
    young brown white green black grey gray long short little king bird fox wood woods hill
    hills cook baker page day price hunt bell ward lane field fields stone hall north south
    west east park love mill mills marsh moss banks bank wells case gold silver sharp strong
    small low high bright sweet swift wise wild lamb street road house bridge ford church
    waters chambers mason walker archer butler porter cross rush lord law bond power pound
    money cash burns fry major noble hardy free shepherd fisher steel english french
"""
EVERYDAY = COMMON_WORDS | frozenset(_EVERYDAY_NAMES_TEXT.split())

# The months and days written short. Some are names too ("Jan", "Sun"), so they are read
# as a date's only beside a number ("2 Dec", "Jan 2027", "Wed 2 Dec"), else as any word.
_DATE_WORDS_TEXT = """
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat
    sun
"""
DATE_WORDS = frozenset(_DATE_WORDS_TEXT.split())
_NUMBER_BEFORE = re.compile(r"\d\w*[\s,]*$")
_NUMBER_AFTER = re.compile(r"[\s,.]*\d")


def _beside_a_number(text: str, start: int, word: str) -> bool:
    return bool(
        _NUMBER_BEFORE.search(text, 0, start) or _NUMBER_AFTER.match(text, start + len(word))
    )


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_BREAK = re.compile(r"""(?:^|[.!?:;\n•*–—]|[“"‘(\[])[\s“"‘'(\[]*$""")


@dataclass(frozen=True)
class Found:
    """A word in a quote that is, or looks like, a name: where it is and why."""

    start: int
    end: int
    word: str
    reason: str  # KNOWN or LOOKS_LIKE


def known_names_in(text: str, parts: frozenset[str]) -> list[Found]:
    """Each occurrence in ``text`` of a name part the system knows (as ``screen`` finds)."""
    if not text or not parts:
        return []
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w'’-])(?:{alternatives})(?:['’]s)?(?![\w'’-])", re.IGNORECASE)
    return [Found(m.start(), m.end(), m.group(), KNOWN) for m in pattern.finditer(text)]


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_BREAK.search(text[:start]))


def _is_common(word: str) -> bool:
    lowered = word.lower()
    for suffix in ("'s", "’s"):
        lowered = lowered.removesuffix(suffix)
    if lowered in COMMON_WORDS:
        return True
    # A contraction: "I'm", "I've", "Don't" -- judged by the part before the apostrophe.
    head = re.split(r"['’]", lowered, maxsplit=1)[0]
    return head in COMMON_WORDS and lowered != head


def _looks_like_a_name(text: str, start: int, word: str) -> bool:
    """Whether the word at ``start`` of ``text`` looks like a name (the heuristic above)."""
    if not word[0].isupper() or len(word) < MIN_LENGTH:
        return False
    letters = [c for c in word if c.isalpha()]
    if all(c.isupper() for c in letters):
        return False  # an acronym: IRO, CAMHS, GP
    if _at_sentence_start(text, start):
        return False
    if word.lower().rstrip(".") in DATE_WORDS and _beside_a_number(text, start, word):
        return False  # a date written short: "on 2 Dec", "Wed 2 Dec", "Jan 2027"
    pieces = [p for p in re.split(r"-", word) if p]
    return not all(_is_common(p) or not p[0].isupper() for p in pieces)


def name_like_words(text: str) -> list[Found]:
    """Words in ``text`` that look like a name (the heuristic described above)."""
    return [
        Found(match.start(), match.end(), match.group(), LOOKS_LIKE)
        for match in _WORD.finditer(text or "")
        if _looks_like_a_name(text, match.start(), match.group())
    ]


def _organisation_spans(text: str, organisations: Iterable[str]) -> list[tuple[int, int]]:
    """Where ``text`` writes one of ``organisations`` whole (any case), as (start, end)."""
    spans = []
    for name in organisations:
        if name and name.strip():
            pattern = rf"(?<![\w'’-]){re.escape(name.strip())}(?![\w'’-])"
            spans += [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    return spans


def _elsewhere(text: str, match: re.Match, others: frozenset[str]) -> str | None:
    """Whether the word of ``match`` is a name recorded elsewhere (``others``): None if
    not, ``"name"`` if it is written as one, ``"word"`` if it is an everyday word written
    as a word (lower case, or starting a sentence), a name only beside another."""
    if not others:
        return None
    word = _POSSESSIVE.sub("", match.group())
    hits = _forms(word.lower()) & others
    if not hits:
        return None
    if hits <= EVERYDAY and (not word[0].isupper() or _at_sentence_start(text, match.start())):
        return "word"
    return "name"


def screen_known(text: str, parts: frozenset[str], others: frozenset[str] = frozenset()) -> str:
    """``screen`` of the names recorded around the record (``parts``) and of the names
    recorded elsewhere (``others``, judged as ``screen_for_reader`` judges them: an
    everyday word written as a word stays), for text that names other agencies' staff on
    purpose (a challenge's professional): no family's name is shown, a name the system
    does not hold as a family's is."""
    text = screen(text, parts)
    if not others or not text:
        return text
    # Word by word: an everyday word is hidden only where it is written as a name.
    pieces, last = [], 0
    for match in _WORD.finditer(text):
        if _elsewhere(text, match, others) == "name":
            possessive = _POSSESSIVE.search(match.group())
            pieces += [
                text[last : match.start()],
                REDACTED + (possessive.group() if possessive else ""),
            ]
            last = match.end()
    return "".join([*pieces, text[last:]])


def screen_for_reader(
    text: str,
    parts: frozenset[str],
    others: frozenset[str] = frozenset(),
    organisations: Iterable[str] = (),
) -> str:
    """Free text as a reader who sees no names reads it (the analyst, the partnership
    officer, the API for them): each word that is a name the system knows around the
    record (``parts``, any case), or is joined to one by a hyphen or an apostrophe
    ("Elmdale-Smith"), or is a name recorded elsewhere (``others``: see the module's
    note on everyday words), or looks like a name (a partner, a grandparent, a nickname
    the records do not hold: "her partner Dean Foxley"), becomes ``[name]``, keeping a
    possessive ("[name]'s school").

    Stricter than ``screen``, which takes out only the names the system knows around
    the record. Its limit is the heuristic's: a name the system does not know at all
    passes at the start of a sentence (unless a name-like surname follows it, or it
    looks like a name elsewhere), in lower case or in capitals. A place or an
    organisation is hidden too: for these readers a word too many is hidden rather than
    a name shown. But for ``organisations``: an agency's recorded name written whole
    ("Larkmoor High School", the agency a challenge is about, which the reader is shown
    anyway) keeps its words, unless one is a name the system knows."""
    if not text:
        return text or ""
    words = list(_WORD.finditer(text))
    spans = _organisation_spans(text, organisations)
    in_organisation = [any(a <= m.start() < b for a, b in spans) for m in words]
    # A word that looks like a name somewhere is hidden everywhere, at the start of a
    # sentence too ("Brenda came. We met Brenda there.").
    name_like = {
        _POSSESSIVE.sub("", m.group())
        for m, kept in zip(words, in_organisation, strict=True)
        if not kept and _looks_like_a_name(text, m.start(), m.group())
    }
    # A capitalised word straight before one of them is the rest of the name, at the
    # start of a sentence too ("Dean Foxley came": both words).
    for first, second in pairwise(words):
        word = first.group()
        if (
            _POSSESSIVE.sub("", second.group()) in name_like
            and text[first.end() : second.start()] == " "
            and word[0].isupper()
            and not word.isupper()
            and not _is_common(word)
        ):
            name_like.add(word)
    hidden = []
    for match, kept in zip(words, in_organisation, strict=True):
        word = match.group()
        suffix = _POSSESSIVE.search(word)
        base = word[: suffix.start()] if suffix else word
        lowered = base.lower()
        known = lowered in parts or any(
            piece in parts for piece in re.split(r"['’-]", lowered) if piece
        )
        looks = base in name_like and not kept
        hidden.append("name" if known or looks else _elsewhere(text, match, others))
    # An everyday word recorded as a name elsewhere, straight before a hidden name, is
    # its first name ("rose alnbrook"; "Alnbrook will come" keeps its "will").
    for i in range(len(words) - 1, -1, -1):
        if (
            hidden[i] == "word"
            and i + 1 < len(words)
            and hidden[i + 1] == "name"
            and text[words[i].end() : words[i + 1].start()] == " "
        ):
            hidden[i] = "name"
    out: list[str] = []
    at = 0
    for match, state in zip(words, hidden, strict=True):
        if state != "name":
            continue
        suffix = _POSSESSIVE.search(match.group())
        out += [text[at : match.start()], REDACTED, suffix.group() if suffix else ""]
        at = match.end()
    out.append(text[at:])
    return "".join(out)


def names_in(text: str, parts: frozenset[str], others: frozenset[str] = frozenset()) -> list[Found]:
    """Known names (around the record: ``parts``; recorded elsewhere: ``others``, as
    ``screen_for_reader`` reads them) and name-like words in ``text``, in order; a known
    name wins where both are found at the same place."""
    known = known_names_in(text, parts)
    taken = [(f.start, f.end) for f in known]
    known += [
        Found(m.start(), m.end(), m.group(), KNOWN)
        for m in _WORD.finditer(text or "")
        if not any(m.start() < e and s < m.end() for s, e in taken)
        and _elsewhere(text, m, others) == "name"
    ]
    taken = [(f.start, f.end) for f in known]
    looks_like = [
        f for f in name_like_words(text) if not any(f.start < e and s < f.end for s, e in taken)
    ]
    return sorted(known + looks_like, key=lambda f: f.start)


def marked(text: str, found: list[Found]) -> list[tuple[str, str | None]]:
    """``text`` cut into pieces, each with the reason it is marked (None for the rest),
    for a page to highlight where the names are."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for f in sorted(found, key=lambda f: f.start):
        if f.start < at:
            continue
        if f.start > at:
            pieces.append((text[at : f.start], None))
        pieces.append((text[f.start : f.end], f.reason))
        at = f.end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces
