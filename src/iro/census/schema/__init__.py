"""The census file's schema as iro keeps it (``cin_census.xsd``, beside this module), and a
check of a whole file against it.

The schema is iro's own, written from the DfE's published description of the census for
2024-25 and 2025-26 (Crown copyright, Open Government Licence v3.0; see the file's
comment). ``check_file`` parses the file without entities, network or DTD and gives the
first few errors, each with its line.

A file is first checked as it is read, a child at a time (libxml2 validates the stream),
so a valid file of any size is checked in the memory of one child. Only a file that does
not match is read whole a second time, for the lines of its errors (the streaming check
does not know them): for iro's own exports that is a fault, not the ordinary case.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_PATH = Path(__file__).with_name("cin_census.xsd")
MAX_ERRORS = 5


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def check_file(path: str | os.PathLike) -> list[str]:
    """The schema's errors in the file at `path` ("line N: message"), empty when valid."""
    if streams_valid(path):
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)  # fmt: skip
    document = etree.parse(os.fspath(path), parser)
    checker = schema()
    if checker.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in list(checker.error_log)[:MAX_ERRORS]]


def streams_valid(path: str | os.PathLike) -> bool:
    """Whether the file at `path` matches the schema, checked while it is read: each
    child's elements are let go once read, so memory does not grow with the file."""
    try:
        for _event, element in etree.iterparse(
            os.fspath(path),
            events=("end",),
            schema=schema(),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
        ):
            if element.tag == "Child" or element.tag.endswith("}Child"):
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError:  # not valid, or not well formed: ``check_file`` says which
        return False
    return True
