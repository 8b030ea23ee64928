"""The conference pages: strategy discussion, the ICPC request, booking and the chair,
invitations, the chair's meetings beforehand, recording the conference, lateness.

Thin views: every child through ``access.scope`` (``conference_for`` asks it for
every child of a conference), every action behind a ``Capability``, every change a
POST through a service, whose field-level refusals go back onto the form. A form
saved from a stale page is refused with ``STALE_RECORD``; what the user typed stays
in the form beside the record as it now is, so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from iro import timescales
from iro.access.capabilities import (
    REFUSED_ACTION,
    Capability,
    has_capability,
    require_capability,
)
from iro.access.log import log_export
from iro.access.scope import (
    FREE_TEXT_WITHHELD,
    child_for,
    display_name,
    shows_names,
    visible_to,
)
from iro.children.models import Child
from iro.documents import family_document
from iro.documents.family_document import invitation_choice
from iro.documents.plain_language import WordingSummary, check_fields, field_checks
from iro.journey import (
    chairs,
    enquiry_date,
    held_date,
    invitations,
    minutes,
    queues,
    referral_date,
    services,
)
from iro.journey.checks import Errors, before_birth, not_in_future, today, warnings_now
from iro.journey.conference_forms import (
    LATE_DECISION_ALIASES,
    REFERRAL_DATE_NEEDED,
    AddChildrenForm,
    AmendReasonForm,
    AttendanceForm,
    CancelForm,
    ChairForm,
    ChildOutcomeForm,
    ConferenceBookingForm,
    ConferenceReportForm,
    EnquiryDateForm,
    HeldDateForm,
    IcpcDecisionForm,
    InviteeContactChangeForm,
    InviteeForm,
    LateDecisionForm,
    MinutesSentForm,
    PreMeetingForm,
    RecordConferenceForm,
    ReferralDateForm,
    RemoveChildForm,
    RescheduleForm,
    StrategyDiscussionForm,
    TransferNotifiedForm,
    apply_service_errors,
    came_from,
    error_summary,
    naming_the_date,
    recommendation_initial,
    wording_only,
)
from iro.journey.corrections import ended_plan, started_plan
from iro.journey.models import (
    OPEN_ACTION_STATUSES,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Correction,
    CorrectionKind,
    Decision,
    Episode,
    Invitation,
    InviteeRole,
    LateDecision,
    Plan,
    PreMeeting,
    Section47,
)
from iro.journey.selectors import (
    FAMILY_ROLES,
    amendments,
    carried_record,
    conference_for,
    how_soon,
    may_record,
    recommending_agencies,
    review_dates_by_plan,
)
from iro.journey.services import ChildOutcome, Subject
from iro.languages import ENGLISH, SUPPORTED
from iro.people.selectors import closure_days

CHILDREN_HINT = (
    "Brothers and sisters can share one conference; each child keeps their own due date."
)
SIBLINGS_TICKED = (
    " Those due on the same day are ticked: untick anyone whose conference is held apart."
)
# The booking form's second button: show the chairs free at the time given, book nothing.
CHECK_CHAIRS = "check_chairs"
NOT_THE_CHAIR = "Only the conference's chair or an IRO manager can record this."
NOT_SCHEDULED_TO_CANCEL = "Only a conference that is still booked can be cancelled."
ONLY_ONE_CHILD = "This conference is for one child only: to stop it, cancel the conference instead."
NO_ONE_TO_ADD = (
    "No brother or sister you can see is waiting for this kind of conference: each is at "
    "this one already, or has no enquiry or plan waiting for one."
)
UNKNOWN_KIND = "Choose an initial, a review or a transfer-in conference."
NOTHING_TO_BOOK = "There is nothing to book: {name} has no {what} waiting for a conference."
ALREADY_BOOKED = "There is nothing to book: {name}'s {kind} is already booked, {when}. Here it is."
NO_TRANSFER_IN = (
    "There is nothing to book: {name} is already on a plan here or has a transfer-in "
    "conference booked."
)
BOOKING_TITLES = {
    ConferenceKind.INITIAL: "Book an initial child protection conference",
    ConferenceKind.REVIEW: "Book a review child protection conference",
    ConferenceKind.TRANSFER_IN: "Book a transfer-in conference",
}

PLAIN_TEXT_FIELDS = ("worries", "working_well", "needs_to_happen")


# ------------------------------------------------------------------- access


def require_record(user, conference: Conference) -> None:
    require_capability(user, Capability.CHAIR_CONFERENCES)
    if not may_record(user, conference):
        raise PermissionDenied(NOT_THE_CHAIR)


def _page(request, template: str, context: dict, *forms_) -> HttpResponse:
    errors = error_summary(*forms_)
    context = {"error_list": errors, "page_has_errors": bool(errors), **context}
    return render(request, template, context, status=200)


def _family(user, child: Child) -> list[Child]:
    """The child and the brothers and sisters ``user`` may see, eldest first."""
    if child.family_id is None:
        return [child]
    return list(
        visible_to(user)
        .filter(family_id=child.family_id)
        .select_related("team", "social_worker")
        .order_by("date_of_birth", "pk")
    )


def _versioned_save(form, record, save):
    """Run ``save`` (a service call on ``record``, made from the version ``form`` carries):
    ``(True, its result, False)``, or on a refusal ``(False, None, stale)`` with the
    messages on ``form`` and, after the stale-record refusal, the version now saved."""
    try:
        return True, save(), False
    except ValidationError as error:
        stale = apply_service_errors(form, error)
        if stale:
            record.refresh_from_db()
            _stale_version(form, record)
        return False, None, stale


def _stale_version(form, record) -> None:
    """After a stale refusal the form carries the version now saved, so a deliberate
    second save (after reading the other person's change) goes through."""
    data = form.data.copy()
    data["version"] = str(record.version)
    form.data = data


# ------------------------------------------------------------ conference rows


@dataclass(frozen=True)
class RowView:
    row: ConferenceChild
    name: str
    due: date | None
    in_time: bool | None
    pre_meeting: PreMeeting | None


def row_views(user, conference: Conference) -> list[RowView]:
    """Each child at the conference with their own due date and whether it is met."""
    closures = closure_days()
    rows = (
        conference.children.exclude(child_id__in=getattr(conference, "hidden_child_ids", ()))
        .select_related("child", "section47", "plan", "pre_meeting")
        .prefetch_related("recommendations")
        .order_by("child__date_of_birth", "pk")
    )
    out = []
    for row in rows:
        due = services.due_date(
            kind=conference.kind,
            section47=row.section47,
            plan=row.plan,
            notified_on=conference.notified_on,
            before=conference.held_on,
            closures=closures,
        )
        # A cancelled conference was never held: neither in time nor late.
        cancelled = conference.status == ConferenceStatus.CANCELLED
        when = None if cancelled else conference.held_on or conference.scheduled_date
        out.append(
            RowView(
                row=row,
                name=display_name(user, row.child),
                due=due,
                in_time=None if due is None or when is None else when <= due,
                pre_meeting=getattr(row, "pre_meeting", None),
            )
        )
    return out


def _conference_context(request, conference: Conference) -> dict:
    user = request.user
    rows = row_views(user, conference)
    entry = getattr(conference, "calendar_entry", None)
    invited = list(conference.invitations.select_related("agency"))
    by = invitations.posted_by(invited)
    sends_invitations = has_capability(user, Capability.SCHEDULE_CONFERENCES)
    return {
        "conference": conference,
        "rows": rows,
        "names": invitations.plain_list(r.name for r in rows),
        "may_schedule": has_capability(user, Capability.SCHEDULE_CONFERENCES),
        "may_record": may_record(user, conference),
        "may_agree_late": has_capability(user, Capability.AGREE_LATE_CONFERENCES),
        "may_record_report": has_capability(user, Capability.RECORD_CONFERENCE_REPORT),
        "report_due": _report_due(conference),
        # A manager does not decide on the lateness of a conference they chaired.
        "chaired_it": conference.chair_id is not None and conference.chair_id == user.pk,
        **_record_context(user, conference),
        "scheduled": conference.status == ConferenceStatus.SCHEDULED,
        # A booking's warnings as they stand now (the due date follows the records).
        "booking_warnings": warnings_now(
            conference.booking_warnings,
            scheduled_date=conference.scheduled_date,
            due=min((rv.due for rv in rows if rv.due is not None), default=None),
        ),
        # Booked for a day gone by and not recorded: record it, or move or cancel it.
        "day_gone_by": conference.is_gone_by(today()),
        "held": conference.status == ConferenceStatus.HELD,
        "shows_names": shows_names(user),
        # Recorded from the day it is booked for (held on another day: change the date).
        "record_open": conference.scheduled_date is not None
        and conference.scheduled_date <= today(),
        # Attendance is recorded from the conference's day (the service refuses it before).
        "attendance_open": conference.status == ConferenceStatus.HELD
        or (
            conference.status == ConferenceStatus.SCHEDULED
            and conference.scheduled_date is not None
            and conference.scheduled_date <= today()
        ),
        "invitations": [
            (
                i,
                invitations.state_for_reader(
                    invitations.invitation_state(i, entry, by.get(i.pk, "")),
                    sends_invitations=sends_invitations,
                ),
            )
            for i in invited
        ],
        "attendance_recorded": any(i.attendance for i in invited),
        # The letters still to post: once recorded as posted, no button offers it again.
        "letters_to_post": {i.pk for i in invited if invitations.letter_to_post(i, entry)},
        "postable": {i.pk for i in invited if invitations.has_postal_address(i)},
        # Those posted an invitation to a conference since cancelled: a second letter.
        "cancellations_to_post": {
            i.pk for i in invited if invitations.cancellation_to_post(i, today())
        },
    }


# ------------------------------------------------------------- the hub page


def _protection_overview(child: Child) -> dict:
    """The child's enquiries, plans and conferences for the hub page, in a fixed number
    of queries however many enquiries, plans, reviews and actions there are."""
    closures = closure_days()
    live_rows = Prefetch(
        "conference_rows",
        queryset=ConferenceChild.objects.exclude(conference__status=ConferenceStatus.CANCELLED)
        .select_related("conference")
        .order_by("pk"),
        to_attr="live_rows",
    )
    section47s = [
        {
            "s47": s47,
            "due": timescales.icpc_due(s47.start_date, closures=closures),
            "conference": s47.live_rows[0].conference if s47.live_rows else None,
        }
        for s47 in Section47.objects.filter(episode__child=child)
        .select_related("strategy_discussion")
        .prefetch_related(live_rows)
    ]
    plans = list(
        Plan.objects.filter(child=child)
        .annotate(
            actions_total=Count("actions", distinct=True),
            actions_open=Count(
                "actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES), distinct=True
            ),
        )
        .order_by("-start_date")
    )
    plan_ids = [p.pk for p in plans]
    reviews_by_plan = review_dates_by_plan(plan_ids)
    booked: dict[int, date | None] = dict(
        ConferenceChild.objects.filter(
            plan_id__in=plan_ids,
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.SCHEDULED,
        ).values_list("plan_id", "conference__scheduled_date")
    )
    day = today()
    plan_items = []
    for plan in plans:
        reviews = sorted(set(reviews_by_plan.get(plan.pk, [])))
        plan_items.append(
            {
                "plan": plan,
                "reviews": reviews,
                "next_due": (
                    None
                    if plan.end_date
                    else timescales.next_review_after(plan.start_date, reviews)
                ),
                "review_booked": plan.pk in booked,
                # Booked for a day gone by and not recorded: recorded, moved or cancelled.
                "review_gone_by": plan.pk in booked
                and booked[plan.pk] is not None
                and booked[plan.pk] < day,
            }
        )
    conferences = list(
        ConferenceChild.objects.filter(child=child)
        .select_related("conference", "conference__chair", "plan")
        .order_by("-conference__scheduled_date", "-conference__pk")
    )
    for row in conferences:
        booked = row.conference
        if booked.status == ConferenceStatus.SCHEDULED and booked.booking_warnings:
            # Said as they stand now: the due date follows the records since the booking.
            booked.booking_warnings = warnings_now(
                booked.booking_warnings,
                scheduled_date=booked.scheduled_date,
                due=services.conference_due(booked),
            )
    for row in conferences:
        row.gone_by = row.conference.is_gone_by(day)
    return {
        "section47s": section47s,
        "plans": plan_items,
        "conferences": conferences,
        "may_book_transfer_in": not any(p.end_date is None for p in plans)
        and not any(
            r.conference.kind == ConferenceKind.TRANSFER_IN
            and r.conference.status == ConferenceStatus.SCHEDULED
            for r in conferences
        ),
    }


def child_protection(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A child's child protection work: enquiries, conferences and plans, with what
    can be done next."""
    child = child_for(request.user, public_id)
    return render(
        request,
        "journey/conference/child_protection.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            **_protection_overview(child),
            "may_record_strategy": has_capability(
                request.user, Capability.RECORD_STRATEGY_DISCUSSION
            ),
            "may_schedule": has_capability(request.user, Capability.SCHEDULE_CONFERENCES),
            "may_chair": has_capability(request.user, Capability.CHAIR_CONFERENCES),
            "active_nav": "children",
        },
    )


# ------------------------------------------------------ strategy discussion


def _open_episode_of(child: Child) -> Episode | None:
    return (
        Episode.objects.filter(child=child, closure_date__isnull=True)
        .order_by("-referral_date", "-pk")
        .first()
    )


def strategy_discussion_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for(request.user, public_id)
    require_capability(request.user, Capability.RECORD_STRATEGY_DISCUSSION)
    name = display_name(request.user, child)
    family = [c for c in _family(request.user, child) if c != child]
    open_enquiries = _open_enquiries(family)
    siblings = [(c, display_name(request.user, c) + open_enquiries.get(c.pk, "")) for c in family]
    form = StrategyDiscussionForm(
        request.POST if request.method == "POST" else None, siblings=siblings
    )
    if request.method == "POST":
        form.is_valid()  # what is missing is said all at once, the referral date's too
        data = form.cleaned_data
        chosen = [child] + [c for c, _ in siblings if str(c.public_id) in data.get("also_for", [])]
        episodes = {c.pk: _open_episode_of(c) for c in chosen}
        # Said with the siblings' problems below, not a round later by the service.
        held_on_error = not_in_future(data["held_on"]) if data.get("held_on") else None
        if held_on_error:
            form.add_error("held_on", naming_the_date(form.fields["held_on"], [held_on_error]))
        for c in chosen:
            if (
                episodes[c.pk] is None
                and data.get("referral_date") is None
                and "referral_date" not in form.errors
            ):
                form.add_error(
                    "referral_date",
                    REFERRAL_DATE_NEEDED.format(name=display_name(request.user, c)),
                )
        if form.is_valid():
            try:
                with transaction.atomic():
                    discussions = []
                    for c in chosen:
                        episode = episodes[c.pk] or services.open_episode(
                            child=c,
                            referral_date=data["referral_date"],
                            referral_source=data["referral_source"],
                            acting_user=request.user,
                        )
                        discussions.append(
                            services.record_strategy_discussion(
                                episode=episode,
                                held_on=data["held_on"],
                                start_section47=data["start_section47"],
                                notes=data["notes"],
                                acting_user=request.user,
                            )
                        )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                names = invitations.plain_list(display_name(request.user, c) for c in chosen)
                if data["start_section47"]:
                    due = timescales.icpc_due(data["held_on"], closures=closure_days())
                    messages.success(
                        request,
                        f"Strategy discussion recorded for {names}. The Section 47 enquiry "
                        f"started on {data['held_on']:%-d %B %Y}: the initial child protection "
                        f"conference is due by {due:%-d %B %Y}.",
                    )
                else:
                    messages.success(request, f"Strategy discussion recorded for {names}.")
                return redirect("child_protection", public_id=child.public_id)
    return _page(
        request,
        "journey/conference/strategy_discussion.html",
        {
            "child": child,
            "name": name,
            "form": form,
            "needs_episode": _open_episode_of(child) is None,
            "own_open_enquiry": _open_enquiry_start(child),
            "active_nav": "children",
        },
        form,
    )


def _open_enquiry_start(child: Child) -> date | None:
    """The day ``child``'s latest enquiry still waiting for its initial conference began."""
    s47 = _waiting_enquiry(child)
    return s47.start_date if s47 is not None and s47.episode.closure_date is None else None


def _open_enquiries(children: list[Child]) -> dict[int, str]:
    """For each child with an enquiry still waiting for its initial conference (none
    held, none ruled out), a few words saying so, to read before recording another: a
    brother or sister already under enquiry is ticked only for a new one."""
    waiting = (
        Section47.objects.filter(
            episode__child__in=children,
            episode__closure_date__isnull=True,
            icpc_not_required=False,
        )
        .exclude(
            pk__in=services.held_icpc_rows().filter(section47__isnull=False).values("section47")
        )
        .order_by("start_date", "pk")
        .values_list("episode__child_id", "start_date")
    )
    return {
        child_id: f" (an enquiry from {start:%-d %B %Y} is still open)"
        for child_id, start in waiting
    }


def _enquiries_with_icpc():
    """The Section 47 enquiries whose initial conference is booked or held (a subquery)."""
    return ConferenceChild.objects.filter(
        conference__kind=ConferenceKind.INITIAL,
        conference__status__in=[ConferenceStatus.SCHEDULED, ConferenceStatus.HELD],
        section47__isnull=False,
    ).values("section47")


def _siblings_waiting(user, child: Child, s47: Section47) -> list[Section47]:
    """The enquiries of ``child``'s brothers and sisters (those ``user`` may see) started
    the same day as ``s47``, at the same strategy discussion as a rule, with no initial
    conference requested, ruled out, booked or held yet."""
    others = [c for c in _family(user, child) if c.pk != child.pk]
    if not others:
        return []
    return list(
        Section47.objects.filter(
            episode__child__in=others,
            start_date=s47.start_date,
            icpc_requested_on__isnull=True,
            icpc_not_required=False,
        )
        .exclude(pk__in=_enquiries_with_icpc())
        .select_related("episode__child")
        .order_by("episode__child__date_of_birth", "pk")
    )


def section47_icpc(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Request the initial conference, or record that none is needed."""
    child = child_for(request.user, public_id)
    require_capability(request.user, Capability.RECORD_STRATEGY_DISCUSSION)
    try:
        s47 = Section47.objects.get(pk=pk, episode__child=child)
    except Section47.DoesNotExist as exc:
        raise Http404("No such enquiry") from exc
    due = timescales.icpc_due(s47.start_date, closures=closure_days())
    waiting = _siblings_waiting(request.user, child, s47)
    form = IcpcDecisionForm(
        request.POST or None,
        siblings=[(s, display_name(request.user, s.episode.child)) for s in waiting],
        initial={"requested_on": today()},  # usually asked for on the day it is recorded
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == IcpcDecisionForm.REQUEST:
                chosen = [s for s in waiting if str(s.pk) in data.get("siblings", [])]
                with transaction.atomic():  # for all of them, or none
                    for enquiry in (s47, *chosen):
                        services.request_icpc(
                            section47=enquiry,
                            requested_on=data["requested_on"],
                            acting_user=request.user,
                        )
                names = [
                    display_name(request.user, c)
                    for c in (child, *(s.episode.child for s in chosen))
                ]
                messages.success(
                    request,
                    "Initial child protection conference requested for "
                    f"{invitations.plain_list(names)}: "
                    f"due by {due:%-d %B %Y}.",
                )
            else:
                services.record_icpc_not_required(
                    section47=s47, acting_user=request.user, reason=data.get("reason", "")
                )
                messages.success(request, "Recorded: no initial conference is needed.")
        except ValidationError as error:
            apply_service_errors(form, error, aliases={"icpc_not_required": "decision"})
        else:
            return redirect("child_protection", public_id=child.public_id)
    return _page(
        request,
        "journey/conference/icpc_decision.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            "s47": s47,
            "due": due,
            "form": form,
            "active_nav": "children",
        },
        form,
    )


def section47_date(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Correct the date an enquiry started (its strategy discussion's), with its
    brothers' and sisters' begun the same day: its initial conference's due date follows."""
    child = child_for(request.user, public_id)
    if not has_capability(request.user, Capability.VOID_RECORDS):
        require_capability(request.user, Capability.RECORD_STRATEGY_DISCUSSION)
    try:
        s47 = Section47.objects.select_related("episode__child").get(pk=pk, episode__child=child)
    except Section47.DoesNotExist as exc:
        raise Http404("No such enquiry") from exc
    closures = closure_days()
    due = timescales.icpc_due(s47.start_date, closures=closures)
    same_day = enquiry_date.same_day_enquiries(request.user, s47)
    held = (
        ConferenceChild.objects.filter(
            section47=s47,
            conference__kind=ConferenceKind.INITIAL,
            conference__status=ConferenceStatus.HELD,
        )
        .select_related("conference")
        .first()
    )
    form = EnquiryDateForm(
        request.POST or None,
        siblings=[(s, display_name(request.user, s.episode.child)) for s in same_day],
        held=held is not None,
        initial={
            "start_date": s47.start_date,
            "lateness_reason": held.conference.lateness_reason if held else "",
            "lateness_detail": held.conference.lateness_detail if held else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [s for s in same_day if str(s.pk) in data.get("siblings", [])]
        try:
            result = enquiry_date.correct_enquiry_date(
                section47=s47,
                start_date=data["start_date"],
                also=chosen,
                reason=data["reason"],
                lateness_reason=data.get("lateness_reason") or "",
                lateness_detail=data.get("lateness_detail") or "",
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            names = invitations.plain_list(
                display_name(request.user, s.episode.child) for s in result.enquiries
            )
            new_due = timescales.icpc_due(data["start_date"], closures=closures)
            said = (
                f"The enquiry for {names} now starts on {data['start_date']:%-d %B %Y}, "
                f"not {result.before:%-d %B %Y}: the initial child protection conference "
                f"is due by {new_due:%-d %B %Y}."
            )
            if result.now_late:
                said += " It was held after that: its lateness waits for a manager's decision."
            elif result.now_in_time:
                said += " It was held in time, so the reason for lateness is no longer kept."
            messages.success(request, said)
            return redirect("child_protection", public_id=child.public_id)
    return _page(
        request,
        "journey/conference/enquiry_date.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            "s47": s47,
            "due": due,
            "held": held.conference if held else None,
            "form": form,
            "active_nav": "children",
        },
        form,
    )


def referral_date_correct(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Correct the date of a referral (the start of its Child in Need episode)."""
    child = child_for(request.user, public_id)
    if not has_capability(request.user, Capability.VOID_RECORDS):
        require_capability(request.user, Capability.RECORD_STRATEGY_DISCUSSION)
    try:
        episode = Episode.objects.get(pk=pk, child=child)
    except Episode.DoesNotExist as exc:
        raise Http404("No such referral") from exc
    form = ReferralDateForm(
        request.POST if request.method == "POST" else None,
        initial={"referral_date": episode.referral_date},
    )
    if request.method == "POST" and form.is_valid():
        before = episode.referral_date
        try:
            saved = referral_date.correct_referral_date(
                episode=episode,
                referral_date=form.cleaned_data["referral_date"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The referral of {display_name(request.user, child)} is now dated "
                f"{saved.referral_date:%-d %B %Y}, not {before:%-d %B %Y}.",
            )
            return redirect(came_from(request) or reverse("child_journey", args=[child.public_id]))
    return _page(
        request,
        "journey/conference/referral_date.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            "episode": episode,
            "form": form,
            "back": came_from(request),
            "active_nav": "children",
        },
        form,
    )


# ------------------------------------------------------------------ booking


@dataclass(frozen=True)
class Candidate:
    child: Child
    subject: Subject
    due: date | None
    # For a transfer-in: the day the initial conference of an enquiry open here is due.
    local_icpc_due: date | None = None


def _candidate_label(user, candidate: Candidate) -> str:
    """A child to choose for a conference: "Wren Brackwater: due by 1 July 2024"."""
    name = display_name(user, candidate.child)
    label = f"{name}: due by {candidate.due:%-d %B %Y}" if candidate.due else name
    if candidate.local_icpc_due is not None:
        label += (
            f" (a Section 47 enquiry here waits for its initial conference, due by "
            f"{candidate.local_icpc_due:%-d %B %Y})"
        )
    return label


def _ticked(child: Child, candidates: list[Candidate]) -> list[str]:
    """The children a booking starts with ticked: the child it was started from, and the
    brothers and sisters due on the same day (the same enquiry or the same reviews: one
    conference for the family, as is usual); the coordinator unticks anyone held apart.
    A brother or sister with an enquiry of this authority waiting for its initial
    conference is not ticked for a transfer-in: theirs is that conference."""
    due = next((c.due for c in candidates if c.child == child), None)
    return [
        str(c.child.public_id)
        for c in candidates
        if c.child == child or (due is not None and c.due == due and c.local_icpc_due is None)
    ]


def _waiting_enquiry(child: Child) -> Section47 | None:
    """``child``'s latest Section 47 enquiry still waiting for an initial conference."""
    return (
        Section47.objects.filter(episode__child=child, icpc_not_required=False)
        .exclude(pk__in=_enquiries_with_icpc())
        .order_by("-start_date", "-pk")
        .first()
    )


def _candidates(
    user, child: Child, kind: str, *, notified_on: date | None = None
) -> list[Candidate]:
    """The family's children waiting for a conference of ``kind``, with their due date.

    A transfer-in conference is for a child not on a plan here and without one booked;
    each is due 15 working days from ``notified_on``.
    """
    closures = closure_days()
    out = []
    for c in _family(user, child):
        if kind == ConferenceKind.TRANSFER_IN:
            on_plan = Plan.objects.filter(child=c, end_date__isnull=True).exists()
            booked = ConferenceChild.objects.filter(
                child=c,
                conference__kind=ConferenceKind.TRANSFER_IN,
                conference__status=ConferenceStatus.SCHEDULED,
            ).exists()
            if not on_plan and not booked and notified_on is not None:
                due = timescales.transfer_in_due(notified_on, closures=closures)
                s47 = _waiting_enquiry(c)
                local = timescales.icpc_due(s47.start_date, closures=closures) if s47 else None
                out.append(Candidate(c, Subject(child=c), due, local_icpc_due=local))
        elif kind == ConferenceKind.INITIAL:
            s47 = _waiting_enquiry(c)
            if s47 is not None:
                out.append(
                    Candidate(
                        c,
                        Subject(child=c, section47=s47),
                        timescales.icpc_due(s47.start_date, closures=closures),
                    )
                )
        else:
            plan = (
                Plan.objects.filter(child=c, end_date__isnull=True)
                .exclude(
                    # Through the live rows' manager, so a voided booking does not count.
                    pk__in=ConferenceChild.objects.filter(
                        conference__kind=ConferenceKind.REVIEW,
                        conference__status=ConferenceStatus.SCHEDULED,
                        plan__isnull=False,
                    ).values("plan")
                )
                .first()
            )
            if plan is not None:
                out.append(
                    Candidate(
                        c,
                        Subject(child=c, plan=plan),
                        timescales.next_review_after(plan.start_date, services.review_dates(plan)),
                    )
                )
    return out


def _booked_chair_words(conference: Conference, current) -> str:
    """Who is booked to chair ``conference`` and, when they cannot, why ("" for no chair
    yet): ``current`` is their proposal on the chair page, None when they no longer
    chair conferences."""
    if not conference.chair_id:
        return ""
    chair = conference.chair
    if current is None:
        return f"{chair} is booked to chair it, and no longer chairs conferences."
    if current.refusals:
        return f"{chair} is booked to chair it, and cannot: " + " ".join(current.refusals)
    if current.busy_at_time:
        return (
            f"{chair} is booked to chair it, and cannot then: {_mid_sentence(current.busy_then)}."
        )
    return f"{chair} is booked to chair it."


def _mid_sentence(text: str) -> str:
    """``text`` (a sentence's start, "On leave that day") to follow a colon."""
    return text[0].lower() + text[1:]


def _working_time_words(fte) -> str:
    """A part-time chair's working time, which the order of the chairs divides by: a
    chair of 0.6 with 48 children comes before a full-time one with 59."""
    if fte is None or fte >= 1:
        return ""
    return f", working {fte.normalize():f} of full time"


def _chair_hints(options, *, free_then: str = "") -> dict[str, str]:
    """Each chair's line on the choice: ``free_then`` is said of those free at the time
    asked about ("Free at the time chosen"), when there was one."""
    hints = {}
    for o in options:
        parts = []
        if o.refusals:
            parts.append("Cannot chair: " + " ".join(o.refusals))
        if o.previous:
            parts.append(f"Chaired these children before (last on {o.last_chaired_on:%-d %b %Y})")
        parts.append(
            f"{o.children_on_plan} child{'ren' if o.children_on_plan != 1 else ''} on a plan, "
            f"{o.upcoming} conference{'s' if o.upcoming != 1 else ''} booked"
            + _working_time_words(o.fte)
        )
        free_then_too = bool(free_then) and o.allowed and not o.busy_at_time
        if o.busy_at_time:
            parts.append(f"Busy then: {_mid_sentence(o.busy_then)}")
        elif free_then_too:
            parts.append(free_then)
        if o.slots and not free_then_too:  # free then: their other times are only noise
            label = "Free near that day: " if free_then else "Free: "
            parts.append(label + ", ".join(str(s) for s in o.slots))
        hints[str(o.chair.pk)] = ". ".join(parts) + "."
    return hints


def _transfer_notified(request: HttpRequest) -> tuple[TransferNotifiedForm, date | None]:
    """The notification date of a transfer-in booking, carried in the query string so the
    booking form posts back to the page that showed its due date."""
    given = any(k.startswith("notified_on_") for k in request.GET)
    form = TransferNotifiedForm(request.GET if given else None)
    if not given or not form.is_valid():
        return form, None
    notified_on = form.cleaned_data["notified_on"]
    problem = not_in_future(notified_on)
    if problem:
        form.add_error("notified_on", problem)
        return form, None
    return form, notified_on


def _sent_to(conference: Conference) -> tuple[int, list[str]]:
    """How many were emailed the invitation, and the names of those posted a letter."""
    sent = conference.invitations.filter(sent_at__isnull=False)
    return sent.exclude(email="").count(), [i.name for i in sent.filter(email="").order_by("pk")]


TIME_PASSED_NOT_SENT = (
    "Its time has already passed, so no update was emailed and no letter needs posting: "
    "tell anyone who needs to know."
)


def _told(conference: Conference) -> str:
    """After a change the invitations give: who is sent the update, and the letters to
    post again (empty when nobody was invited yet)."""
    emailed, posted_to = _sent_to(conference)
    posted = len(posted_to)
    told = f" An update to {_people(emailed)} was queued to email." if emailed else ""
    if posted:
        letters = "letter" if posted == 1 else f"{posted} letters"
        told += f" The {letters} already posted must be posted again: see Invitations to post."
    return told


def _when_given(form) -> chairs.When | None:
    """The time a booking form gives, once its date, start and length are read (an
    empty length is the usual two hours); None before then."""
    data = getattr(form, "cleaned_data", {})
    day, at = data.get("scheduled_date"), data.get("scheduled_time")
    minutes = data.get("duration_minutes")
    if minutes is None and "duration_minutes" not in form.errors:
        minutes = services.DEFAULT_DURATION_MINUTES
    if day is None or at is None or not minutes or minutes < 0:
        return None
    return chairs.When(day, at, minutes)


def _not_a_working_day(when: chairs.When | None) -> str:
    """ "25 December 2026 is a bank holiday (Christmas Day), not a working day.", said
    when the chairs free then are shown, not only once the booking is asked for."""
    why = when and timescales.non_working_day(when.day, closures=closure_days())
    return services.BOOKING_NON_WORKING_DAY.format(day=when.day, why=why) if why else ""


def _confirm_for(form, error: ValidationError) -> date | None:
    """The date to ask a confirmation for: when the service asked for one, or the person
    had already started to give it (so a refusal for another reason keeps their reason)."""
    data = form.cleaned_data
    asked = "confirm_reason" in getattr(error, "error_dict", {})
    started = data.get("confirm_booking") or data.get("confirm_reason")
    return data.get("scheduled_date") if asked or started else None


def conference_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Book an initial, review or transfer-in conference for a child and their brothers
    and sisters. A transfer-in booking first asks when the authority was told."""
    child = child_for(request.user, public_id)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    kind = request.GET.get("kind", ConferenceKind.INITIAL)
    if kind not in BOOKING_TITLES:
        raise Http404(UNKNOWN_KIND)
    name = display_name(request.user, child)
    notified_on = None
    if kind == ConferenceKind.TRANSFER_IN:
        notified_form, notified_on = _transfer_notified(request)
        if notified_on is None:
            return _page(
                request,
                "journey/conference/transfer_notified.html",
                {"child": child, "name": name, "form": notified_form, "active_nav": "children"},
                notified_form,
            )
    candidates = _candidates(request.user, child, kind, notified_on=notified_on)
    if not any(c.child == child for c in candidates):
        booked = (
            Conference.objects.filter(
                kind=kind, status=ConferenceStatus.SCHEDULED, children__child=child
            )
            .order_by("scheduled_date", "pk")
            .first()
        )
        if booked is not None:  # the page was opened again, or from an older link
            messages.info(
                request,
                ALREADY_BOOKED.format(
                    name=name, kind=booked.get_kind_display().lower(), when=booked.when_words()
                ),
            )
            return redirect("conference_detail", public_id=booked.public_id)
        if kind == ConferenceKind.TRANSFER_IN:
            messages.info(request, NO_TRANSFER_IN.format(name=name))
        else:
            messages.info(
                request,
                NOTHING_TO_BOOK.format(
                    name=name,
                    what="Section 47 enquiry" if kind == ConferenceKind.INITIAL else "open plan",
                ),
            )
        return redirect("child_protection", public_id=child.public_id)
    labels = [(c.child, _candidate_label(request.user, c)) for c in candidates]
    family_booked = _family_conferences(request.user, child, kind)
    dues = [c.due for c in candidates if c.due]
    children = [c.child for c in candidates]
    due = min(dues) if dues else None
    options = chairs.propose_chairs(children=children, today=today(), due=due)
    form = ConferenceBookingForm(
        request.POST or None,
        candidates=labels,
        chairs=[o.chair for o in options],
        initial={"children": _ticked(child, candidates)},
    )
    confirm_for = None
    if request.method == "POST" and CHECK_CHAIRS in request.POST:
        # "Show who is free at this time": nothing is booked; only the time's own
        # problems are said (the venue can wait until the booking).
        form.is_valid()
        form.keep_errors_of("scheduled_date", "scheduled_time", "duration_minutes")
        confirm_for = form.confirming()
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in candidates if str(c.child.public_id) in data["children"]]
        chair = next((o.chair for o in options if str(o.chair.pk) == data["chair"]), None)
        try:
            conference = services.schedule_conference(
                kind=kind,
                subjects=[c.subject for c in chosen],
                scheduled_date=data["scheduled_date"],
                scheduled_time=data["scheduled_time"],
                chair=chair,
                venue=data["venue"],
                virtual_link=data["virtual_link"],
                notified_on=notified_on,
                duration_minutes=(
                    services.DEFAULT_DURATION_MINUTES  # left empty: the usual two hours
                    if data["duration_minutes"] is None
                    else data["duration_minutes"]
                ),
                confirm_reason=form.confirmation(),
                acting_user=request.user,
            )
        except ValidationError as error:
            confirm_for = _confirm_for(form, error)  # before the errors take fields out
            apply_service_errors(form, error, aliases={"notified_on": "scheduled_date"})
        else:
            messages.success(request, "Conference booked. Next: invite the people who should come.")
            return redirect("conference_detail", public_id=conference.public_id)
    elif request.method == "POST":
        confirm_for = form.confirming()
    when = _when_given(form)
    if when is not None:  # those free then come first, each chair saying why not
        options = chairs.propose_chairs(children=children, today=today(), due=due, when=when)
        form.set_chairs([o.chair for o in options])
    return _page(
        request,
        "journey/conference/book.html",
        {
            "child": child,
            "name": name,
            "kind": kind,
            "kind_label": ConferenceKind(kind).label,
            "booking_title": BOOKING_TITLES[kind],
            "notified_on": notified_on,
            "transfer_due": min(dues) if notified_on and dues else None,
            "form": form,
            "options": options,
            "hints": _chair_hints(options, free_then="Free at the time chosen" if when else ""),
            "chairs_when": when,
            "not_a_working_day": _not_a_working_day(when),
            "children_hint": CHILDREN_HINT + (SIBLINGS_TICKED if len(candidates) > 1 else ""),
            "family_booked": family_booked,
            "confirm_for": confirm_for,
            "active_nav": "children",
        },
        form,
    )


# ----------------------------------------------------------- the conference


def conference_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        conference = conference_for(request.user, public_id)
    except Http404:
        # A voided conference's own address: who voids records is shown its restore page
        # (which checks their access to its children), everyone else finds nothing.
        if (
            has_capability(request.user, Capability.VOID_RECORDS)
            and Conference.all_objects.filter(public_id=public_id, voided_at__isnull=False).exists()
        ):
            return redirect("conference_restore", public_id=public_id)
        raise
    context = _conference_context(request, conference)
    if context["scheduled"] and context["may_schedule"]:
        context["addable"] = [
            display_name(request.user, c.child)
            for c in _addable(request.user, conference, context["rows"])
        ]
    context["taken_off"] = _taken_off(request.user, conference)
    # A held conference's booking warning is history, as it was said; the page says too
    # when a corrected due date has changed it since (the table of children says so).
    context["booking_corrected"] = bool(conference.held_on and conference.booking_warnings) and (
        context["booking_warnings"] != conference.booking_warnings
    )
    context["agree_form"] = LateDecisionForm(initial={"decided_on": today()})
    if conference.late_decision:  # changed from the decision as it stands
        context["change_late_form"] = LateDecisionForm(
            initial={
                "decision": conference.late_decision,
                "comment": conference.late_decision_comment,
                "decided_on": today(),
                "changing": True,
            },
            auto_id="change_%s",
        )
    context["minutes_form"] = MinutesSentForm(
        initial={"sent_on": today(), "version": conference.version}
    )
    context["active_nav"] = "children"
    if minutes.held(conference) and shows_names(request.user):
        # The minutes go to the family in their language, with English after it.
        context["minutes_language"] = family_document.conference_choice(conference)
        context["languages"] = SUPPORTED
    if context["scheduled"]:
        context |= _interpreters(request.user, conference, context["invitations"])
    if context.get("scheduled") and context.get("may_schedule"):
        # A review just booked: its invitations start from the last conference's.
        context["carried_count"] = len(invitations.carried_forward(conference))
        # Nobody invited yet: inviting is the coordinator's next step, shown as one.
        context["none_invited"] = not any(i.sent_at for i, _ in context["invitations"])
    if (
        context.get("may_agree_late")
        and conference.lateness_reason
        and has_capability(request.user, Capability.VIEW_SERVICE_WORK)
    ):
        # The manager agreeing late conferences one after another goes back to the queue.
        context["late_waiting"] = (
            queues.late_conferences_waiting(request.user).exclude(pk=conference.pk).count()
        )
    return render(request, "journey/conference/detail.html", context)


@dataclass(frozen=True)
class TakenOff:
    """A child voided off a held conference's record (listed by mistake)."""

    row: ConferenceChild
    name: str
    on: datetime


def _taken_off(user, conference: Conference) -> list[TakenOff]:
    """The children voided off the conference's record on their own, for its page."""
    if conference.status != ConferenceStatus.HELD:
        return []
    rows = (
        ConferenceChild.all_objects.filter(conference=conference, voided_at__isnull=False)
        .select_related("child", "voided_by")
        .order_by("voided_at", "pk")
    )
    return [
        TakenOff(row, display_name(user, row.child), timezone.localtime(row.voided_at))
        for row in rows
    ]


def _record_context(user, conference: Conference) -> dict:
    """What the record part of the conference page shows beyond the rows."""
    held = conference.status == ConferenceStatus.HELD
    corrections = amendments(conference) if held else []
    return {
        "may_amend": held and services.may_amend(user, conference),
        "latest_amendment": corrections[0] if corrections else None,
    }


def conference_schedule(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Change the date, time or place; everyone already invited is sent the update."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    form = RescheduleForm(
        request.POST or None,
        initial={
            "scheduled_date": conference.scheduled_date,
            "scheduled_time": conference.scheduled_time,
            "duration_minutes": conference.duration_minutes,
            "venue": conference.venue,
            "virtual_link": conference.virtual_link,
            "version": conference.version,
        },
    )
    stale = False
    confirm_for = None
    options = []
    if request.method == "POST":
        # A chair offered after a refusal (the chair could not be there at the new time)
        # is one of those proposed for that time; the choice is checked again on saving.
        options = _reschedule_chairs(request.user, conference, request.POST)
        form.set_chairs([o.chair for o in options])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((o.chair for o in options if str(o.chair.pk) == data["chair"]), None)
        was = {name: getattr(conference, name) for name in MOVED_FIELDS + PLACE_FIELDS}
        try:
            services.reschedule_conference(
                conference=conference,
                scheduled_date=data["scheduled_date"],
                scheduled_time=data["scheduled_time"],
                duration_minutes=data["duration_minutes"],
                venue=data["venue"],
                virtual_link=data["virtual_link"],
                expected_version=data["version"],
                confirm_reason=form.confirmation(),
                chair=chosen or services.KEEP_CHAIR,
                acting_user=request.user,
            )
        except ValidationError as error:
            confirm_for = _confirm_for(form, error)  # before the errors take fields out
            stale = apply_service_errors(form, error)
            if stale:
                conference.refresh_from_db()
                _stale_version(form, conference)
            elif confirm_for and conference.booking_reason and not form.data.get("confirm_reason"):
                # Booked anyway before: the reason given then is offered again, to confirm
                # with the box (or change) rather than type again.
                data = form.data.copy()
                data["confirm_reason"] = conference.booking_reason
                form.data = data
        else:
            if services.time_passed(conference.scheduled_date, conference.scheduled_time):
                emailed, posted_to = _sent_to(conference)
                told = f" {TIME_PASSED_NOT_SENT}" if emailed or posted_to else ""
            else:
                told = _told(conference)
            messages.success(request, _moved_words(was, data) + told)
            return redirect("conference_detail", public_id=conference.public_id)
    elif request.method == "POST":
        confirm_for = form.confirming()
    # The chairs are offered once the chair is the problem, or one was being chosen.
    choose_chair = bool(form.errors.get("chair")) or bool(form.data.get("chair"))
    context = _conference_context(request, conference)
    context |= {
        "form": form,
        "stale": stale,
        "confirm_for": confirm_for,
        "choose_chair": choose_chair and bool(options),
        "hints": _chair_hints(options, free_then="Free at the new time"),
        "active_nav": "children",
    }
    return _page(request, "journey/conference/schedule.html", context, form)


def _reschedule_chairs(user, conference: Conference, data) -> list[chairs.ChairOption]:
    """The chairs proposed for the time ``data`` (the form sent) gives, those free then
    first; none until it gives a date and a start (an empty length keeps the booking's)."""
    probe = RescheduleForm(data)
    probe.is_valid()
    given = getattr(probe, "cleaned_data", {})
    day, at = given.get("scheduled_date"), given.get("scheduled_time")
    minutes = given.get("duration_minutes") or conference.duration_minutes
    if day is None or at is None or "duration_minutes" in probe.errors:
        return []
    return _chair_options(conference, row_views(user, conference), chairs.When(day, at, minutes))


def _chair_options(
    conference: Conference, rows: list[RowView], when: chairs.When | None = None
) -> list[chairs.ChairOption]:
    """The chairs proposed for a booked conference's children (``rows``), by their
    earliest due date, at its own time or at ``when``."""
    return chairs.propose_chairs(
        children=chairs.children_with_relations(r.row.child for r in rows),
        today=today(),
        due=min((r.due for r in rows if r.due), default=None),
        conference=conference,
        when=when,
    )


@dataclass(frozen=True)
class FamilyBooking:
    """A conference of the same kind already booked for the child's brothers or sisters:
    the child can be added to it instead of being booked apart."""

    conference: Conference
    names: str


def _family_conferences(user, child: Child, kind: str) -> list[FamilyBooking]:
    """The family's conferences of ``kind`` still booked, without ``child`` at them, that
    ``user`` may open (every child of it visible), soonest first."""
    if child.family_id is None:
        return []
    conferences = (
        Conference.objects.filter(
            status=ConferenceStatus.SCHEDULED,
            kind=kind,
            children__child__family_id=child.family_id,
        )
        .exclude(children__child=child)
        .distinct()
        .order_by("scheduled_date", "scheduled_time", "pk")
    )
    visible = set(visible_to(user).filter(family_id=child.family_id).values_list("pk", flat=True))
    found = []
    for conference in conferences:
        kids = [r.child for r in conference.children.select_related("child").order_by("pk")]
        if all(k.pk in visible for k in kids):
            names = invitations.plain_list(display_name(user, k) for k in kids)
            found.append(FamilyBooking(conference, names))
    return found


def _addable(user, conference: Conference, rows) -> list[Candidate]:
    """The brothers and sisters ``user`` may see who wait for a conference of this kind
    and are not at this one (for a transfer-in, told of on the same day)."""
    if not rows:
        return []
    here = {r.row.child_id for r in rows}
    return [
        c
        for c in _candidates(
            user, rows[0].row.child, conference.kind, notified_on=conference.notified_on
        )
        if c.child.pk not in here
    ]


def conference_add_children(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Add a brother or sister waiting for the same kind of conference to a booked one;
    everyone invited is sent the update."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    if conference.status != ConferenceStatus.SCHEDULED:
        messages.error(request, services.NOT_SCHEDULED)
        return redirect("conference_detail", public_id=conference.public_id)
    rows = row_views(request.user, conference)
    candidates = _addable(request.user, conference, rows)
    if not candidates:
        messages.info(request, NO_ONE_TO_ADD)
        return redirect("conference_detail", public_id=conference.public_id)
    form = AddChildrenForm(
        request.POST or None,
        candidates=[
            (str(c.child.public_id), _candidate_label(request.user, c)) for c in candidates
        ],
        initial={"version": conference.version},
    )
    stale = asked = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in candidates if str(c.child.public_id) in data["children"]]
        try:
            services.add_children_to_conference(
                conference=conference,
                subjects=[c.subject for c in chosen],
                confirm_reason=data["confirm_reason"],
                acting_user=request.user,
                expected_version=data["version"],
            )
        except ValidationError as error:
            asked = "confirm_reason" in getattr(error, "error_dict", {})
            stale = apply_service_errors(form, error)
            if stale:
                conference.refresh_from_db()
                _stale_version(form, conference)
        else:
            names = invitations.plain_list(display_name(request.user, c.child) for c in chosen)
            messages.success(request, f"{names} added to the conference." + _told(conference))
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference) | {
        "form": form,
        "stale": stale,
        # The reason is asked once the service has said why (or one was given already).
        "ask_reason": asked or bool(form.data.get("confirm_reason")),
        "active_nav": "children",
    }
    return _page(request, "journey/conference/add_children.html", context, form)


def conference_remove_child(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Take a child added by mistake off a booked conference of brothers and sisters,
    saying why; everyone invited is sent the update."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    if conference.status != ConferenceStatus.SCHEDULED:
        messages.error(request, services.NOT_SCHEDULED)
        return redirect("conference_detail", public_id=conference.public_id)
    rows = row_views(request.user, conference)
    if len(rows) < 2:
        messages.info(request, ONLY_ONE_CHILD)
        return redirect("conference_detail", public_id=conference.public_id)
    form = RemoveChildForm(
        request.POST or None,
        children=[(str(rv.row.pk), rv.name) for rv in rows],
        initial={"version": conference.version},
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(rv for rv in rows if str(rv.row.pk) == data["child"])
        try:
            services.remove_child_from_conference(
                conference=conference,
                row=chosen.row,
                reason=data["reason"],
                acting_user=request.user,
                expected_version=data["version"],
            )
        except ValidationError as error:
            stale = apply_service_errors(form, error)
            if stale:
                conference.refresh_from_db()
                _stale_version(form, conference)
        else:
            messages.success(
                request,
                f"{chosen.name} has been taken off the conference, and is waiting for one to "
                "be booked." + _told(conference),
            )
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference) | {
        "form": form,
        "stale": stale,
        "active_nav": "children",
    }
    return _page(request, "journey/conference/remove_child.html", context, form)


def conference_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Cancel a booked conference, saying why; everyone emailed is sent a cancellation,
    and those posted a letter are named, to be told another way."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    if conference.status != ConferenceStatus.SCHEDULED:
        messages.error(request, NOT_SCHEDULED_TO_CANCEL)
        return redirect("conference_detail", public_id=conference.public_id)
    form = CancelForm(request.POST or None, initial={"version": conference.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitations.cancel_and_notify(
                conference=conference,
                reason=data["reason"],
                detail=data["detail"],
                acting_user=request.user,
                expected_version=data["version"],
            )
        except ValidationError as error:
            stale = apply_service_errors(form, error, aliases={"status": "reason"})
            if stale:
                conference.refresh_from_db()
                _stale_version(form, conference)
        else:
            messages.success(
                request, "The conference has been cancelled." + _cancelled_told(conference)
            )
            return redirect("conference_detail", public_id=conference.public_id)
    emailed, posted = _sent_to(conference)
    context = _conference_context(request, conference) | {
        "form": form,
        "stale": stale,
        "emailed": emailed,
        "posted": posted,
        "active_nav": "children",
    }
    return _page(request, "journey/conference/cancel.html", context, form)


def _cancelled_told(conference: Conference) -> str:
    """After a cancellation: who is sent it, and who must be told another way (a letter
    cannot be taken back)."""
    emailed, posted = _sent_to(conference)
    told = f" A cancellation to {_people(emailed)} was queued to email." if emailed else ""
    if posted:
        told += (
            f" {invitations.plain_list(posted)} were posted a letter inviting them: print and "
            "post the cancellation letter from Invitations."
            if len(posted) > 1
            else f" {posted[0]} was posted a letter inviting them: print and post the "
            "cancellation letter from Invitations."
        )
    return told


MOVED_FIELDS = ("scheduled_date", "scheduled_time", "duration_minutes")
PLACE_FIELDS = ("venue", "virtual_link")


def _moved_words(was: dict, data: dict) -> str:
    """What the change page did, as its message says it: a conference is "moved" when its
    day, time or length changes, not when only where it meets does."""
    if any(was[name] != data[name] for name in MOVED_FIELDS):
        return "The conference has been moved."
    if any(was[name] != data[name] for name in PLACE_FIELDS):
        return "The conference's place has been changed."
    return "The conference's booking is saved."


def conference_chair(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Allocate the chair, from proposals: continuity, independence, load, free slots."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    rows = row_views(request.user, conference)
    earliest_due = min((r.due for r in rows if r.due), default=None)
    options = _chair_options(conference, rows)
    # The current chair starts chosen, unless they can no longer chair it then (on leave,
    # or booked elsewhere at that time): the coordinator is here to choose someone else.
    current = next((o for o in options if o.chair.pk == conference.chair_id), None)
    form = ChairForm(
        request.POST or None,
        chairs=[o.chair for o in options],
        initial={
            "version": conference.version,
            "chair": conference.chair_id if current and not current.busy_at_time else None,
        },
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        chair = next(o.chair for o in options if str(o.chair.pk) == form.cleaned_data["chair"])
        same_chair = chair.pk == conference.chair_id
        try:
            services.allocate_chair(
                conference=conference,
                chair=chair,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            stale = apply_service_errors(form, error)
            if stale:
                conference.refresh_from_db()
                _stale_version(form, conference)
        else:
            told = "" if same_chair else _told(conference)
            messages.success(request, f"{chair} will chair the conference." + told)
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference)
    context |= {
        "form": form,
        "options": options,
        "earliest_due": earliest_due,
        "booked_chair": _booked_chair_words(conference, current),
        "hints": _chair_hints(
            options, free_then="Free at the time booked" if conference.scheduled_date else ""
        ),
        "stale": stale,
        "active_nav": "children",
    }
    return _page(request, "journey/conference/chair.html", context, form)


# -------------------------------------------------------------- invitations


def conference_invitations(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    form = InviteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.add_invitee(
                conference=conference,
                name=data["name"],
                role=data["role"],
                agency=data["agency"],
                email=data["email"],
                address=data["address"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{invitation.name} added to the list.")
            return redirect("conference_invitations", public_id=conference.public_id)
    context = _conference_context(request, conference)
    context |= {
        "form": form,
        "suggestions": invitations.suggested_invitees(conference),
        "without_parents": _families_without_parents(request.user, conference)
        if has_capability(request.user, Capability.ADD_CHILDREN)
        else [],
        "carried": invitations.carried_forward(conference),
        "active_nav": "children",
    }
    if context["scheduled"] and conference.scheduled_date is not None:
        context["when"] = invitations.when_text(conference)
        context["how_soon"] = how_soon(conference.scheduled_date, today())
    if context["scheduled"]:
        context |= _interpreters(request.user, conference, context["invitations"])
    return _page(request, "journey/conference/invitations.html", context, form)


def _interpreters(user, conference: Conference, invited: list) -> dict:
    """Who needs an interpreter, for the coordinator to book one in time: the family's
    adults whose record says so, each invitation to one of them marked with
    the language (``interpreter_language``, found by name as the letters find theirs),
    and whether an interpreter is invited."""
    needs, interpreter_invited = invitations.interpreters_needed(conference)
    by_name = {invitations.name_key(n.member.name): n for n in needs}
    for invitation, _state in invited:
        need = by_name.get(invitations.name_key(invitation.name))
        if need is not None and invitation.role in (
            InviteeRole.PARENT,
            InviteeRole.RELATIVE,
            InviteeRole.OTHER,
        ):
            invitation.interpreter_language = need.language or "language not recorded"
    return {
        # The language is free text ("Polish, for mum"): withheld with the name.
        "interpreter_needs": [
            (need.member.name, need.language)
            if shows_names(user)
            else (need.member.get_relationship_display(), FREE_TEXT_WITHHELD)
            for need in needs
        ],
        "interpreter_invited": interpreter_invited,
    }


def _families_without_parents(user, conference: Conference) -> list[tuple]:
    """Each family of the conference with no parent or carer recorded, once: a child of
    it (the page to add an adult is the child's) and its children's names together."""
    families: dict = {}
    for child in invitations.children_without_parents(conference):
        families.setdefault(child.family_id or f"child {child.pk}", []).append(child)
    return [
        (kids[0], invitations.plain_list(display_name(user, c) for c in kids))
        for kids in families.values()
    ]


NONE_KEPT = "Select the people to invite again, or add people one by one below."


@require_POST
def conference_invitations_keep(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Invite again the people ticked from the last conference and the core group."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    try:
        added = invitations.invite_again(
            conference=conference, keys=request.POST.getlist("keep"), acting_user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if added:
            people = "person" if len(added) == 1 else "people"
            messages.success(request, f"{len(added)} {people} added to the list.")
        else:
            messages.error(request, NONE_KEPT)
    return redirect("conference_invitations", public_id=conference.public_id)


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


@require_POST
def conference_invitations_send(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    try:
        sent = invitations.send_invitations(conference=conference, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        # Queued: the worker sends them, and the list says when each has gone.
        text = f"Invitations to {_people(len(sent.emailed))} queued to email."
        posted = [i for i in sent.without_email if invitations.has_postal_address(i)]
        unreachable = [i for i in sent.without_email if not invitations.has_postal_address(i)]
        if posted:
            text += " Print and post the letter to: " + invitations.plain_list(
                i.name for i in posted
            )
            text += "."
        if unreachable:
            text += (
                " No email or postal address is recorded for "
                + invitations.plain_list(i.name for i in unreachable)
                + ": add one, or give them the letter another way."
            )
        messages.success(request, text)
    return redirect("conference_invitations", public_id=conference.public_id)


def _invitation(conference: Conference, pk: int) -> Invitation:
    try:
        return conference.invitations.get(pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404("No such invitation") from exc


def conference_invitation_contact(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Change the email or postal address of someone invited (from the list of letters to
    post: "Add their address")."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    invitation = _invitation(conference, pk)
    back = reverse("conference_invitations", args=[conference.public_id]) + "#invitations"
    if conference.status != ConferenceStatus.SCHEDULED:
        messages.error(request, services.NOT_SCHEDULED)
        return redirect(back)
    adult = invitations.family_adult_invited(invitation)
    withheld = adult is not None and adult.contact_withheld
    if adult is not None and not has_capability(request.user, Capability.CORRECT_CHILD_DETAILS):
        adult = None
    form = InviteeContactChangeForm(
        request.POST or None,
        family_adult=adult,
        initial={
            "email": invitation.email,
            "address": invitation.address,
            "seen": services.contact_seen(invitation),
            "family_version": adult.version if adult is not None else None,
        },
    )
    was_emailed_to = invitation.email if invitation.sent_at else ""
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the invitation and the family record, or neither
                saved = services.change_invitee_contact(
                    invitation=invitation,
                    email=data["email"],
                    address=data["address"],
                    acting_user=request.user,
                    seen=data["seen"],
                )
                if adult is not None and data.get("family_record_too"):
                    _family_record_takes(adult, data, request.user)
        except ValidationError as error:
            stale = apply_service_errors(form, error)
        else:
            if saved.email and saved.sent_sequence is None:
                then = " Email the invitations to send them theirs."
            elif not saved.email and invitations.has_postal_address(saved):
                then = " Print and post their letter, then record it as posted."
            else:
                then = ""
            if adult is not None and data.get("family_record_too"):
                then += " Their family record has the new details too."
            if was_emailed_to and saved.email.lower() != was_emailed_to.lower():
                then += (
                    f" The invitation was already emailed to {was_emailed_to}: if that address "
                    "is not theirs, tell your information governance lead, as your council's "
                    "data breach procedure asks."
                )
            messages.success(request, f"Contact details of {saved.name} saved.{then}")
            return redirect(back)
    if stale:
        # What is saved now, shown beside what was typed; the next save is checked
        # against it.
        invitation.refresh_from_db()
        if adult is not None:
            adult.refresh_from_db()
        form.data = form.data.copy()
        form.data["seen"] = services.contact_seen(invitation)
        if adult is not None:
            form.data["family_version"] = adult.version
    context = _conference_context(request, conference) | {
        "form": form,
        "invitation": invitation,
        "family_adult": adult,
        "withheld": withheld,
        "stale": stale,
        "back": back,
        "active_nav": "children",
    }
    return _page(request, "journey/conference/invitee_contact.html", context, form)


def _family_record_takes(adult, data: dict, user) -> None:
    """The family adult's record takes the invitation's new email and address (the rest
    of their details as they are)."""
    from iro.children.services import change_family_member

    change_family_member(
        member=adult,
        acting_user=user,
        name=adult.name,
        relationship=adult.relationship,
        phone=adult.phone,
        email=data["email"],
        address=data["address"],
        preferred_language=adult.preferred_language,
        interpreter_needed=adult.interpreter_needed,
        # The version the page showed: a family record changed since is not overwritten.
        expected_version=data.get("family_version"),
    )


TELL_REQUIRED = "Choose whether to email them a cancellation."


@require_POST
def conference_invitation_remove(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    invitation = _invitation(conference, pk)
    emailed = invitation.sent_sequence is not None and bool(invitation.email)
    tell = request.POST.get("tell", "")
    if emailed and tell not in ("yes", "no"):
        # Already in their calendar: whether to tell them is a choice, made on a page.
        return render(
            request,
            "journey/conference/invitee_remove.html",
            _conference_context(request, conference)
            | {
                "invitation": invitation,
                # Sent from this page (not the list) with no choice made: say so.
                "error": TELL_REQUIRED if {"asked", "tell"} & set(request.POST) else "",
                "active_nav": "children",
            },
        )
    try:
        told = services.remove_invitee(
            invitation=invitation, acting_user=request.user, tell=tell == "yes"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        said = " A cancellation was queued to email them." if told else ""
        messages.success(request, f"{invitation.name} taken off the list.{said}")
    return redirect("conference_invitations", public_id=conference.public_id)


@require_POST
def conference_invitation_posted(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Record that the letter to someone without an email address went in the post."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    invitation = _invitation(conference, pk)
    kind = invitations.letter_kind(conference)
    record = (
        invitations.record_cancellation_posted
        if kind is invitations.CANCELLATION_LETTER
        else invitations.record_letter_posted
    )
    try:
        record(invitation=invitation, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Recorded: the {kind.called} to {invitation.name} was posted.")
    return redirect("conference_invitations", public_id=conference.public_id)


NOT_A_LETTER_READER = "Your role does not include the letters sent to families and others invited."


def require_letter_reader(user) -> None:
    """Who reads the letters sent for a conference: the coordinators, who send them, and
    the roles that see the family's names (the social worker, asked what the family was
    sent); each only for a conference whose every child they may see."""
    if not (
        has_capability(user, Capability.SCHEDULE_CONFERENCES)
        or has_capability(user, Capability.VIEW_CHILD_NAMES)
    ):
        raise PermissionDenied(NOT_A_LETTER_READER)


def conference_invitation_letter(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """The invitation as a printable letter in plain language; once the conference is
    cancelled, the letter saying so (an invitation to it is no longer printed)."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_letter_reader(request.user)
    invitation = _invitation(conference, pk)
    log_export(
        user=request.user,
        what=invitations.letter_kind(conference).logged_as,
        children=conference.children.values_list("child_id", flat=True),
        detail={"conference": str(conference.public_id), "invitation": invitation.pk},
    )
    choice = invitation_choice(invitation, request.GET.get("lang"))
    return render(
        request,
        "journey/conference/letter.html",
        invitations.letter_context(invitation)
        | {
            "parts": _letter_parts(invitation, choice),
            "choice": choice,
            "languages": SUPPORTED,
            "not_family": invitation.role not in FAMILY_ROLES,
        },
    )


def _letter_parts(invitation: Invitation, choice) -> list[dict]:
    """The letter in the chosen language, then in English: each part's words are built
    with its language active."""
    return family_document.parts(
        invitations.letter_kind(invitation.conference).template,
        lambda: invitations.letter_context(invitation) | {"today": today(), "has_written": True},
        part=lambda first, bilingual: _letter_titles(invitation, first, bilingual),
        choice=choice,
    )


def _letter_titles(invitation: Invitation, first: bool, bilingual: bool) -> dict:
    title = str(invitations.letter_kind(invitation.conference).title)
    return {
        "title": title,
        "description": title,
        "language_note": (
            gettext("The same letter in English follows this one.") if first and bilingual else ""
        ),
    }


def conference_invitation_letter_pdf(
    request: HttpRequest, public_id: UUID, pk: int
) -> HttpResponse:
    """The letter as a tagged PDF to print and post: the family's language first, then
    English."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_letter_reader(request.user)
    invitation = _invitation(conference, pk)
    choice = invitation_choice(invitation, request.GET.get("lang"))
    kind = invitations.letter_kind(conference)
    html = family_document.render(
        kind.template,
        lambda: invitations.letter_context(invitation) | {"today": today(), "has_written": True},
        part=lambda first, bilingual: _letter_titles(invitation, first, bilingual),
        choice=choice,
        caption=False,
    )
    response = HttpResponse(family_document.pdf(html), content_type="application/pdf")
    suffix = "" if choice.code == ENGLISH else f"-{choice.code}"
    response["Content-Disposition"] = content_disposition_header(
        True, f"{kind.file_stem(conference)}-{invitation.pk}{suffix}.pdf"
    )
    log_export(
        user=request.user,
        what=f"{kind.logged_as} (PDF)",
        children=conference.children.values_list("child_id", flat=True),
        detail={
            "conference": str(conference.public_id),
            "invitation": invitation.pk,
            "language": choice.code,
        },
    )
    return response


def conference_attendance(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conference = conference_for(request.user, public_id)
    if not (
        has_capability(request.user, Capability.SCHEDULE_CONFERENCES)
        or may_record(request.user, conference)
    ):
        raise PermissionDenied(REFUSED_ACTION.format(what="recording attendance"))
    invitations_ = list(conference.invitations.all())
    form = AttendanceForm(
        request.POST or None,
        invitations=invitations_,
        held=conference.status == ConferenceStatus.HELD,
        initial={"version": conference.version},
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the list and the one who came, or neither
                services.record_attendance(
                    conference=conference,
                    attendance=form.attendance(),
                    expected_version=form.cleaned_data["version"],
                    acting_user=request.user,
                    reason=form.cleaned_data["attendance_reason"],
                )
                if (attendee := form.attendee()) is not None:
                    services.add_attendee(
                        conference=conference, acting_user=request.user, **attendee
                    )
        except ValidationError as error:
            first = form.invitation_fields[:1]
            aliases = {"attendance": first[0]} if first else None
            stale = apply_service_errors(form, error, aliases=aliases)
            if stale:
                conference.refresh_from_db()
                _stale_version(form, conference)
        else:
            added = f" {attendee['name'].strip()} added as attending." if attendee else ""
            chosen = form.attendance()
            taken_off = [
                i.name for i in invitations_ if chosen.get(i.pk) == services.TAKE_OFF_THE_LIST
            ]
            if taken_off:
                added += (
                    f" {invitations.plain_list(taken_off)} taken off the record. If they gave "
                    "their agency's recommendation, amend the record to take it off too."
                )
            messages.success(request, f"Attendance recorded.{added}")
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference)
    context |= {"form": form, "stale": stale, "active_nav": "children"}
    return _page(request, "journey/conference/attendance.html", context, form)


# ----------------------------------------------------- before the conference


def conference_pre_meetings(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conference = conference_for(request.user, public_id)
    context = _conference_context(request, conference) | {"active_nav": "children"}
    return render(request, "journey/conference/pre_meetings.html", context)


def conference_pre_meeting(request: HttpRequest, public_id: UUID, row_pk: int) -> HttpResponse:
    conference = conference_for(request.user, public_id)
    require_record(request.user, conference)
    try:
        row = (
            conference.children.exclude(child_id__in=conference.hidden_child_ids)
            .select_related("child")
            .get(pk=row_pk)
        )
    except ConferenceChild.DoesNotExist as exc:
        raise Http404("No such child at this conference") from exc
    meeting = PreMeeting.objects.filter(conference_child=row).first()
    initial = {
        "child_met_on": meeting.child_met_on if meeting else None,
        "parents_met_on": meeting.parents_met_on if meeting else None,
        "child_too_young": row.pre_meeting_child_not_applicable,
        "advocacy_offered": row.advocacy_offered,
        "advocate_involved": row.advocate_involved,
        "advocate_organisation": meeting.advocate_organisation if meeting else "",
        "interpreter_needed": row.interpreter_needed,
        "interpreter_language": meeting.interpreter_language if meeting else "",
        "notes": meeting.notes if meeting else "",
        "version": meeting.version if meeting else 0,
    }
    form = PreMeetingForm(request.POST or None, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_pre_meeting(
                conference_child=row,
                child_met_on=data["child_met_on"],
                child_too_young=data["child_too_young"],
                parents_met_on=data["parents_met_on"],
                advocacy_offered=data["advocacy_offered"],
                advocate_involved=data["advocate_involved"],
                advocate_organisation=data["advocate_organisation"],
                interpreter_needed=data["interpreter_needed"],
                interpreter_language=data["interpreter_language"],
                notes=data["notes"],
                expected_version=data["version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            stale = apply_service_errors(form, error)
            if stale:
                meeting = PreMeeting.objects.filter(conference_child=row).first()
                data_ = form.data.copy()
                data_["version"] = str(meeting.version if meeting else 0)
                form.data = data_
        else:
            messages.success(
                request,
                f"Saved: before the conference, for {display_name(request.user, row.child)}.",
            )
            return redirect("conference_pre_meetings", public_id=conference.public_id)
    elif form.is_bound:
        # Refused for a field of its own (a date that is no date): the service's rules
        # on the rest are said now too, not on the next try.
        data = form.cleaned_data
        errors = Errors()
        services.pre_meeting_errors(
            errors,
            conference=conference,
            child_met_on=data.get("child_met_on"),
            child_too_young=data.get("child_too_young", False),
            parents_met_on=data.get("parents_met_on"),
            advocate_involved=data.get("advocate_involved", False),
            advocate_organisation=data.get("advocate_organisation", "-"),
            interpreter_needed=data.get("interpreter_needed", False),
            interpreter_language=data.get("interpreter_language", "-"),
            notes=data.get("notes", ""),
        )
        refused = set(form.errors)  # said already, by the form
        for field, problems in errors.by_field.items():
            for problem in problems if field not in refused else ():
                form.add_error(field, problem)
    context = _conference_context(request, conference)
    context |= {
        "form": form,
        "row": row,
        "name": display_name(request.user, row.child),
        "meeting": meeting,
        "stale": stale,
        "active_nav": "children",
    }
    return _page(request, "journey/conference/pre_meeting.html", context, form)


# -------------------------------------------------------- recording it


RECORD_TEXT = ("worries", "working_well", "needs_to_happen")


def _outcome_initial(row: ConferenceChild, agencies: list[str]) -> dict:
    initial = {
        "decision": row.decision,
        "category": row.category or (row.plan.latest_category if row.plan else ""),
        "end_reason": row.plan.end_reason if row.plan and row.decision == Decision.END else "",
        "first_core_group_on": row.first_core_group_on,
        "outline_plan": row.outline_plan,
        "dissent": row.dissent,
        "kept_from_family": row.kept_from_family,
        "attendance": row.attendance,
        "advocate_attended": row.advocate_attended,
        "written_views": row.written_views,
        "direct_work": row.direct_work,
        "wishes_feelings": row.wishes_feelings,
        "worries": row.worries,
        "working_well": row.working_well,
        "needs_to_happen": row.needs_to_happen,
        "scaling_score": row.scaling_score,
    }
    return initial | recommendation_initial(agencies, row.recommendations.all())


def _agencies_for(conference: Conference, row: ConferenceChild) -> list[str]:
    """The invited agencies, then any that gave a recommendation without an invitation."""
    agencies = recommending_agencies(conference)
    for rec in row.recommendations.all():
        if rec.agency not in agencies:
            agencies.append(rec.agency)
    return agencies


@dataclass(frozen=True)
class ChildRecordForm:
    rv: RowView
    form: ChildOutcomeForm
    carried_from: date | None  # the conference the worries and strengths were carried from


def _child_record_forms(conference: Conference, rows: list[RowView], post) -> list:
    out = []
    invited = services.attendance_invited(conference)
    for rv in rows:
        agencies = _agencies_for(conference, rv.row)
        initial = _outcome_initial(rv.row, agencies)
        if not initial["attendance"]:  # as the child's invitation says, if it does
            initial["attendance"] = invited.get(rv.row.child_id, "")
        carried_from = None
        if conference.status == ConferenceStatus.SCHEDULED and not any(
            initial[f] for f in RECORD_TEXT
        ):
            previous = carried_record(rv.row)
            if previous is not None and any(getattr(previous, f) for f in RECORD_TEXT):
                initial |= {f: getattr(previous, f) for f in RECORD_TEXT}
                carried_from = previous.conference.held_on
        form = ChildOutcomeForm(
            post,
            kind=conference.kind,
            agencies=agencies,
            name=rv.name,
            prefix=f"child{rv.row.pk}",
            initial=initial,
        )
        out.append(ChildRecordForm(rv=rv, form=form, carried_from=carried_from))
    return out


def _outcome(row: ConferenceChild, child_form: ChildOutcomeForm) -> ChildOutcome:
    d = child_form.cleaned_data
    return ChildOutcome(
        decision=d["decision"],
        category=d["category"],
        end_reason=d.get("end_reason") or "",
        first_core_group_on=d.get("first_core_group_on"),
        outline_plan=d["outline_plan"],
        dissent=d["dissent"],
        kept_from_family=d["kept_from_family"],
        attendance=d["attendance"] or "",
        advocate_attended=d["advocate_attended"],
        written_views=d["written_views"],
        direct_work=d["direct_work"],
        # Set beforehand on the pre-meetings page; carried through unchanged.
        advocacy_offered=row.advocacy_offered,
        advocate_involved=row.advocate_involved,
        interpreter_needed=row.interpreter_needed,
        pre_meeting_child=row.pre_meeting_child,
        pre_meeting_child_not_applicable=row.pre_meeting_child_not_applicable,
        pre_meeting_parents=row.pre_meeting_parents,
        wishes_feelings=d["wishes_feelings"],
        worries=d["worries"],
        working_well=d["working_well"],
        needs_to_happen=d["needs_to_happen"],
        scaling_score=d["scaling_score"],
        recommendations=child_form.recommendations(),
    )


def conference_record(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record the conference: date, lateness, and each child's decision and record."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_record(request.user, conference)
    if conference.status == ConferenceStatus.HELD:
        # A held record is completed or corrected by amending it, with a reason.
        return redirect("conference_amend", public_id=conference.public_id)
    post = request.POST or None
    form = RecordConferenceForm(
        post,
        initial={
            # The day it was booked for, once that day has come; a booking still ahead
            # is no date it was held on.
            "held_on": conference.held_on
            or (
                conference.scheduled_date
                if conference.scheduled_date and conference.scheduled_date <= today()
                else None
            ),
            "version": conference.version,
        },
        booked=conference.scheduled_date,
    )
    return _record_page(request, conference, form, amending=False)


def conference_amend(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Amend a held conference's record: the same form, prefilled, with a reason."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.CHAIR_CONFERENCES)
    if not services.may_amend(request.user, conference):
        raise PermissionDenied(services.AMEND_NOT_CHAIR)
    if conference.status != ConferenceStatus.HELD:
        messages.error(request, services.AMEND_NOT_HELD)
        return redirect("conference_detail", public_id=conference.public_id)
    form = AmendReasonForm(request.POST or None, initial={"version": conference.version})
    return _record_page(request, conference, form, amending=True)


def _record_page(request, conference: Conference, form, *, amending: bool) -> HttpResponse:
    rows = row_views(request.user, conference)
    post = request.POST or None
    child_forms = _child_record_forms(conference, rows, post)
    checking = post is not None and "check_wording" in request.POST
    plain_results = {}
    wording_summary = None
    if checking:
        wording_only(form, *(c.form for c in child_forms))
        checked = []
        for c in child_forms:
            found = check_fields(c.form, PLAIN_TEXT_FIELDS)
            plain_results |= found
            checked += field_checks(c.form, found, whose=c.rv.name)
        # Said at the top of the page too: the results beside the fields are far below.
        wording_summary = WordingSummary(checked)
    stale = False
    if post is not None and not checking:
        valid = form.is_valid() & all(c.form.is_valid() for c in child_forms)
        if not amending and conference.status != ConferenceStatus.SCHEDULED:
            held = conference.status == ConferenceStatus.HELD
            form.add_error(None, services.ALREADY_HELD if held else services.CANCELLED)
            valid = False
        if not valid:
            _whole_records_too(form, conference, child_forms, request.user)
        if valid:
            outcomes = {c.rv.row.child_id: _outcome(c.rv.row, c.form) for c in child_forms}
            try:
                if amending:
                    services.amend_conference_record(
                        conference=conference,
                        outcomes=outcomes,
                        reason=form.cleaned_data["reason"],
                        expected_version=form.cleaned_data["version"],
                        acting_user=request.user,
                    )
                else:
                    services.record_conference_held(
                        conference=conference,
                        held_on=form.cleaned_data["held_on"],
                        outcomes=outcomes,
                        lateness_reason=form.cleaned_data["lateness_reason"] or "",
                        lateness_detail=form.cleaned_data["lateness_detail"],
                        expected_version=form.cleaned_data["version"],
                        acting_user=request.user,
                    )
            except ValidationError as error:
                stale = _record_errors(form, [(c.rv, c.form) for c in child_forms], error)
                if stale:
                    conference.refresh_from_db()
                    _stale_version(form, conference)
            else:
                if amending:
                    messages.success(request, "The record has been amended.")
                else:
                    messages.success(request, _recorded_message(conference))
                return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference)
    context |= {
        "form": form,
        "child_forms": child_forms,
        "plain_results": plain_results,
        "wording_summary": wording_summary,
        "stale": stale,
        "amending": amending,
        "active_nav": "children",
    }
    return _page(
        request,
        "journey/conference/record.html",
        context,
        form,
        *(c.form for c in child_forms),
    )


def conference_report(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record when the social work report reached the chair and the family: the
    conference page and the team's list of conferences coming up say it."""
    conference = conference_for(request.user, public_id)
    require_capability(request.user, Capability.RECORD_CONFERENCE_REPORT)
    if conference.status == ConferenceStatus.CANCELLED:
        messages.error(request, services.CANCELLED)
        return redirect("conference_detail", public_id=conference.public_id)
    form = ConferenceReportForm(
        request.POST or None,
        initial={
            "report_received_on": conference.report_received_on,
            "report_shared_on": conference.report_shared_on,
            "version": conference.version,
        },
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, _, stale = _versioned_save(
            form,
            conference,
            lambda: services.record_conference_report(
                conference=conference,
                received_on=data["report_received_on"],
                shared_on=data["report_shared_on"],
                expected_version=data["version"],
                acting_user=request.user,
            ),
        )
        if saved:
            messages.success(request, _report_message(data))
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference) | {
        "form": form,
        "stale": stale,
        "report_days": timescales.REPORT_WORKING_DAYS_BEFORE,
        "active_nav": "children",
    }
    return _page(request, "journey/conference/report.html", context, form)


def _report_due(conference: Conference) -> date | None:
    day = conference.held_on or conference.scheduled_date
    return timescales.report_due(day, closures=closure_days()) if day else None


def _report_message(data: dict) -> str:
    received, shared = data["report_received_on"], data["report_shared_on"]
    said = [
        f"the chair received it on {received:%-d %B %Y}" if received else "",
        f"the family were given it on {shared:%-d %B %Y}" if shared else "",
    ]
    said = [s for s in said if s]
    if not said:
        return "Recorded: the report has not reached the chair or the family yet."
    return "Recorded for the social work report: " + " and ".join(said) + "."


def conference_held_date(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Correct the date a held conference was held, and its reason for lateness: the
    plan it started or ended moves with it (``journey.held_date``)."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.CHAIR_CONFERENCES)
    if not services.may_amend(request.user, conference):
        raise PermissionDenied(services.AMEND_NOT_CHAIR)
    if conference.status != ConferenceStatus.HELD:
        messages.error(request, services.AMEND_NOT_HELD)
        return redirect("conference_detail", public_id=conference.public_id)
    form = HeldDateForm(
        request.POST or None,
        initial={
            "held_on": conference.held_on,
            "lateness_reason": conference.lateness_reason,
            "lateness_detail": conference.lateness_detail,
            "version": conference.version,
        },
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, result, stale = _versioned_save(
            form,
            conference,
            lambda: held_date.correct_held_date(
                conference=conference,
                held_on=data["held_on"],
                lateness_reason=data["lateness_reason"] or "",
                lateness_detail=data["lateness_detail"],
                reason=data["reason"],
                expected_version=data["version"],
                acting_user=request.user,
            ),
        )
        if saved:
            messages.success(request, _held_date_message(result))
            late = [n for n in result.now_late if services.may_amend(request.user, n.conference)]
            if late:
                # The next step, taken at once: the review now late gives its reason.
                return redirect("conference_held_date", public_id=late[0].conference.public_id)
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference)
    dues = [rv.due for rv in context["rows"] if rv.due is not None]
    context |= {
        "form": form,
        "stale": stale,
        "lateness_hint": (
            f"A date after {min(dues):%-d %B %Y} needs a reason, and a manager's agreement "
            "(again, if it was late before)."
            if dues
            else "A conference held after its due date needs a reason, and a manager's agreement."
        ),
        "moves": _held_date_moves(request.user, conference),
        "bounds": held_date.bounds(
            held_date.limits(
                conference,
                list(
                    conference.children.select_related(
                        "child", "section47__episode", "plan__episode"
                    ).order_by("pk")
                ),
                request.user,
            )
        ),
        "active_nav": "children",
    }
    return _page(request, "journey/conference/held_date.html", context, form)


def _held_date_moves(user, conference: Conference) -> list[str]:
    """What moves with the date, said before it is changed."""
    started, ended = [], []
    for row in conference.children.select_related("child", "plan").order_by("pk"):
        if started_plan(conference, row):
            started.append(display_name(user, row.child))
        elif ended_plan(conference, row):
            ended.append(display_name(user, row.child))
    moves = [
        (
            f"{names[0]}'s plan {verb}s on the day the conference was held."
            if len(names) == 1
            else f"The plans of {invitations.plain_list(names)} {verb} on the day the "
            "conference was held."
        )
        for names, verb in ((started, "start"), (ended, "end"))
        if names
    ]
    if conference.kind == ConferenceKind.REVIEW or moves:
        moves.append("The next review's due date follows from it.")
    return moves


def _held_date_message(result: held_date.HeldDateCorrection) -> str:
    conference = result.conference
    if conference.held_on != result.held_before:
        text = f"The record now says it was held on {conference.held_on:%-d %B %Y}."
        not_working = timescales.non_working_day(conference.held_on, closures=closure_days())
        if not_working:  # taken, but said: a slip of the day box lands on weekends too
            text += f" That was {not_working}: check it is the day it met."
    elif conference.lateness_reason:
        text = f"The reason for lateness is now: {conference.get_lateness_reason_display()}."
    else:
        text = "The reason for lateness is cleared."
    if result.reason_not_needed:
        text += " It was held in time, so no reason for lateness is kept."
    for moved in result.moved_plans:
        text += f" {moved[0].upper()}{moved[1:]}."
    for later in result.cleared:
        text += (
            f" The review on {later.held_on:%-d %B %Y} is now in time: the reason for its "
            "lateness is no longer needed and has been cleared (its history keeps it)."
        )
    for late in result.now_late:
        text += (
            f" The review on {late.conference.held_on:%-d %B %Y} is now late (it was due "
            f"by {late.due:%-d %B %Y}): give the reason for its lateness."
        )
    if conference.lateness_reason and not conference.late_decision:
        text += " It was held outside timescale: a manager needs to agree it."
    return text


# The changes of a record's history whose values are dates or choices from a list, never
# words someone typed: shown as they are to a reader who sees no free text (the analyst).
STRUCTURED_CHANGES = frozenset(
    {
        held_date.FIELD_DATE,
        held_date.FIELD_PLAN_START,
        held_date.FIELD_PLAN_END,
        held_date.FIELD_STEP_DOWN,
        enquiry_date.FIELD_ENQUIRY_START,
        *(
            services.AMENDED_FIELDS[name]
            for name in (
                "decision",
                "category",
                "end_reason",
                "attendance",
                "advocate_attended",
                "written_views",
                "direct_work",
                "scaling_score",
                "first_core_group_on",
            )
        ),
    }
)


def conference_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The conference record's corrections: who, when, why, and what changed."""
    conference = conference_for(request.user, public_id)
    context = _conference_context(request, conference)
    by_child = {rv.row.child_id: rv for rv in context["rows"]}
    entries = []
    corrections = amendments(conference)
    for amendment in corrections:
        changes = [
            (by_child[c["child"]], {**c, "structured": c["field"] in STRUCTURED_CHANGES})
            for c in amendment.changes
            if c["child"] in by_child  # a hidden (restricted) child's changes stay hidden
        ]
        entries.append((amendment, changes))
    # Voided and restored: one row per child is written; the page says each once.
    voids = {
        (c.action, c.at): c
        for c in Correction.objects.filter(
            kind=CorrectionKind.CONFERENCE, record_id=conference.pk
        ).select_related("by")
    }
    first_held = next(
        (
            change["before"]
            for amendment in reversed(corrections)
            for change in amendment.changes
            if change["field"] == held_date.FIELD_DATE
        ),
        None,
    )
    context |= {
        "entries": entries,
        "voids": list(voids.values()),
        "first_held": first_held,
        "active_nav": "children",
    }
    return render(request, "journey/conference/history.html", context)


def _whole_records_too(form, conference: Conference, child_forms, user) -> None:
    """When the record is refused before the service is asked (no date, say), what each
    child's record still lacks is said now too, by the service's own checks, so the chair
    puts everything right in one go, not one round at a time: a child's whole record
    through ``services.record_errors``; one refused for something of its own (no decision)
    through what any record needs (``services.participation_errors``), on the fields not
    already refused (absent from ``cleaned_data``: "-" stands in for them)."""
    held_on = form.cleaned_data.get("held_on")  # (the form was validated: the page's caller)
    errors = Errors()
    whole = held_on is not None and not any(c.form.errors for c in child_forms)
    if whole:
        # Refused only for the date's confirmation (``RecordConferenceForm``): everything
        # the service would say of the record comes with it (its lateness, each child's).
        services.check_held(
            errors,
            conference=conference,
            rows=list(
                conference.children.select_related("child", "section47", "plan").order_by("pk")
            ),
            held_on=held_on,
            outcomes={c.rv.row.child_id: _outcome(c.rv.row, c.form) for c in child_forms},
            acting_user=user,
            closures=closure_days(),
            lateness_reason=form.cleaned_data.get("lateness_reason") or "",
            lateness_detail=form.cleaned_data.get("lateness_detail", ""),
        )
    if not whole and held_on is not None:
        # The date held is still read against each child's birth: a year typed wrong is
        # said now, and not offered to confirm.
        for c in child_forms:
            child = c.rv.row.child
            errors.add(
                "held_on", before_birth(held_on, child=child, name=display_name(user, child))
            )
    for c in () if whole else child_forms:  # else each child's record on its own
        if not c.form.errors:
            services.record_errors(
                errors,
                kind=conference.kind,
                child=c.rv.row.child,
                outcome=_outcome(c.rv.row, c.form),
                held_on=held_on or conference.held_on or date.min,
                imported=False,
            )
            continue
        data = c.form.cleaned_data
        services.participation_errors(
            errors,
            child=c.rv.row.child,
            attendance=data.get("attendance", "-"),
            texts={field: data.get(field, "-") for field in services.REQUIRED_TEXT},
        )
    found = errors.by_field
    if "held_on" in found:
        # A date held refused outright: one message for it (the first; a year typed wrong
        # is also before the plan and the last review), and no box to confirm it.
        found = found | {"held_on": found["held_on"][:1]}
        if "confirm_held_on" in form.errors:
            del form.errors["confirm_held_on"]
            form.data = form.data.copy()
            form.data["confirmed_held_on"] = ""
    if found:
        _record_errors(form, [(c.rv, c.form) for c in child_forms], ValidationError(found))


def _record_errors(form, child_forms, error: ValidationError) -> bool:
    """Service messages keyed ``decision_<child pk>`` go to that child's form."""
    if not hasattr(error, "error_dict"):
        return apply_service_errors(form, error)
    by_child = {rv.row.child_id: f for rv, f in child_forms}
    for key, errors in error.error_dict.items():
        name, _, pk = key.rpartition("_")
        if pk.isdigit() and int(pk) in by_child:
            child_form = by_child[int(pk)]
            target = {"outcome": "decision"}.get(name, name)
            child_form.add_error(target if target in child_form.fields else None, errors)
        elif key in form.fields:
            form.add_error(key, naming_the_date(form.fields[key], errors))
        else:
            form.add_error(None, errors)
    return False


def _next_review_said(conference: Conference) -> str:
    """When the plans this conference started or continued are next reviewed, and
    whether that review is booked: the coordinator's next step, said to the chair."""
    plans = [
        row.plan
        for row in conference.children.select_related("plan")
        if row.plan is not None and row.plan.end_date is None
    ]
    if not plans:
        return ""
    reviews = review_dates_by_plan([p.pk for p in plans])
    due = min(
        timescales.next_review_after(p.start_date, sorted(set(reviews.get(p.pk, []))))
        for p in plans
    )
    booked = (
        Conference.objects.filter(
            kind=ConferenceKind.REVIEW,
            status=ConferenceStatus.SCHEDULED,
            children__plan__in=plans,
        )
        .order_by("scheduled_date")
        .values_list("scheduled_date", flat=True)
        .first()
    )
    if booked is not None:
        return f" The next review is due by {due:%-d %B %Y} and booked for {booked:%-d %B %Y}."
    return f" The next review is due by {due:%-d %B %Y}: it is not booked yet."


def _recorded_message(conference: Conference) -> str:
    conference.refresh_from_db()
    started = conference.children.filter(decision=Decision.PLAN).count()
    text = "The conference has been recorded."
    if started:
        text += " Next: write each plan's outcomes and actions."
    text += _next_review_said(conference)
    ended = [row.plan for row in conference.children.select_related("plan") if row.plan_id]
    if said := services.booked_reviews_said([p for p in ended if p.end_date is not None]):
        text += " " + said
    text += _core_groups_late_said(conference)
    if conference.lateness_reason:
        text += " It was held outside timescale: a manager needs to agree it."
    return text


def _core_groups_late_said(conference: Conference) -> str:
    """A first core group meeting recorded for after it is due (10 working days after
    the conference), said when the record is saved, not only later on the plan page."""
    if conference.held_on is None:
        return ""
    due = timescales.first_core_group_due(conference.held_on, closures=closure_days())
    late = sorted(
        {
            row.first_core_group_on
            for row in conference.children.filter(
                decision=Decision.PLAN, first_core_group_on__gt=due
            )
        }
    )
    if not late:
        return ""
    days = " and ".join(f"{d:%-d %B %Y}" for d in late)
    return (
        f" The first core group meeting ({days}) is after it is due, by {due:%-d %B %Y}: "
        "bring it forward if you can."
    )


@require_POST
def conference_agree_late(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The manager's decision on a late conference: agreed, or the reason not accepted."""
    conference = conference_for(request.user, public_id)
    require_capability(request.user, Capability.AGREE_LATE_CONFERENCES)
    form = LateDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_late_conference(
                conference=conference,
                decision=form.cleaned_data["decision"],
                decided_on=form.cleaned_data["decided_on"],
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
                change_reason_text=(
                    form.cleaned_data["change_reason"] if form.cleaned_data["changing"] else None
                ),
            )
        except ValidationError as error:
            apply_service_errors(form, error, aliases=LATE_DECISION_ALIASES)
        else:
            said = (
                "You have agreed the late conference."
                if form.cleaned_data["decision"] == LateDecision.AGREED
                else "You have recorded that the reason for the lateness is not accepted."
            )
            if form.cleaned_data["changing"]:
                said += " The decision it replaces is kept in the record's history."
            messages.success(request, said)
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference)
    changing = form.cleaned_data.get("changing") if hasattr(form, "cleaned_data") else False
    context |= {
        "agree_form": form if not changing else LateDecisionForm(initial={"decided_on": today()}),
        "change_late_form": form if changing else None,
        "minutes_form": MinutesSentForm(
            initial={"sent_on": today(), "version": conference.version}
        ),
        "active_nav": "children",
    }
    return _page(request, "journey/conference/detail.html", context, form)


@require_POST
def conference_minutes_sent(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record the day the minutes and plan went out (the coordinator's list clears)."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    form = MinutesSentForm(request.POST)
    if form.is_valid():
        try:
            services.record_minutes_sent(
                conference=conference,
                sent_on=form.cleaned_data["sent_on"],
                acting_user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            apply_service_errors(form, error, aliases={"minutes_sent_on": "sent_on"})
        else:
            messages.success(request, "Recorded: the minutes and plan have been sent.")
            return redirect("conference_detail", public_id=conference.public_id)
    context = _conference_context(request, conference)
    context |= {
        "minutes_form": form,
        "agree_form": LateDecisionForm(initial={"decided_on": today()}),
        "active_nav": "children",
    }
    return _page(request, "journey/conference/detail.html", context, form)


def conference_plans(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The plans this conference started or reviewed."""
    conference = conference_for(request.user, public_id)
    rows = [rv for rv in row_views(request.user, conference) if rv.row.plan_id]
    if len(rows) == 1:
        return redirect("plan_detail", public_id=rows[0].row.plan.public_id)
    context = _conference_context(request, conference) | {
        "plan_rows": rows,
        "active_nav": "children",
    }
    return render(request, "journey/conference/plans.html", context)


# ------------------------------------------------------------------ minutes

MINUTES_NAME_THE_FAMILY = (
    "The minutes name the family and everyone who came: your role sees no names, so it "
    "cannot open them."
)


def _minutes_for(request: HttpRequest, public_id: UUID) -> tuple[Conference, list[RowView]]:
    """A held conference whose every child the reader may see, for a reader who sees
    names; 404 until it is held. A role that sees no names is told so first, whichever
    conference it asked for (the same answer whether there is one or not)."""
    if not shows_names(request.user):
        raise PermissionDenied(MINUTES_NAME_THE_FAMILY)
    conference = conference_for(request.user, public_id, every_child=True)
    if not minutes.held(conference):
        raise Http404(minutes.NOT_HELD)
    return conference, row_views(request.user, conference)


@require_safe
def conference_minutes(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The minutes of a held conference, as a page to print or save."""
    conference, rows = _minutes_for(request, public_id)
    choice = family_document.conference_choice(conference, request.GET.get("lang"))
    html = minutes.render_html(conference, rows, request, choice)
    log_export(
        user=request.user,
        what="conference minutes (HTML)",
        children=[rv.row.child_id for rv in rows],
        detail={"conference": str(conference.public_id), "language": choice.code},
    )
    return HttpResponse(html)


@require_safe
def conference_minutes_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The minutes of a held conference as a tagged PDF, to send to those invited."""
    conference, rows = _minutes_for(request, public_id)
    choice = family_document.conference_choice(conference, request.GET.get("lang"))
    response = HttpResponse(
        minutes.render_pdf(conference, rows, choice), content_type="application/pdf"
    )
    suffix = "" if choice.code == ENGLISH else f"-{choice.code}"
    response["Content-Disposition"] = content_disposition_header(
        True, f"minutes-{conference.held_on:%Y-%m-%d}-{conference.public_id.hex[:8]}{suffix}.pdf"
    )
    log_export(
        user=request.user,
        what="conference minutes (PDF)",
        children=[rv.row.child_id for rv in rows],
        detail={"conference": str(conference.public_id), "language": choice.code},
    )
    return response
