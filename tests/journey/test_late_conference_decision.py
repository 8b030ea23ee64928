"""A manager's decision on a conference held outside timescale: agreed, or the reason not
accepted with a comment; who and when are kept, the conference page shows it, and a
decided conference leaves the queue of those waiting."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from iro.journey import queues, services
from iro.journey.models import Conference, ConferenceKind, LateDecision, LatenessReason
from iro.work.landings import SERVICE_MANAGER_QUEUES
from tests.factories import ChildFactory, child_on_plan, hold_conference, make_staff

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 10)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


def held_late(staff, first="Ayla", *, chair=None, held_on=date(2025, 10, 1)) -> Conference:
    kid = ChildFactory(first_name=first, last_name="Ashcombe", team=staff.team)
    return hold_conference(
        kind=ConferenceKind.REVIEW, children=[(kid, {})], chair=chair or staff.iro,
        held_on=held_on, lateness_reason=LatenessReason.INTERPRETER,
    )  # fmt: skip


def decide(conference, user, decision, comment="", on=TODAY) -> Conference:
    return services.decide_late_conference(
        conference=conference, decision=decision, decided_on=on, comment=comment,
        acting_user=user,
    )  # fmt: skip


def date_data(name: str, d: date) -> dict[str, str]:
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- The service ---------------------------------------------------------------------------


def test_a_manager_agrees_a_late_conference_with_an_optional_comment(staff):
    conference = decide(held_late(staff), staff.iro_manager, LateDecision.AGREED)
    assert conference.late_decision == LateDecision.AGREED
    assert conference.late_decided_by == staff.iro_manager
    assert conference.late_decided_on == TODAY
    assert conference.late_decision_comment == ""
    latest = conference.history.latest()
    assert latest.late_decision == LateDecision.AGREED
    assert latest.history_user == staff.iro_manager


def test_a_manager_does_not_accept_the_reason_and_says_why(staff):
    conference = decide(
        held_late(staff), staff.senior_manager, LateDecision.NOT_AGREED,
        "  An interpreter was available on the due date.  ",
    )  # fmt: skip
    conference.refresh_from_db()
    assert conference.late_decision == LateDecision.NOT_AGREED
    assert conference.late_decided_by == staff.senior_manager
    assert conference.late_decision_comment == "An interpreter was available on the due date."


def test_not_accepting_the_reason_without_a_comment_is_refused_and_nothing_is_saved(staff):
    conference = held_late(staff)
    with pytest.raises(ValidationError) as refused:
        decide(conference, staff.iro_manager, LateDecision.NOT_AGREED, "   ")
    assert messages_of(refused.value) == {"late_decision_comment": [services.LATE_COMMENT_REQUIRED]}
    conference.refresh_from_db()
    assert conference.late_decision == "" and conference.late_decided_by is None


def test_a_decision_that_is_neither_is_refused(staff):
    with pytest.raises(ValidationError) as refused:
        decide(held_late(staff), staff.iro_manager, "maybe")
    assert messages_of(refused.value) == {"late_decision": [services.LATE_DECISION_REQUIRED]}


def test_a_decision_dated_in_the_future_is_refused(staff):
    with pytest.raises(ValidationError) as refused:
        decide(held_late(staff), staff.iro_manager, LateDecision.AGREED, on=date(2025, 10, 11))
    assert list(messages_of(refused.value)) == ["late_decided_on"]


def test_a_decision_dated_before_the_conference_was_due_to_be_arranged_is_refused(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 27), team=staff.team
    )
    review = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro, held_on=date(2025, 5, 12), lateness_reason=LatenessReason.INTERPRETER,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        decide(review, staff.iro_manager, LateDecision.AGREED, on=date(2020, 1, 1))
    assert messages_of(refused.value) == {
        "late_decided_on": [
            "The decision cannot be before the conference's timescale began, on 27 January "
            "2025 (a delay can be agreed ahead of the conference, not before it was due to be "
            "arranged)."
        ]
    }
    review.refresh_from_db()
    assert review.late_decision == ""
    # Agreed ahead of the conference, once the delay was known: accepted.
    assert decide(review, staff.iro_manager, LateDecision.AGREED, on=date(2025, 4, 22))


def test_a_decided_conference_cannot_be_decided_again(staff):
    conference = decide(held_late(staff), staff.iro_manager, LateDecision.AGREED)
    with pytest.raises(ValidationError) as refused:
        decide(conference, staff.senior_manager, LateDecision.NOT_AGREED, "No.")
    assert messages_of(refused.value) == {
        "late_decision": [
            "Mona Greyfriar already decided on this late conference on 10 October 2025: agreed."
        ]
    }
    conference.refresh_from_db()
    assert conference.late_decided_by == staff.iro_manager


def test_an_iro_cannot_decide_on_a_late_conference(staff):
    with pytest.raises(ValidationError) as refused:
        decide(held_late(staff, chair=staff.other_iro), staff.iro, LateDecision.AGREED)
    assert messages_of(refused.value) == {"late_decision": [services.CANNOT_AGREE_LATE]}


# --- The queues ----------------------------------------------------------------------------


def test_a_decided_conference_either_way_leaves_the_queue_waiting_for_agreement(staff):
    agreed = decide(held_late(staff, "Ayla"), staff.iro_manager, LateDecision.AGREED)
    refused = decide(held_late(staff, "Brin"), staff.iro_manager, LateDecision.NOT_AGREED, "No.")
    waiting = held_late(staff, "Cato")
    queue = queues.late_conferences_to_agree(staff.iro_manager, TODAY)
    assert [row.cells[0] for row in queue.rows] == ["Cato Ashcombe"]
    assert set(queues.late_conferences_waiting(staff.iro_manager)) == {waiting}
    assert agreed not in queues.late_conferences_waiting(staff.iro_manager)
    assert refused not in queues.late_conferences_waiting(staff.iro_manager)


def test_a_reason_not_accepted_is_listed_for_the_manager_with_who_when_and_why(staff):
    decide(held_late(staff, "Ayla"), staff.iro_manager, LateDecision.AGREED)
    decide(
        held_late(staff, "Brin"), staff.senior_manager, LateDecision.NOT_AGREED,
        "An interpreter was free on the due date.", on=date(2025, 10, 8),
    )  # fmt: skip
    long_ago = held_late(staff, "Cato", held_on=date(2025, 5, 1))
    decide(long_ago, staff.iro_manager, LateDecision.NOT_AGREED, "No.", on=date(2025, 6, 1))

    queue = queues.late_reasons_not_accepted(staff.iro_manager, TODAY)

    (row,) = queue.rows
    assert row.cells[0] == "Brin Ashcombe"
    assert row.cells[-1] == (
        "Seren Elmstead on 8 Oct 2025: An interpreter was free on the due date."
    )
    assert row.flag == "Reason not accepted"
    assert row.href.endswith("#lateness")
    assert queues.late_reasons_not_accepted in SERVICE_MANAGER_QUEUES


def test_the_service_work_page_lists_reasons_not_accepted(client, staff):
    decide(held_late(staff, "Brin"), staff.senior_manager, LateDecision.NOT_AGREED, "No cause.")
    client.force_login(staff.iro_manager)
    page = client.get(reverse("service_work")).content.decode()
    section = page[page.index('id="late-not-accepted"') :]
    assert "Late conferences whose reason was not accepted" in page
    assert "Brin Ashcombe" in section[: section.index("</section>")]


# --- The conference page -------------------------------------------------------------------


def test_the_manager_records_that_the_reason_is_not_accepted_on_the_conference_page(client, staff):
    conference = held_late(staff)
    client.force_login(staff.iro_manager)
    url = reverse("conference_agree_late", args=[conference.public_id])
    page = client.post(
        url,
        {**date_data("decided_on", TODAY), "decision": "not_agreed", "comment": "Not a reason."},
        follow=True,
    ).content.decode()
    assert "You have recorded that the reason for the lateness is not accepted." in page
    assert "Reason not accepted</strong> by Mona Greyfriar on 10 October 2025" in page
    assert "Not a reason." in page
    assert "Record the decision" not in page  # decided: no form any more


def test_not_agreeing_without_a_comment_on_the_page_says_what_is_missing(client, staff):
    conference = held_late(staff)
    client.force_login(staff.iro_manager)
    page = client.post(
        reverse("conference_agree_late", args=[conference.public_id]),
        {**date_data("decided_on", TODAY), "decision": "not_agreed", "comment": ""},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert services.LATE_COMMENT_REQUIRED in html
    assert 'href="#id_comment"' in html
    conference.refresh_from_db()
    assert conference.late_decision == ""


def test_the_page_offers_agree_or_not_with_a_comment_while_waiting(client, staff):
    conference = held_late(staff)
    client.force_login(staff.iro_manager)
    page = client.get(reverse("conference_detail", args=[conference.public_id])).content.decode()
    assert "Waiting for a manager's decision" in page
    assert 'value="agreed"' in page and 'value="not_agreed"' in page
    assert 'name="comment"' in page
    assert "Record the decision" in page


# --- A manager who chaired the conference --------------------------------------------------


def test_a_manager_who_chaired_the_conference_cannot_decide_on_its_lateness(staff):
    conference = held_late(staff, chair=staff.iro_manager)
    for decision, comment in ((LateDecision.AGREED, ""), (LateDecision.NOT_AGREED, "No.")):
        with pytest.raises(ValidationError) as refused:
            decide(conference, staff.iro_manager, decision, comment)
        assert messages_of(refused.value) == {"late_decision": [services.LATE_OWN_CONFERENCE]}
    conference.refresh_from_db()
    assert conference.late_decision == "" and conference.late_decided_by is None


def test_another_manager_decides_on_the_lateness_of_a_conference_a_manager_chaired(staff):
    conference = held_late(staff, chair=staff.iro_manager)
    decide(conference, staff.senior_manager, LateDecision.AGREED)
    conference.refresh_from_db()
    assert conference.late_decided_by == staff.senior_manager


def test_the_page_tells_the_manager_who_chaired_it_that_another_manager_decides(client, staff):
    conference = held_late(staff, chair=staff.iro_manager)
    client.force_login(staff.iro_manager)
    page = client.get(reverse("conference_detail", args=[conference.public_id])).content.decode()
    assert (
        "You chaired this conference, so another manager must decide whether its lateness "
        "is agreed."
    ) in page
    assert "Record the decision" not in page
    client.force_login(staff.senior_manager)
    page = client.get(reverse("conference_detail", args=[conference.public_id])).content.decode()
    assert "Record the decision" in page and "You chaired this conference" not in page


def test_a_decision_posted_by_the_manager_who_chaired_it_is_refused_with_the_reason(client, staff):
    conference = held_late(staff, chair=staff.iro_manager)
    client.force_login(staff.iro_manager)
    page = client.post(
        reverse("conference_agree_late", args=[conference.public_id]),
        {**date_data("decided_on", TODAY), "decision": "agreed"},
    )
    assert services.LATE_OWN_CONFERENCE in page.content.decode()
    conference.refresh_from_db()
    assert conference.late_decision == ""


def test_the_queue_says_another_manager_decides_a_conference_the_manager_chaired(staff):
    held_late(staff, "Ayla", chair=staff.iro_manager)
    held_late(staff, "Brin")
    rows = queues.late_conferences_to_agree(staff.iro_manager, TODAY).rows
    assert [(r.cells[0], r.action, r.flag) for r in rows] == [
        ("Ayla Ashcombe", "Read the reason", "You chaired it: another manager decides"),
        ("Brin Ashcombe", "Read the reason and decide", ""),
    ]


def test_the_api_gives_the_managers_decision_on_a_late_conference(staff):
    from tests.api.conftest import Api, token_for

    conference = held_late(staff)
    api = Api(token_for(staff.iro))
    path = f"/api/conferences/{conference.public_id}/"
    assert (api.get(path).json()["late_decision"], api.get(path).json()["late_decided_on"]) == (
        "", None,
    )  # fmt: skip
    decide(conference, staff.iro_manager, LateDecision.NOT_AGREED, "No interpreter was asked for.")
    body = api.get(path).json()
    assert (body["late_decision"], body["late_decided_on"]) == ("not_agreed", TODAY.isoformat())


# --- Changing a decision -------------------------------------------------------------------


def test_a_decision_is_changed_with_a_reason_and_the_earlier_one_kept(staff):
    from iro.journey.models import ConferenceAmendment

    conference = decide(held_late(staff), staff.iro_manager, LateDecision.AGREED)
    with pytest.raises(ValidationError) as error:
        services.decide_late_conference(
            conference=conference, decision=LateDecision.NOT_AGREED, decided_on=TODAY,
            comment="The interpreter was booked late.", acting_user=staff.senior_manager,
            change_reason_text=" ",
        )  # fmt: skip
    assert messages_of(error.value)["late_change_reason"] == [services.LATE_CHANGE_REASON_REQUIRED]
    services.decide_late_conference(
        conference=conference, decision=LateDecision.NOT_AGREED, decided_on=TODAY,
        comment="The interpreter was booked late.", acting_user=staff.senior_manager,
        change_reason_text="Agreed by mistake: the interpreter was booked late.",
    )  # fmt: skip
    conference.refresh_from_db()
    assert (conference.late_decision, conference.late_decided_by) == (
        LateDecision.NOT_AGREED,
        staff.senior_manager,
    )
    [amendment] = ConferenceAmendment.objects.filter(conference=conference)
    assert amendment.reason == "Agreed by mistake: the interpreter was booked late."
    [change] = amendment.changes
    assert change["before"].startswith("Agreed by Mona Greyfriar on 10 October 2025")
    assert change["after"].startswith("Reason not accepted by ")


def test_a_change_that_changes_nothing_or_comes_first_is_refused(staff):
    conference = held_late(staff)
    with pytest.raises(ValidationError) as error:
        services.decide_late_conference(
            conference=conference, decision=LateDecision.AGREED, decided_on=TODAY,
            acting_user=staff.iro_manager, change_reason_text="Why not.",
        )  # fmt: skip
    assert messages_of(error.value)["late_decision"] == [services.LATE_NOT_YET_DECIDED]
    decide(conference, staff.iro_manager, LateDecision.AGREED)
    with pytest.raises(ValidationError) as error:
        services.decide_late_conference(
            conference=conference, decision=LateDecision.AGREED, decided_on=TODAY,
            acting_user=staff.iro_manager, change_reason_text="Why not.",
        )  # fmt: skip
    assert messages_of(error.value)["late_decision"] == [services.LATE_DECISION_UNCHANGED]


def test_the_page_offers_to_change_a_decision_and_says_it_was_kept(client, staff):
    conference = decide(held_late(staff), staff.iro_manager, LateDecision.AGREED)
    client.force_login(staff.iro_manager)
    detail = reverse("conference_detail", args=[conference.public_id])
    page = client.get(detail).text
    assert 'id="change-late-decision"' in page and "Record the decision" not in page
    url = reverse("conference_agree_late", args=[conference.public_id])
    change = {**date_data("decided_on", TODAY), "decision": "not_agreed", "changing": "True",
              "comment": "The interpreter was booked late."}  # fmt: skip
    page = client.post(url, change).text
    assert services.LATE_CHANGE_REASON_REQUIRED in page
    assert 'id="change-late-decision" open' in page  # the error is seen where it is
    page = client.post(url, {**change, "change_reason": "Agreed by mistake."}, follow=True).text
    assert "The decision it replaces is kept in the record&#x27;s history." in page
    assert "Reason not accepted</strong>" in page
    history = client.get(reverse("conference_history", args=[conference.public_id])).text
    assert "Agreed by mistake." in history


def test_an_iro_is_offered_no_change_and_is_refused_one(client, staff):
    conference = decide(held_late(staff), staff.iro_manager, LateDecision.AGREED)
    client.force_login(staff.iro)
    detail = reverse("conference_detail", args=[conference.public_id])
    assert 'id="change-late-decision"' not in client.get(detail).text
    response = client.post(
        reverse("conference_agree_late", args=[conference.public_id]),
        {**date_data("decided_on", TODAY), "decision": "not_agreed", "changing": "True",
         "comment": "x", "change_reason": "y"},
    )  # fmt: skip
    assert response.status_code == 403
    conference.refresh_from_db()
    assert conference.late_decision == LateDecision.AGREED
