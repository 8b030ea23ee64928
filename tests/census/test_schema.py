"""The census schema iro keeps in the package: what iro writes matches it, a file that
breaks it is told by line, and (where the shared reference schemas exist) iro's schema
accepts nothing of iro's own output that the DfE's would refuse."""

from __future__ import annotations

import pytest
from lxml import etree

from iro.census.schema import SCHEMA_PATH, check_file
from iro.census.synthetic import write_synthetic_file
from tests.census.builders import child, message


@pytest.mark.parametrize("year", ["2024-25", "2025-26"])
def test_synthetic_returns_match_the_schema(tmp_path, year):
    path = tmp_path / "return.xml"
    write_synthetic_file(path, 400, year=year, seed=11)
    assert check_file(path) == []


def test_a_messy_synthetic_return_breaks_it_where_a_code_is_not_the_dfe_s(tmp_path):
    path = tmp_path / "return.xml"
    write_synthetic_file(path, 400, year="2024-25", seed=11, messy=True)
    assert "The value 'XXX' is not an element of the set" in check_file(path)[0]


def test_the_test_builders_write_files_that_match_the_schema(census_file):
    assert check_file(census_file(message(child()))) == []


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>XXXX</Ethnicity>"), "Ethnicity"),
        (("<Sex>M</Sex>", ""), "Sex"),
        (("<ReferralNFA>0</ReferralNFA>", ""), "ReferralNFA"),
        (("<CINreferralDate>2023-06-01</CINreferralDate>",
          "<CINreferralDate>2023-02-30</CINreferralDate>"), "CINreferralDate"),
    ],
    ids=["bad code", "missing sex", "missing NFA flag", "impossible date"],
)  # fmt: skip
def test_a_file_that_breaks_the_schema_is_told_by_line_and_element(census_file, change, said):
    old, new = change
    text = message(child()).replace(old, new)
    assert text != message(child())
    errors = check_file(census_file(text))
    assert errors
    assert errors[0].startswith("line ")
    assert said in errors[0]


def test_the_schema_names_its_source_and_licence():
    text = SCHEMA_PATH.read_text()
    assert "Open Government Licence" in text
    assert "Crown copyright" in text


@pytest.mark.parametrize("schema_year", ["2025", "2026"])
def test_what_iro_writes_is_valid_against_the_dfe_schemas_too(tmp_path, schemas, schema_year):
    path = tmp_path / "return.xml"
    write_synthetic_file(path, 400, year="2024-25", seed=5)
    dfe = etree.XMLSchema(etree.parse(str(schemas / f"CIN_schema_{schema_year}.xsd")))
    assert dfe.validate(etree.parse(str(path))), dfe.error_log


def test_the_streaming_check_agrees_with_the_whole_file_check(tmp_path):
    from iro.census.schema import schema, streams_valid

    for name, messy in (("valid.xml", False), ("messy.xml", True)):
        path = tmp_path / name
        write_synthetic_file(path, 300, year="2024-25", seed=3, messy=messy)
        whole = schema().validate(etree.parse(str(path)))
        assert streams_valid(path) == whole == (not messy)
        assert (check_file(path) == []) == whole


def test_a_file_that_is_not_xml_is_still_refused_by_the_parser(census_file):
    path = census_file(message(child()).replace("</Children>", ""))
    with pytest.raises(etree.XMLSyntaxError):
        check_file(path)
