"""The census file's schema as iro keeps it (``cin_census.xsd``, beside this module), and a
check of a whole file against it.

The schema is iro's own, written from the DfE's published description of the census for
2024-25 and 2025-26 (Crown copyright, Open Government Licence v3.0; see the file's
comment). ``check_file`` parses the file without entities, network or DTD and gives the
first few errors, each with its line.
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
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)  # fmt: skip
    document = etree.parse(os.fspath(path), parser)
    checker = schema()
    if checker.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in list(checker.error_log)[:MAX_ERRORS]]
