"""The pages that void a wrongly entered record and restore it, for the IRO service
manager (``Capability.VOID_RECORDS``).

One page per record and action: GET asks for the reason, POST voids (or restores)
through ``journey.corrections``. After a void the manager lands on the record's restore
page, which shows the record as voided (when, by whom, why) with the Restore form; after
a restore, back on the record itself. Refusals (a reason missing or too long, something
that depends on the record) go into the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from iro import text_limits
from iro.access.capabilities import Capability, require_capability
from iro.access.scope import display_name
from iro.journey import correction_selectors as found
from iro.journey import corrections
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.journey.models import CorrectionKind
from iro.journey.services import booked_reviews_left

REFERRAL_VOID_SAYS = (
    "The referral and its Child in Need episode leave the child's journey, the lists and "
    "the census return. Anything recorded in the episode (a strategy discussion, an "
    "enquiry, a plan) must be voided first."
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        required=False,  # the service's message says what is missing
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[text_limits.MaxChars(text_limits.REASON)],
    )

    def __init__(self, *args, restoring: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = (
            "Why is this record being restored?"
            if restoring
            else "Why is this record being voided?"
        )
        self.fields[
            "reason"
        ].help_text = "The reason is kept with the record's history and shown on the child's page."


@dataclass
class Target:
    """A record as the pages show it."""

    record: object
    kind: str
    what: str
    children: list  # the children it concerns (their names, as the user may see them)
    record_url: str  # the live record's page (after a restore; "Cancel" on a void)
    restore_url: str
    void: Callable  # the service
    restore: Callable
    arg: str  # the service's keyword for the record
    child: object  # a child it concerns (for screening the reason text)
    consequences: list[str] = field(default_factory=list)  # what a void does, said first
    blocked: list[str] = field(default_factory=list)  # what stops a void, said first
    heading: str = ""  # the void page's heading, when not "Void this record"


def _names(user, children) -> list[str]:
    return [display_name(user, c) for c in children]


def _conference(user, public_id: UUID, voided: bool) -> Target:
    conference = found.conference(user, public_id, voided=voided)
    children = found.conference_children(conference)
    return Target(
        conference,
        CorrectionKind.CONFERENCE,
        corrections.describe(CorrectionKind.CONFERENCE, conference),
        _names(user, children),
        reverse("conference_detail", args=[public_id]),
        reverse("conference_restore", args=[public_id]),
        corrections.void_conference,
        corrections.restore_conference,
        "conference",
        children[0] if children else None,
        [] if voided else corrections.void_consequences(conference, user),
        []
        if voided
        else corrections.void_blocked(
            conference, conference.children.select_related("child", "plan").order_by("pk")
        ),
    )


def _conference_child(user, public_id: UUID, pk: int, voided: bool) -> Target:
    row = found.conference_row(user, public_id, pk, voided=voided)
    return Target(
        row,
        CorrectionKind.CONFERENCE_CHILD,
        corrections.describe(CorrectionKind.CONFERENCE_CHILD, row),
        _names(user, [row.child]),
        reverse("conference_detail", args=[public_id]),
        reverse("conference_child_restore", args=[public_id, pk]),
        corrections.void_conference_child,
        corrections.restore_conference_child,
        "row",
        row.child,
        [] if voided else corrections.void_conference_child_consequences(row, user),
        [] if voided else corrections.void_conference_child_blocked(row),
        f"Take {display_name(user, row.child)} off this conference's record",
    )


def _dispute(user, public_id: UUID, voided: bool) -> Target:
    dispute = found.dispute(user, public_id, voided=voided)
    return Target(
        dispute,
        CorrectionKind.DISPUTE,
        corrections.describe(CorrectionKind.DISPUTE, dispute),
        _names(user, [dispute.child]),
        reverse("dispute_detail", args=[public_id]),
        reverse("dispute_restore", args=[public_id]),
        corrections.void_dispute,
        corrections.restore_dispute,
        "dispute",
        dispute.child,
    )


def _challenge(user, public_id: UUID, voided: bool) -> Target:
    challenge = found.challenge(user, public_id, voided=voided)
    return Target(
        challenge,
        CorrectionKind.CHALLENGE,
        corrections.describe(CorrectionKind.CHALLENGE, challenge),
        _names(user, [challenge.child]),
        reverse("challenge_detail", args=[public_id]),
        reverse("challenge_restore", args=[public_id]),
        corrections.void_challenge,
        corrections.restore_challenge,
        "challenge",
        challenge.child,
    )


def _referral(user, public_id: UUID, pk: int, voided: bool) -> Target:
    episode = found.referral(user, public_id, pk, voided=voided)
    return Target(
        episode,
        CorrectionKind.REFERRAL,
        corrections.describe(CorrectionKind.REFERRAL, episode),
        _names(user, [episode.child]),
        reverse("child_journey", args=[public_id]),
        reverse("referral_restore", args=[public_id, pk]),
        corrections.void_referral,
        corrections.restore_referral,
        "episode",
        episode.child,
        [] if voided else [REFERRAL_VOID_SAYS],
    )


def _strategy_discussion(user, public_id: UUID, pk: int, voided: bool) -> Target:
    discussion = found.strategy_discussion(user, public_id, pk, voided=voided)
    child = discussion.episode.child
    return Target(
        discussion,
        CorrectionKind.STRATEGY_DISCUSSION,
        corrections.describe(CorrectionKind.STRATEGY_DISCUSSION, discussion),
        _names(user, [child]),
        reverse("child_journey", args=[public_id]),
        reverse("strategy_discussion_restore", args=[public_id, pk]),
        corrections.void_strategy_discussion,
        corrections.restore_strategy_discussion,
        "discussion",
        child,
    )


def _section47(user, public_id: UUID, pk: int, voided: bool) -> Target:
    s47 = found.section47(user, public_id, pk, voided=voided)
    child = s47.episode.child
    return Target(
        s47,
        CorrectionKind.SECTION47,
        corrections.describe(CorrectionKind.SECTION47, s47),
        _names(user, [child]),
        reverse("child_journey", args=[public_id]),
        reverse("section47_restore", args=[public_id, pk]),
        corrections.void_section47,
        corrections.restore_section47,
        "section47",
        child,
    )


def _page(request, target: Target, *, restoring: bool, form: ReasonForm) -> HttpResponse:
    errors = error_summary(form)
    record = target.record
    voided = None
    if restoring and getattr(record, "voided_at", None) is not None:
        voided = {
            "on": timezone.localtime(record.voided_at),
            "by": record.voided_by,
            "reason": record.void_reason,
        }
    return render(
        request,
        "journey/correction.html",
        {
            "target": target,
            "restoring": restoring,
            "voided": voided,
            "form": form,
            "error_list": errors,
            "page_has_errors": bool(errors),
            "active_nav": "children",
        },
    )


def _act(request: HttpRequest, find: Callable[[bool], Target], *, restoring: bool):
    require_capability(request.user, Capability.VOID_RECORDS)
    # The void page finds a live record, the restore page a voided one; the restore page
    # of a record that is not voided (restored already) sends on to the record.
    try:
        target = find(restoring)
    except Http404:
        if not restoring:
            raise
        return redirect(find(False).record_url)
    form = ReasonForm(request.POST or None, restoring=restoring)
    if request.method == "POST" and form.is_valid():
        act = target.restore if restoring else target.void
        try:
            act(
                **{target.arg: target.record},
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if restoring:
                messages.success(request, f"Restored: {target.what}.")
                return redirect(target.record_url)
            messages.success(request, f"Voided: {target.what}.")
            return redirect(target.restore_url)
    return _page(request, target, restoring=restoring, form=form)


def conference_void(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(request, lambda v: _conference(request.user, public_id, v), restoring=False)


def conference_restore(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(request, lambda v: _conference(request.user, public_id, v), restoring=True)


def conference_child_void(request: HttpRequest, public_id: UUID, row_pk: int) -> HttpResponse:
    return _act(
        request, lambda v: _conference_child(request.user, public_id, row_pk, v), restoring=False
    )


def conference_child_restore(request: HttpRequest, public_id: UUID, row_pk: int) -> HttpResponse:
    return _act(
        request, lambda v: _conference_child(request.user, public_id, row_pk, v), restoring=True
    )


def dispute_void(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(request, lambda v: _dispute(request.user, public_id, v), restoring=False)


def dispute_restore(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(request, lambda v: _dispute(request.user, public_id, v), restoring=True)


def challenge_void(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(request, lambda v: _challenge(request.user, public_id, v), restoring=False)


def challenge_restore(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(request, lambda v: _challenge(request.user, public_id, v), restoring=True)


def referral_void(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    return _act(request, lambda v: _referral(request.user, public_id, pk, v), restoring=False)


def referral_restore(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    return _act(request, lambda v: _referral(request.user, public_id, pk, v), restoring=True)


def strategy_discussion_void(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    return _act(
        request, lambda v: _strategy_discussion(request.user, public_id, pk, v), restoring=False
    )


def strategy_discussion_restore(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    return _act(
        request, lambda v: _strategy_discussion(request.user, public_id, pk, v), restoring=True
    )


def section47_void(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    return _act(request, lambda v: _section47(request.user, public_id, pk, v), restoring=False)


def section47_restore(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    return _act(request, lambda v: _section47(request.user, public_id, pk, v), restoring=True)


# ------------------------------------------------------------------ a plan's end


def _plan_end(user, public_id: UUID, restoring: bool) -> Target:
    plan = found.plan(user, public_id)
    if restoring:
        waiting = corrections.voided_plan_end(plan)
        what = waiting.what if waiting else corrections.describe(CorrectionKind.PLAN_END, plan)
    else:
        what = corrections.describe(CorrectionKind.PLAN_END, plan)
        if plan.end_date:
            what += f" on {plan.end_date.day} {plan.end_date:%B %Y}"
        if corrections.step_down_cin_plan(plan) is not None:
            what += ", with the Child in Need plan it stepped down to"
        for conference, cancelled in booked_reviews_left([plan]):
            if cancelled and conference.scheduled_date:
                what += (
                    f" (the review booked for {conference.scheduled_date:%-d %B %Y} was "
                    "cancelled when it ended, and stays cancelled: book the next review again)"
                )
    return Target(
        plan,
        CorrectionKind.PLAN_END,
        what,
        _names(user, [plan.child]),
        reverse("plan_detail", args=[public_id]),
        reverse("plan_end_restore", args=[public_id]),
        corrections.void_plan_end,
        corrections.restore_plan_end,
        "plan",
        plan.child,
    )


def plan_end_void(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(request, lambda v: _plan_end(request.user, public_id, v), restoring=False)


def plan_end_restore(request: HttpRequest, public_id: UUID) -> HttpResponse:
    require_capability(request.user, Capability.VOID_RECORDS)
    target = _plan_end(request.user, public_id, True)
    waiting = corrections.voided_plan_end(target.record)
    form = ReasonForm(request.POST or None, restoring=True)
    if request.method == "POST" and form.is_valid():
        try:
            corrections.restore_plan_end(
                plan=target.record, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Restored: {target.what}.")
            return redirect(target.record_url)
    errors = error_summary(form)
    voided = None
    if waiting is not None:
        voided = {"on": timezone.localtime(waiting.at), "by": waiting.by, "reason": waiting.reason}
    return render(
        request,
        "journey/correction.html",
        {
            "target": target,
            "restoring": True,
            "voided": voided,
            "form": form,
            "error_list": errors,
            "page_has_errors": bool(errors),
            "active_nav": "children",
        },
    )
