"""Two editions of every report: the internal one names the chairs and links to the children;
the published one (for the public website, and the only one for roles that see no names)
names no chair and no child in any format, on the page or the command line."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import escape

from iro.children.models import Child, Family, FamilyMember, Relationship
from iro.journey.models import CoreGroupMember, Invitation, InviteeRole
from iro.names import name_parts
from iro.people.models import Role, User
from iro.reports import builders, editions
from iro.reports.management.commands import report as command
from iro.reports.renderers import formats
from tests.factories import FamilyFactory, UserFactory
from tests.reports.conftest import YEAR, a_child, a_plan, a_review, an_icpc, an_s47

pytestmark = pytest.mark.django_db

# Invented names, each a word no report would use otherwise.
CHAIRS = [
    ("Wystan", "Quennell"), ("Bryony", "Athelstan"), ("Cosmo", "Pennyfeather"),
    ("Delphine", "Wraxall"), ("Evander", "Moxley"), ("Fenella", "Trelawny"),
]  # fmt: skip
CHILDREN = [
    ("Zephyrine", "Ockendon"), ("Barnaby", "Quarrington"), ("Clemency", "Yelland"),
    ("Dashiell", "Varley"), ("Esmerelda", "Ulverston"), ("Florian", "Tregothnan"),
    ("Gwendolen", "Sowerby"), ("Horatio", "Ravenscroft"), ("Isadora", "Pendragon"),
    ("Jolyon", "Nettlefold"), ("Kismet", "Mortlake"), ("Leontyne", "Lavington"),
]  # fmt: skip
ADULTS = ["Marguerite Ockendon", "Napier Yelland", "Ottoline Varley", "Peregrine Sowerby"]
INVITED = ["Rosalind Quarrington", "Septimus Mortlake"]
CORE_GROUP = ["Theodora Lavington", "Ulysses Nettlefold"]


@pytest.fixture
def named_authority(staff):
    """Twelve named children in families, with parents, invited family and core groups,
    their conferences chaired by six named IROs over 2018-19 and 2017-18."""
    chairs = [
        UserFactory(username=f"chair-{n}", first_name=first, last_name=last, role=Role.IRO)
        for n, (first, last) in enumerate(CHAIRS)
    ]
    for n, (first, last) in enumerate(CHILDREN):
        family = FamilyFactory(name=f"{last} family")
        child = a_child(
            staff,
            first_name=first,
            last_name=last,
            family=family,
            team=staff.team if n % 2 else staff.other_team,
        )
        FamilyMember.objects.create(
            family=family, name=ADULTS[n % len(ADULTS)], relationship=Relationship.MOTHER
        )
        for year_start in (date(2017, 5, 1), date(2018, 5, 1)):
            day = year_start + timedelta(days=7 * n)
            chair = chairs[n % len(chairs)]
            icpc = an_icpc(an_s47(staff, day - timedelta(days=10), child=child), day, chair=chair)
            Invitation.objects.create(
                conference=icpc, name=INVITED[n % len(INVITED)], role=InviteeRole.PARENT
            )
            plan = a_plan(staff, day, child=child, end=day + timedelta(days=200))
            CoreGroupMember.objects.create(
                plan=plan,
                name=CORE_GROUP[n % len(CORE_GROUP)],
                role=InviteeRole.PARENT,
                joined_on=day,
            )
            a_review(plan, day + timedelta(days=90), chair=chairs[(n + 1) % len(chairs)])
    return chairs


def every_name_in_the_database() -> frozenset[str]:
    """Each word of every person's name the database holds: children, families, family
    members, invited family, core groups, and every chair (IROs and their manager)."""
    names: list[str] = []
    for first, last in Child.objects.values_list("first_name", "last_name"):
        names += [first, last]
    names += Family.objects.values_list("name", flat=True)
    names += FamilyMember.objects.values_list("name", flat=True)
    names += Invitation.objects.values_list("name", flat=True)
    names += CoreGroupMember.objects.values_list("name", flat=True)
    for first, last in User.objects.filter(role__in=[Role.IRO, Role.IRO_MANAGER]).values_list(
        "first_name", "last_name"
    ):
        names += [first, last]
    return name_parts(names)


def names_found(text: str, parts: frozenset[str]) -> set[str]:
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    return words & parts


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(content)
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            check=True,
        )
        return done.stdout.decode()


def xlsx_text(content: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def as_text(report, fmt: str) -> str:
    content, _ = formats.render(report, fmt)
    if fmt == "pdf":
        return pdf_text(content)
    if fmt == "xlsx":
        return xlsx_text(content)
    return content


FORMATS = ["html", "pdf", "xlsx", "csv", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_published_edition_names_no_chair_and_no_child_in_any_format(named_authority, fmt):
    parts = every_name_in_the_database()
    assert {"quennell", "zephyrine", "ockendon", "marguerite", "ivy"} <= parts
    published = builders.build_report("annual", YEAR, edition=builders.PUBLISHED)
    assert published.measures["children_on_plan_during_period"] == 12
    assert names_found(as_text(published, fmt), parts) == set()


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx", "json"])
def test_the_internal_edition_names_the_chairs(named_authority, fmt):
    internal = builders.build_report("annual", YEAR)
    found = names_found(as_text(internal, fmt), every_name_in_the_database())
    assert {"quennell", "wystan", "trelawny"} <= found
    assert not found & name_parts(f"{first} {last}" for first, last in CHILDREN)


def test_the_published_edition_has_no_by_chair_section_in_json(named_authority):
    data = builders.build_report("annual", YEAR, edition=builders.PUBLISHED).as_json()
    assert data["sections"]["edition"] == "published"
    assert "by_chair" not in data["sections"]
    assert data["sections"]["by_team"]
    internal = builders.build_report("annual", YEAR).as_json()
    assert internal["sections"]["edition"] == "internal"
    assert len(internal["sections"]["by_chair"]) == 6


def test_the_published_edition_cannot_be_for_one_chair(named_authority):
    with pytest.raises(ValueError, match="names no chair"):
        builders.build_report("annual", YEAR, chair=named_authority[0], edition=builders.PUBLISHED)
    with pytest.raises(ValueError, match="not one of internal, published"):
        builders.build_report("annual", YEAR, edition="public")


# ------------------------------------------------------------------- pages


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("who", ["analyst", "partnership"])
def test_roles_that_see_no_names_are_given_the_published_edition(
    client, staff, named_authority, who
):
    client.force_login(getattr(staff, who))
    response = client.get("/reports/annual/2018-19/")
    assert response.status_code == 200
    assert response.context["report"].edition == "published"
    main = main_of(response)
    assert names_found(main, every_name_in_the_database()) == set()
    assert "This is the published edition of the report" in main
    assert "/reports/annual/2018-19/children_on_plan_during_period/" not in main
    assert 'name="chair"' not in main
    assert "?edition=published" in main  # the downloads say which edition they are


@pytest.mark.parametrize("who", ["analyst", "partnership"])
def test_roles_that_see_no_names_are_refused_the_internal_edition(client, staff, who):
    client.force_login(getattr(staff, who))
    for url in (
        "/reports/annual/2018-19/?edition=internal",
        "/reports/annual/2018-19.pdf?edition=internal",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert escape(editions.PUBLISHED_ONLY) in response.content.decode()


def test_the_iro_manager_reads_the_internal_edition_and_may_switch(client, staff, named_authority):
    client.force_login(staff.iro_manager)
    response = client.get("/reports/annual/2018-19/")
    main = main_of(response)
    assert response.context["report"].edition == "internal"
    assert "Wystan Quennell" in main
    assert 'href="/reports/annual/2018-19/children_on_plan_during_period/"' in main
    assert 'href="/reports/annual/2018-19/?edition=published"' in main

    response = client.get("/reports/annual/2018-19/?edition=published")
    main = main_of(response)
    assert response.context["report"].edition == "published"
    assert names_found(main, every_name_in_the_database()) == set()
    assert "children_on_plan_during_period/" not in main
    assert 'href="/reports/annual/2018-19.pdf?edition=published"' in main
    assert 'href="/reports/annual/2018-19/?edition=internal"' in main


def test_switching_a_chairs_report_to_the_published_edition_says_it_is_the_services(
    client, staff, named_authority
):
    chair = named_authority[0]
    client.force_login(staff.iro_manager)
    main = main_of(client.get(f"/reports/annual/2018-19/?chair={chair.username}"))
    assert f"so it is the whole service's, not {chair.get_full_name()}'s" in main.replace(
        "&#x27;", "'"
    )


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv", "json"])
def test_a_published_download_names_no_one(client, staff, named_authority, fmt):
    client.force_login(staff.iro_manager)
    response = client.get(f"/reports/annual/2018-19.{fmt}?edition=published")
    assert response.status_code == 200
    assert "-published." in response["Content-Disposition"]
    content = response.content
    text = (
        pdf_text(content)
        if fmt == "pdf"
        else xlsx_text(content)
        if fmt == "xlsx"
        else content.decode()
    )
    assert names_found(text, every_name_in_the_database()) == set()


def test_an_unknown_edition_or_a_published_chair_filter_is_not_found(client, staff):
    client.force_login(staff.iro_manager)
    assert client.get("/reports/annual/2018-19/?edition=public").status_code == 404
    response = client.get("/reports/annual/2018-19/?edition=published&chair=ivy-iro")
    assert response.status_code == 404


# ------------------------------------------------------------------- the command line


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_the_command_writes_the_published_edition(named_authority, fmt):
    text = run("annual", "--period", "2018-19", "--format", fmt, "--edition", "published")
    assert names_found(text, every_name_in_the_database()) == set()
    internal = run("annual", "--period", "2018-19", "--format", fmt)
    if fmt != "csv":  # the CSV holds the measures only, in both editions
        assert "Quennell" in internal


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_command_writes_published_files(named_authority, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    run(
        "annual",
        "--period",
        "2018-19",
        "--format",
        fmt,
        "--edition",
        "published",
        "--output",
        str(out),
    )
    text = pdf_text(out.read_bytes()) if fmt == "pdf" else xlsx_text(out.read_bytes())
    assert "who were on a child protection plan at any time in the period" in " ".join(text.split())
    assert names_found(text, every_name_in_the_database()) == set()


def test_the_internal_edition_is_the_default_on_the_command_line(named_authority):
    data = json.loads(run("annual", "--period", "2018-19"))
    assert data["sections"]["edition"] == "internal"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--edition", "public"], builders.UNKNOWN_EDITION.format(edition="public")),
        (["--edition", "published", "--chair", "ivy-iro"], builders.PUBLISHED_FOR_A_CHAIR),
    ],
)
def test_a_bad_edition_is_one_line_and_exit_status_2(staff, args, message):
    with pytest.raises(CommandError) as error:
        run("annual", "--period", "2018-19", *args)
    assert str(error.value) == message
    assert error.value.returncode == 2
    assert command.UNKNOWN_EDITION is builders.UNKNOWN_EDITION
