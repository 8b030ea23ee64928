"""Every free-text field has a limit suited to its use, kept by the service with a clear
message (never a database error), shown beside the field as a character count; long
words and links wrap in the pages and the PDFs."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from iro import text_limits
from iro.challenge import forms as challenge_forms
from iro.documents import family_plan
from iro.journey import conference_forms, plan_forms, plan_services, services
from iro.journey.models import Invitation, PlanAction
from iro.journey.plan_selectors import plan_view
from iro.journey.templatetags.screening import wrappable
from iro.text_limits import TOO_LONG
from tests.factories import child_on_plan, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group
from tests.journey.test_conference_views import date_data

pytestmark = [pytest.mark.django_db]

SRC = Path(__file__).resolve().parents[1] / "src" / "iro"
LONG_WORD = "x" * 3_000


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    return child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20), team=staff.team
    )


def test_a_5000_character_action_is_refused_with_a_clear_message(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "y" * 5_000, "who": "Mum", **date_data("by_when", date(2024, 8, 30))},
    ).content.decode()
    # The field is named: the error summary lists it away from the field.
    assert (
        "The answer to “What needs to happen?” is 5,000 characters long: shorten it to 1,000 "
        "characters or fewer." in page
    )
    with pytest.raises(ValidationError) as refused:
        plan_services.add_action(
            plan=journey.plan, what="y" * 5_000, who="Mum", by_when=date(2024, 8, 30),
            acting_user=staff.iro,
        )  # fmt: skip
    assert refused.value.message_dict["what"] == [
        TOO_LONG.format(length=5_000, limit=text_limits.ACTION)
    ]
    assert not PlanAction.objects.exists()


def test_a_name_longer_than_its_column_gets_the_message_not_a_database_error(staff):
    conference = book_icpc(staff, sibling_group(staff))
    with pytest.raises(ValidationError) as refused:
        services.add_invitee(
            conference=conference, name="n" * 161, role="police", acting_user=staff.coordinator
        )
    assert refused.value.message_dict == {
        "name": [TOO_LONG.format(length=161, limit=text_limits.NAME)]
    }
    assert not Invitation.objects.exists()


def test_who_does_an_action_is_kept_to_a_name(staff, journey):
    with pytest.raises(ValidationError) as refused:
        plan_services.add_action(
            plan=journey.plan, what="Dentist", who="w" * 200, by_when=date(2024, 8, 30),
            acting_user=staff.iro,
        )  # fmt: skip
    assert refused.value.message_dict == {"who": [TOO_LONG.format(length=200, limit=160)]}


def test_no_text_limit_is_longer_than_the_column_it_is_kept_in():
    """A one-line value's limit is its column's width, so a too-long value is refused
    with the message and never reaches the database."""
    limits = {
        ("journey", "Conference", "venue"): text_limits.VENUE,
        ("journey", "Invitation", "name"): text_limits.NAME,
        ("journey", "PreMeeting", "advocate_organisation"): text_limits.NAME,
        ("journey", "PreMeeting", "interpreter_language"): text_limits.LANGUAGE,
        ("journey", "PlanAction", "who"): text_limits.NAME,
        ("journey", "CoreGroupMember", "name"): text_limits.NAME,
        ("challenge", "DisputeStage", "sent_to"): text_limits.NAME,
        ("challenge", "MultiAgencyChallenge", "professional"): text_limits.NAME,
        ("challenge", "MultiAgencyChallenge", "forwarded_to"): text_limits.NAME,
        ("challenge", "Feedback", "attribution"): text_limits.ATTRIBUTION,
        ("children", "Child", "first_name"): text_limits.CHILD_NAME,
        ("children", "Child", "last_name"): text_limits.CHILD_NAME,
        ("children", "Child", "preferred_language"): text_limits.LANGUAGE,
        ("children", "Family", "name"): text_limits.NAME,
    }
    for (app, model, field), limit in limits.items():
        column = apps.get_model(app, model)._meta.get_field(field)
        assert isinstance(column, models.CharField)
        assert limit <= column.max_length, f"{model}.{field}"


def form_classes() -> list:
    return [
        pytest.param(cls, id=cls.__name__)
        for module in (conference_forms, plan_forms, challenge_forms)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.Form) and cls.__module__ == module.__name__
    ]


@pytest.mark.parametrize("form_class", form_classes())
def test_every_one_line_text_field_has_a_limit_with_the_services_message(form_class):
    for name, field in form_class.base_fields.items():
        if type(field) is forms.CharField and not isinstance(field.widget, forms.HiddenInput):
            limits = [v for v in field.validators if isinstance(v, text_limits.MaxChars)]
            assert limits, f"{form_class.__name__}.{name} has no text limit"


def test_a_text_area_counts_its_characters_and_a_text_input_refuses_more_in_words(
    client, staff, journey
):
    client.force_login(staff.iro)
    page = client.get(reverse("plan_action_new", args=[journey.plan.public_id])).content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="1000"' in page
    assert 'class="govuk-textarea govuk-js-character-count"' in page
    assert 'id="id_what-info"' in page
    assert 'aria-describedby="id_what-info id_what-hint' in page
    # No maxlength: a browser would cut a longer text pasted in without a word.
    assert 'name="who" type="text" value="" spellcheck' in page
    too_long = "Northmoor Family Support " * 8  # 200 characters
    page = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Visit", "who": too_long},
    ).content.decode()
    assert (
        "The answer to “Who will do it?” is 199 characters long: shorten it to 160 characters "
        "or fewer." in page
    )
    assert f'value="{too_long.strip()}' in page  # kept, to shorten


def test_the_page_stylesheet_wraps_long_words():
    css = (SRC / "static" / "iro" / "iro.css").read_text()
    assert ".govuk-template__body {\n  overflow-wrap: break-word;" in css
    assert ".iro-long-run {\n  word-break: break-all;\n}" in css
    assert ".iro-free-text,\n.govuk-summary-list__value," in css


def test_a_long_run_without_a_space_gets_break_opportunities_and_words_do_not():
    run = "a" * 31
    assert wrappable(f"See {run} now") == f'See <span class="iro-long-run">{run}</span> now'
    assert wrappable("Northmoor Community Safeguarding Partnership") == (
        "Northmoor Community Safeguarding Partnership"
    )
    assert (
        wrappable("<b>" + "x" * 30) == '<span class="iro-long-run">&lt;b&gt;' + "x" * 30 + "</span>"
    )
    assert wrappable(None) == ""


def test_long_free_text_in_a_table_is_wrappable(client, staff, journey):
    plan_services.add_action(
        plan=journey.plan, what="a" * 1_000, who="Mum", by_when=date(2024, 8, 30),
        acting_user=staff.iro,
    )  # fmt: skip
    client.force_login(staff.iro)
    page = client.get(reverse("plan_detail", args=[journey.plan.public_id])).content.decode()
    assert '<span class="iro-long-run">' + "a" * 1_000 + "</span>" in page


@pytest.mark.parametrize(
    "template",
    [
        "documents/templates/documents/family_document.css",
        "reports/templates/reports/document.html",
        "rights/templates/rights/subject_access.html",
    ],
)
def test_every_pdf_stylesheet_wraps_long_words(template):
    css = (SRC / template).read_text()
    assert "html { overflow-wrap: break-word; }" in css
    assert ".iro-long-run { word-break: break-all; }" in css


def test_a_3000_character_word_stays_inside_the_family_plan_pdf_page(staff, journey):
    from weasyprint import HTML

    outcome = plan_services.add_outcome(plan=journey.plan, text="o" * 1_000, acting_user=staff.iro)
    plan_services.add_action(
        plan=journey.plan, outcome=outcome, what="a" * 1_000, who="w" * 160,
        by_when=date(2024, 8, 30), acting_user=staff.iro,
    )  # fmt: skip
    row = journey.icpc.children.get()
    row.worries = LONG_WORD
    row.save(update_fields=["worries"])
    html = family_plan.render_html(plan_view(staff.iro, journey.plan))
    assert LONG_WORD in html
    document = HTML(string=html).render()
    for page in document.pages:
        width = page.width
        for box in page._page_box.descendants():
            right = box.position_x + box.margin_width()
            assert right <= width + 1, f"{type(box).__name__} ends at {right} of {width}"
