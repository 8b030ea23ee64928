"""The report's words: written by the IRO service manager per period, checked for plain
language, refused when they name someone, kept with history, and shown in every format."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape
from openpyxl import load_workbook

from iro import text_limits
from iro.children.models import FamilyMember, Relationship
from iro.narrative import services, views
from iro.narrative.models import Narrative
from iro.narrative.selectors import known_in, names_in, screened
from iro.reports import builders
from iro.reports.renderers import document, spreadsheet
from tests.factories import FamilyFactory
from tests.reports.conftest import YEAR, a_child

pytestmark = pytest.mark.django_db

CONTEXT = "We had six chairs this year. Two joined in the autumn and caseloads fell."
WENT_WELL = "More children came to their own conference than ever before."
WAS_HARD = "Reports for conferences often arrived late, so families had little time to read them."
NEXT = "We will meet every family before the first conference."


def write(user, **texts):
    return services.write_narrative(
        kind="annual",
        period="2018-19",
        texts=texts,
        acting_user=user,
        expected_version=services.version_now("annual", "2018-19"),
    )


# ------------------------------------------------------------------- the service


def test_the_iro_manager_writes_the_words_of_a_period(staff):
    narrative = write(staff.iro_manager, context=CONTEXT, went_well=WENT_WELL)
    assert (narrative.kind, narrative.period) == ("annual", "2018-19")
    assert narrative.context == CONTEXT
    assert narrative.written_by == staff.iro_manager


def test_a_later_save_keeps_the_sections_it_does_not_give_and_history_keeps_each_version(staff):
    write(staff.iro_manager, context=CONTEXT)
    write(staff.iro_manager, went_well=WENT_WELL)
    narrative = Narrative.objects.get()
    assert (narrative.context, narrative.went_well) == (CONTEXT, WENT_WELL)
    versions = list(narrative.history.order_by("history_id"))
    assert [(v.context, v.went_well) for v in versions] == [(CONTEXT, ""), (CONTEXT, WENT_WELL)]
    assert {v.history_user for v in versions} == {staff.iro_manager}


def test_saving_the_same_words_again_adds_no_history(staff):
    write(staff.iro_manager, context=CONTEXT)
    write(staff.iro_manager, context=CONTEXT + "  ")
    assert Narrative.objects.get().history.count() == 1


@pytest.mark.parametrize("who", ["iro", "analyst", "senior_manager", "partnership"])
def test_only_the_iro_manager_may_write_them(staff, who):
    with pytest.raises(PermissionDenied):
        write(getattr(staff, who), context=CONTEXT)
    assert not Narrative.objects.exists()


def test_words_naming_a_child_a_parent_or_staff_are_refused_saying_which(staff):
    family = FamilyFactory(name="Quorrington family")
    a_child(staff, first_name="Aarav", last_name="Quorrington", family=family)
    FamilyMember.objects.create(
        family=family, name="Sara Alnworth", relationship=Relationship.MOTHER
    )
    with pytest.raises(ValidationError) as error:
        write(
            staff.iro_manager,
            context=CONTEXT,
            went_well="Sara Alnworth, mother of Aarav, thanked Ivy for the meeting.",
        )
    assert error.value.message_dict == {
        "went_well": [services.NAMES_SOMEONE.format(names="“Sara”, “Alnworth”, “Aarav” and “Ivy”")]
    }
    assert not Narrative.objects.exists()  # nothing half-written: not even the context


def test_a_family_named_in_the_plural_is_refused_too(staff):
    a_child(staff, first_name="Aarav", last_name="Mosswater")
    with pytest.raises(ValidationError) as error:
        write(staff.iro_manager, went_well="The Mosswaters told us the meeting helped.")
    assert error.value.message_dict == {
        "went_well": [services.NAMES_SOMEONE.format(names="“Mosswaters”")]
    }


def test_everyday_words_that_are_also_names_pass_in_lower_case(staff):
    a_child(staff, first_name="Will", last_name="Hope")
    write(staff.iro_manager, next_steps="We will keep hope alive and will review caseloads.")
    assert Narrative.objects.get().next_steps.startswith("We will")


def test_a_section_longer_than_its_limit_is_refused(staff):
    too_long = "word " * (text_limits.NARRATIVE_SECTION // 5 + 1)
    with pytest.raises(ValidationError) as error:
        write(staff.iro_manager, was_hard=too_long)
    assert error.value.message_dict["was_hard"] == [
        text_limits.TOO_LONG.format(length=len(too_long.strip()), limit=6000)
    ]


def test_an_unknown_period_is_refused(staff):
    with pytest.raises(ValidationError) as error:
        services.write_narrative(
            kind="annual",
            period="2018-2019",
            texts={"context": CONTEXT},
            acting_user=staff.iro_manager,
            expected_version=services.NONE_SAVED,
        )
    assert error.value.messages == [services.NOT_A_PERIOD]


def test_a_name_written_in_lower_case_is_refused_too(staff):
    a_child(staff, first_name="Lily", last_name="Alnbrook")
    with pytest.raises(ValidationError) as error:
        write(staff.iro_manager, was_hard="The plan for lily alnbrook slipped; ivy chaired it.")
    assert error.value.message_dict == {
        "was_hard": [services.NAMES_SOMEONE.format(names="“lily”, “alnbrook” and “ivy”")]
    }


def test_names_are_found_as_written_once_each():
    parts = frozenset({"ivy", "coldharbour", "o'neill", "will"})
    assert names_in("Ivy and Ivy's chair, O'Neill; ivy on walls; we will.", parts) == [
        "Ivy",
        "Ivy's",
        "O'Neill",
        "ivy",
    ]
    assert screened("Thanks to Ivy Coldharbour.", parts) == "Thanks to [name] [name]."


def test_every_known_name_includes_staff_children_and_family(staff):
    a_child(staff, first_name="Zinnia", last_name="Ockwell")
    parts = known_in(["Zinnia Ockwell met Mona Greyfriar and Ivy, with nobody else."])
    assert parts == {"zinnia", "ockwell", "mona", "greyfriar", "ivy"}


# ------------------------------------------------------------------- in the report


@pytest.fixture
def written(staff):
    write(
        staff.iro_manager, context=CONTEXT, went_well=WENT_WELL, was_hard=WAS_HARD, next_steps=NEXT
    )
    return builders.build_report("annual", YEAR)


def test_the_report_carries_the_words_in_every_edition(staff, written):
    assert [f for f, _, _ in written.narrative] == [
        "context",
        "went_well",
        "was_hard",
        "next_steps",
    ]
    published = builders.build_report("annual", YEAR, edition=builders.PUBLISHED)
    assert published.words("next_steps") == NEXT
    sections = written.as_json()["sections"]["narrative"]
    assert sections[0] == {"section": "context", "title": "Context and staffing", "text": CONTEXT}


def test_a_name_recorded_after_the_words_were_written_is_screened_out(staff):
    write(staff.iro_manager, went_well="Thanks to Brennagh for her help.")
    a_child(staff, first_name="Brennagh", last_name="Ulvercombe")
    report = builders.build_report("annual", YEAR)
    assert report.words("went_well") == "Thanks to [name] for her help."


def test_a_report_of_another_period_has_none_of_these_words(staff, written):
    other = builders.build_report("annual", YEAR.previous_year())
    assert other.narrative == []


def test_the_printable_document_puts_each_section_in_its_place(written):
    html = document.render_html(written)
    order = [
        html.index("<h2>Context and staffing</h2>"),
        html.index(escape(CONTEXT)),
        html.index("<h2>Children and young people on a child protection plan</h2>"),
        html.index("<h3>What went well</h3>"),
        html.index(escape(WAS_HARD)),
        html.index("<h2>Action plan</h2>"),
        html.index(escape(NEXT)),
        html.index("<h2>What each measure means</h2>"),
    ]
    assert order == sorted(order)


def test_the_spreadsheet_has_a_words_sheet(written):
    book = load_workbook(io.BytesIO(spreadsheet.render_xlsx(written)))
    rows = list(book["Words"].iter_rows(values_only=True))
    assert rows[0] == ("section", "title", "text")
    assert rows[1] == ("context", "Context and staffing", CONTEXT)
    assert rows[4] == ("next_steps", "What needs to be done next", NEXT)


def test_a_quarterly_report_shows_next_steps_in_its_own_section(staff, client):
    services.write_narrative(
        kind="quarterly",
        period="2018-19-Q2",
        texts={"next_steps": NEXT},
        acting_user=staff.iro_manager,
        expected_version=services.NONE_SAVED,
    )
    client.force_login(staff.senior_manager)
    page = client.get("/reports/quarterly/2018-19-Q2/").content.decode()
    assert 'id="next-steps">What needs to be done next</h2>' in page
    assert escape(NEXT) in page


# ------------------------------------------------------------------- the page

URL = "/reports/narrative/annual/2018-19/"


def test_the_report_page_links_the_iro_manager_to_the_words(client, staff):
    client.force_login(staff.iro_manager)
    assert f'href="{URL}"' in client.get("/reports/annual/2018-19/").content.decode()
    client.force_login(staff.senior_manager)
    assert URL not in client.get("/reports/annual/2018-19/").content.decode()


def test_the_page_shows_the_sections_and_next_years_targets(client, staff):
    from tests.challenge.factories import TargetFactory

    TargetFactory(year="2019-20", measure="reviews_on_time", value=95, action="Book reviews early.")
    client.force_login(staff.iro_manager)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    for title in (
        "Context and staffing",
        "What went well",
        "What was hard",
        "What needs to be done next",
    ):
        assert title in page
    assert "Targets for 2019-20" in page
    assert "Children whose reviews were all on time (%): At least 95%." in page
    assert "Book reviews early." in page


def test_a_months_words_are_headed_by_its_month_and_offer_no_years_targets(client, staff):
    client.force_login(staff.iro_manager)
    page = client.get(URL.replace("annual/2018-19", "monthly/2019-02")).text
    assert "The words of the monthly report February 2019" in page
    assert "Targets for" not in page


def test_saving_sends_back_to_the_page_with_the_words_and_their_history(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(
        URL, {"context": CONTEXT, "went_well": "", "was_hard": "", "next_steps": "", "version": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    page = client.get(URL).content.decode()
    assert escape(views.SAVED) in page
    assert escape(CONTEXT) in page
    history = page[page.index('id="narrative-history"') :]
    assert "Mona Greyfriar" in history
    assert "Context and staffing" in history


def test_the_page_shows_the_plain_language_check_of_each_section(client, staff):
    write(
        staff.iro_manager, was_hard="The ICPC was delayed because the strategy discussion was late."
    )
    client.force_login(staff.iro_manager)
    page = client.get(URL).content.decode()
    assert 'id="id_was_hard-plain"' in page
    assert "the first child protection meeting" in page  # the plainer words for ICPC


def test_a_name_is_an_error_beside_its_field_and_nothing_is_saved(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(
        URL,
        {
            "context": "Ivy Coldharbour left in May.",
            "went_well": "",
            "was_hard": "",
            "next_steps": "",
            "version": "0",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<title>Error:" in page
    assert escape(services.NAMES_SOMEONE.format(names="“Ivy” and “Coldharbour”")) in page
    assert 'href="#id_context"' in page
    assert not Narrative.objects.exists()


def test_a_section_too_long_is_an_error_beside_its_field(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(
        URL,
        {"context": "a" * 6001, "went_well": "", "was_hard": "", "next_steps": "", "version": "0"},
    )
    # Named, beside the field and in the summary: "Context is 6,001 characters long: ..."
    assert "is 6,001 characters long: shorten it to 6,000 characters or fewer." in (
        response.content.decode()
    )
    assert not Narrative.objects.exists()


def page_as_saved(client) -> dict[str, str]:
    """What the page's form sends back untouched: each section and the version it showed."""
    return page_as_saved_from(client.get(URL).content.decode())


def test_two_managers_saving_different_sections_keep_both(client, staff):
    """One opens the page, another saves a section meanwhile: the first's save of another
    section keeps it (a second save overwrote the first's words, unseen)."""
    write(staff.iro_manager, context=CONTEXT)
    client.force_login(staff.iro_manager)
    mine = page_as_saved(client)
    write(staff.iro_manager, went_well=WENT_WELL, context=CONTEXT)
    response = client.post(URL, mine | {"was_hard": WAS_HARD})
    assert response.status_code == 302
    saved = Narrative.objects.get()
    assert (saved.context, saved.went_well, saved.was_hard) == (CONTEXT, WENT_WELL, WAS_HARD)


def test_two_managers_changing_the_same_section_are_shown_both_and_nothing_is_saved(client, staff):
    write(staff.iro_manager, context=CONTEXT)
    client.force_login(staff.iro_manager)
    mine = page_as_saved(client)
    write(staff.iro_manager, context="Our chairs changed twice this year.", went_well=WENT_WELL)
    response = client.post(URL, mine | {"context": "We had seven chairs.", "was_hard": WAS_HARD})
    assert response.status_code == 200
    page = response.content.decode()
    assert "saved other words for this section at" in page
    assert 'id="theirs-context"' in page and "Our chairs changed twice this year." in page
    assert Narrative.objects.get().was_hard == ""
    # The form now carries the other's untouched section and the version saved, so
    # saving again keeps both.
    again = page_as_saved_from(page)
    assert again["went_well"] == WENT_WELL and again["context"] == "We had seven chairs."
    assert client.post(URL, again).status_code == 302
    saved = Narrative.objects.get()
    assert (saved.context, saved.went_well, saved.was_hard) == (
        "We had seven chairs.",
        WENT_WELL,
        WAS_HARD,
    )


def page_as_saved_from(page: str) -> dict[str, str]:
    fields = {}
    for name in ("context", "went_well", "was_hard", "next_steps"):
        start = page.index(f'name="{name}"')
        body = page[page.index(">", start) + 1 : page.index("</textarea>", start)]
        fields[name] = unescape(body.strip("\n"))
    return fields | {"version": re.search(r'name="version" value="(\d+)"', page).group(1)}


def test_a_save_from_a_page_that_sent_no_version_is_refused(client, staff):
    client.force_login(staff.iro_manager)
    response = client.post(URL, {"context": CONTEXT})
    assert response.status_code == 200
    assert not Narrative.objects.exists()


@pytest.mark.parametrize("who", ["iro", "analyst", "partnership", "senior_manager"])
def test_other_roles_are_refused_the_page(client, staff, who):
    client.force_login(getattr(staff, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"context": CONTEXT}).status_code == 403
    assert not Narrative.objects.exists()


@pytest.mark.parametrize(
    "url", ["/reports/narrative/weekly/2018-19/", "/reports/narrative/annual/2018-2019/"]
)
def test_an_unknown_period_is_not_found(client, staff, url):
    client.force_login(staff.iro_manager)
    assert client.get(url).status_code == 404
