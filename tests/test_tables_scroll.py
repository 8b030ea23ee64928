"""On a narrow screen (320 CSS px, 400 % zoom) a wide data table scrolls within its own
region, never the whole page: each table of these pages sits in an ``iro-table-scroll``
region, named by the table's caption and scrolled from the keyboard (tabindex 0)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from lxml import html as lxml_html

from iro.journey import plan_services
from iro.journey.checks import today
from iro.journey.models import ActionStatus
from iro.notices.services import notify
from tests.access.matrix_authority import authority_settings, build_authority
from tests.factories import LeaveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _module_settings():
    """tests/conftest.py's settings (set there per test) while the authority is built."""
    with authority_settings():
        yield


@pytest.fixture(scope="module")
def authority(_module_settings, django_db_setup, django_db_blocker):
    """A small authority with a record of every kind (tests/access/matrix_authority.py),
    with leave ahead, an action's progress recorded and a message about the dispute:
    built once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        a = build_authority()
        LeaveFactory(user=a.staff.other_iro, start_date=today() + timedelta(days=7),
                     end_date=today() + timedelta(days=9))  # fmt: skip
        plan_services.record_action_progress(
            action=a.action, status=ActionStatus.IN_PROGRESS, progress="Two sessions so far.",
            expected_version=a.action.version, acting_user=a.staff.iro,
        )  # fmt: skip
        notify(
            recipient=a.staff.iro, subject="An answer to a dispute you raised is waiting for you",
            link=reverse("dispute_detail", args=[a.dispute.public_id]),
            acting_user=a.staff.team_manager,
        )  # fmt: skip
        yield a
        transaction.set_rollback(True)


def scroll_regions(page: str) -> list[str]:
    """The caption of each table on ``page``, having checked that the table is in a
    scroll region named by that caption (each id it names is on the page once)."""
    tree = lxml_html.fromstring(page)
    captions = []
    for table in tree.iter("table"):
        region = table.getparent()
        assert "iro-table-scroll" in (region.get("class") or "").split(), table.get("id")
        assert (region.tag, region.get("role"), region.get("tabindex")) == ("div", "region", "0")
        caption = table.find("caption")
        assert caption is not None and caption.get("id"), table.get("id")
        named_by = region.get("aria-labelledby", "").split()
        assert named_by and named_by[0] == caption.get("id")
        for id_ in named_by:
            assert len(tree.xpath(f'//*[@id="{id_}"]')) == 1, id_
        captions.append(" ".join(caption.text_content().split()))
    return captions


PAGES = [
    # (who, URL name, its arguments, the captions of its tables)
    ("iro", "challenge_list", lambda a: [], ["To send to the professional's manager"]),
    ("iro", "notice_list", lambda a: [], ["Your messages, newest first"]),
    (
        "iro",
        "dispute_detail",
        lambda a: [a.dispute.public_id],
        ["The stages this dispute reached", "Who iro told about this dispute"],
    ),
    ("iro_manager", "staff_leave", lambda a: [], ["IROs' leave from today, earliest first"]),
    (
        "coordinator",
        "conference_chair",
        lambda a: [a.review.public_id],
        ["Proposed chairs, best first"],
    ),
    (
        "iro_manager",
        "target_edit",
        lambda a: ["2018-19", "icpc_within_15_working_days"],
        ["Every version of this target, newest first"],
    ),
    (
        "iro",
        "plan_action_progress",
        lambda a: [a.plan.public_id, a.action.pk],
        ["The action's earlier status and progress, newest first"],
    ),
    (
        "iro",
        "family_plan",
        lambda a: [a.plan.public_id],
        ["What will help", "Other things that need to happen"],
    ),
]


@pytest.mark.parametrize(("who", "name", "args", "captions"), PAGES, ids=[p[1] for p in PAGES])
def test_each_table_scrolls_in_its_own_region(client, authority, who, name, args, captions):
    client.force_login(getattr(authority.staff, who))
    response = client.get(reverse(name, args=args(authority)))
    assert response.status_code == 200
    assert scroll_regions(response.text) == captions


def title_above(page: str, table_id: str) -> str:
    """The heading just above the scroll region of the table ``table_id``, whose own
    caption is for screen readers only."""
    table = lxml_html.fromstring(page).get_element_by_id(table_id)
    assert "govuk-visually-hidden" in table.find("caption").get("class").split()
    heading = next(e for e in table.getparent().itersiblings(preceding=True) if e.tag == "h2")
    return heading.text_content()


def test_a_title_shown_above_a_table_is_a_heading_outside_its_scrolling(client, authority):
    # Not a caption inside the table, which a narrow screen would cut with the table.
    client.force_login(authority.staff.iro)
    page = client.get(reverse("challenge_list")).text
    assert title_above(page, "to-forward") == "To send to the professional's manager"
    client.force_login(authority.staff.coordinator)
    page = client.get(reverse("conference_chair", args=[authority.review.public_id])).text
    assert title_above(page, "chair-proposals") == "Proposed chairs, best first"
    order = lxml_html.fromstring(page).get_element_by_id("chair-proposals-order")
    assert order.text_content().startswith("Those who can chair it, then those free")
    assert 'aria-describedby="chair-proposals-order"' in page


def test_the_family_plan_in_two_languages_names_each_region_once(client, authority):
    client.force_login(authority.staff.iro)
    page = client.get(reverse("family_plan", args=[authority.plan.public_id]), {"lang": "pl"}).text
    captions = scroll_regions(page)  # every id once, though the plan is there twice
    assert len(captions) == 4 and captions[2:] == [
        "What will help",
        "Other things that need to happen",
    ]
