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


CLEAN_IDS = (
    "<LAchildID>C1</LAchildID><UPNunknown>UN4</UPNunknown>"
    "<PersonBirthDate>2015-01-01</PersonBirthDate><Sex>M</Sex>"
)


def child(ids: str = CLEAN_IDS, details: str = "") -> str:
    """One <Child>: identifiers, WBRI ethnicity, no disability and the CINdetails given (or
    a plain one). The default child breaks no DfE rule on one child."""
    details = details or (
        "<CINdetails><CINreferralDate>2023-06-01</CINreferralDate>"
        "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        "<ReferralNFA>0</ReferralNFA></CINdetails>"
    )
    return (
        f"<Child><ChildIdentifiers>{ids}</ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>"
        f"{details}</Child>"
    )
