"""Small census documents for tests, written by hand so each test shows its input."""

from __future__ import annotations

HEADER = """<Header>
  <CollectionDetails><Collection>CIN</Collection><Year>2024</Year>
    <ReferenceDate>{ref}</ReferenceDate></CollectionDetails>
  <Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source>
</Header>"""


def message(children: str, *, ref: str = "2024-03-31", header: bool = True) -> str:
    """A census document around some <Child> elements."""
    head = HEADER.format(ref=ref) if header else ""
    return f"<Message>{head}<Children>{children}</Children></Message>"


def child(ids: str = "<LAchildID>C1</LAchildID><Sex>M</Sex>", details: str = "") -> str:
    """One <Child>: identifiers, WBRI ethnicity and the CINdetails given (or a plain one)."""
    details = details or (
        "<CINdetails><CINreferralDate>2023-06-01</CINreferralDate>"
        "<ReferralSource>1A</ReferralSource><ReferralNFA>0</ReferralNFA></CINdetails>"
    )
    return (
        f"<Child><ChildIdentifiers>{ids}</ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        f"{details}</Child>"
    )
