"""The journey for the family in the family's language, then English, and in the other
formats: the staff page chooses the recorded language by default, the PDF to post holds
the leaflet in that language and then in English, and large print, audio and Braille are
offered for the version and language chosen."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from iro.documents import family_journey, sources
from iro.documents.family_journey import WORDS
from tests.factories import child_on_plan, make_staff

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def polish_child(staff):
    """Quilla, 10, whose family's recorded language is Polish."""
    return child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20),
        team=staff.team, first_name="Quilla", last_name="Ashcombe",
        date_of_birth=date(2014, 3, 1), social_worker=staff.social_worker,
        preferred_language="Polish",
    ).child  # fmt: skip


def pages(response) -> int:
    """The PDF's page count, as poppler's pdfinfo reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(response.content)
        pdf.flush()
        info = subprocess.run(
            ["pdfinfo", pdf.name], capture_output=True, text=True, check=True
        ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def test_the_staff_page_chooses_the_familys_recorded_language(client, staff, polish_child):
    client.force_login(staff.social_worker)
    html = client.get(reverse("family_journey", args=[polish_child.public_id])).content.decode()
    assert '<option value="pl" selected>' in html
    assert "audience=8-to-12&amp;lang=pl" in html
    assert "Open the leaflet in English (web page)" in html


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils (pdfinfo) is missing")
def test_the_leaflet_to_post_holds_the_familys_language_then_english(client, staff, polish_child):
    client.force_login(staff.social_worker)
    url = reverse("family_journey_pdf", args=[polish_child.public_id])
    both = client.get(url, {"lang": "pl"})
    english = client.get(url, {"lang": "en-gb"})
    assert both["Content-Disposition"].endswith('-pl.pdf"')
    assert english["Content-Disposition"].endswith('-8-to-12.pdf"')
    assert pages(both) == 2 * pages(english)


def test_a_steps_words_are_put_in_the_language_the_leaflet_is_rendered_in(staff, polish_child):
    journey = family_journey.build(staff.social_worker, polish_child)
    step = journey.happened[0]
    for code in ("pl", "cy", "en-gb"):
        with translation.override(code):
            expected = str(WORDS[step.kind][family_journey.REGISTER[journey.audience]]).format(
                name="Quilla"
            )
            assert str(step.words) == expected


def test_the_other_formats_are_offered_for_the_version_and_language_chosen(staff, polish_child):
    document = {"child": str(polish_child.public_id), "audience": "parents", "lang": "pl"}
    source = sources.find(staff.social_worker, sources.FAMILY_JOURNEY, document)
    assert source.language == "pl"
    assert source.document == document
    text = source.structured()
    assert text.language == "pl"
    assert text.blocks, "the leaflet's words are read for large print, audio and Braille"


@pytest.mark.parametrize("who", ["analyst", "partnership", "outsider"])
def test_a_user_who_may_not_have_the_leaflet_cannot_have_it_in_another_format(
    staff, polish_child, who
):
    document = {"child": str(polish_child.public_id), "audience": "parents"}
    with pytest.raises((PermissionDenied, Http404)):
        sources.find(getattr(staff, who), sources.FAMILY_JOURNEY, document)
