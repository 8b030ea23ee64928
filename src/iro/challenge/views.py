"""The pages of the IRO's worries: disputes (DRP), multi-agency challenges (MACP), and
feedback after a conference.

Thin views: every record through ``challenge.page_selectors`` (which ask
``access.scope`` about the child), every action behind a ``Capability``, every change
a POST through ``challenge.services``, whose field-level refusals go back onto the
form and into the GOV.UK error summary. A dispute saved from a stale page is refused
(``STALE_RECORD``): the page shows the record as it now is, with what the user typed
still in the form.

The safeguarding partnership works on multi-agency challenges without access to any
child's record: its pages name the child by LA child ID only, and never link to the
child's journey.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iro.access import read_log
from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.scope import child_for, display_name
from iro.challenge import page_selectors as pages
from iro.challenge import services
from iro.challenge.forms import (
    ChallengeResponseForm,
    EscalateForm,
    FeedbackForm,
    ForwardForm,
    RaiseChallengeForm,
    RaiseDisputeForm,
    ResolveForm,
    StageResponseForm,
)
from iro.challenge.models import FINAL_STAGE, Dispute, Feedback, MultiAgencyChallenge
from iro.journey.checks import today
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.journey.models import ConferenceStatus, Plan
from iro.journey.selectors import conference_for

NO_SUCH_FEEDBACK = "No such feedback for this conference."


def _may_record_feedback(user) -> bool:
    return has_capability(user, Capability.CHAIR_CONFERENCES) or has_capability(
        user, Capability.SCHEDULE_CONFERENCES
    )


def _page(request, template: str, context: dict, *forms_) -> HttpResponse:
    errors = error_summary(*forms_)
    return render(
        request,
        template,
        {"error_list": errors, "page_has_errors": bool(errors)} | context,
    )


def _stage_words(dispute: Dispute) -> str:
    label = dispute.get_stage_display()
    return label[0].lower() + label[1:]


def _carry_version(form, version: int) -> None:
    """After a stale refusal the form carries the version now saved, so a deliberate
    second save (after reading the other person's change) goes through."""
    data = form.data.copy()
    data["version"] = str(version)
    form.data = data


# ---------------------------------------------------------- a child's worries


def child_worries(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A child's disputes and multi-agency challenges, for everyone who may see the child."""
    child = child_for(request.user, public_id)
    may_raise = has_capability(request.user, Capability.RAISE_CHALLENGES)
    return render(
        request,
        "challenge/child.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            "disputes": pages.child_disputes(request.user, child, day=today()),
            "challenges": list(pages.child_challenges(request.user, child).order_by("-raised_on")),
            "may_raise": may_raise,
            "active_nav": "children",
        },
    )


# ------------------------------------------------------------------- disputes


def _plan_choices(child) -> list[tuple[Plan, str]]:
    plans = Plan.objects.filter(child=child).order_by("-start_date", "-pk")
    return [
        (
            p,
            f"Plan from {p.start_date:%-d %B %Y}"
            + (f" to {p.end_date:%-d %B %Y}" if p.end_date else " (open)")
            + f", {p.get_latest_category_display().lower()}",
        )
        for p in plans
    ]


def dispute_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for(request.user, public_id)
    require_capability(request.user, Capability.RAISE_CHALLENGES)
    plans = _plan_choices(child)
    open_plan = next((p for p, _ in plans if p.end_date is None), None)
    form = RaiseDisputeForm(
        request.POST or None,
        plans=plans,
        initial={
            "raised_on": today(),
            "plan": str(open_plan.public_id) if open_plan else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = next((p for p, _ in plans if str(p.public_id) == data.get("plan")), None)
        try:
            dispute = services.raise_dispute(
                child=child,
                raised_on=data["raised_on"],
                reason=data["reason"],
                detail=data["detail"].strip(),
                plan=plan,
                sent_to=data["sent_to"].strip(),
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Dispute raised at the informal stage (stage 1).")
            return redirect("dispute_detail", public_id=dispute.public_id)
    return _page(
        request,
        "challenge/dispute_new.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            "form": form,
            "active_nav": "children",
        },
        form,
    )


def _dispute_page(
    request,
    dispute: Dispute,
    *,
    response_form: StageResponseForm | None = None,
    escalate_form: EscalateForm | None = None,
    resolve_form: ResolveForm | None = None,
    stale: bool = False,
) -> HttpResponse:
    day = today()
    stages = pages.dispute_stages(dispute, day=day)
    current = next((s for s in stages if s.stage.stage == dispute.stage), None)
    may_act = has_capability(request.user, Capability.RAISE_CHALLENGES) and not dispute.is_resolved
    version = {"version": dispute.version}
    context = {
        "dispute": dispute,
        "child": dispute.child,
        "name": display_name(request.user, dispute.child),
        "stages": stages,
        "current": current,
        "may_act": may_act,
        "may_respond": may_act and current is not None and current.stage.responded_on is None,
        "may_escalate": may_act and dispute.stage < FINAL_STAGE,
        "response_form": response_form
        or StageResponseForm(initial=version | {"responded_on": day}),
        "escalate_form": escalate_form or EscalateForm(initial=version | {"escalated_on": day}),
        "resolve_form": resolve_form or ResolveForm(initial=version | {"resolved_on": day}),
        "stale": stale,
        "active_nav": "children",
    }
    return _page(
        request,
        "challenge/dispute.html",
        context,
        response_form,
        escalate_form,
        resolve_form,
    )


def dispute_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    dispute = pages.dispute_for(request.user, public_id)
    return _dispute_page(request, dispute)


def _dispute_action(request, public_id: UUID, form_class, form_key: str, act):
    """POST one change of a dispute: ``act(dispute, data)`` makes it through a service and
    returns the message to show. On refusal, the dispute page with the form's errors."""
    dispute = pages.dispute_for(request.user, public_id)
    require_capability(request.user, Capability.RAISE_CHALLENGES)
    form = form_class(request.POST)
    stale = False
    if form.is_valid():
        try:
            done = act(dispute, form.cleaned_data)
        except ValidationError as error:
            stale = apply_service_errors(form, error)
            if stale:
                dispute.refresh_from_db()
                _carry_version(form, dispute.version)
        else:
            messages.success(request, done)
            return redirect("dispute_detail", public_id=dispute.public_id)
    return _dispute_page(request, dispute, stale=stale, **{form_key: form})


@require_POST
def dispute_response(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def act(dispute, data) -> str:
        services.record_stage_response(
            dispute=dispute,
            responded_on=data["responded_on"],
            response=data["response"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return "Response recorded. Next: resolve the dispute, or escalate it."

    return _dispute_action(request, public_id, StageResponseForm, "response_form", act)


@require_POST
def dispute_escalate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def act(dispute, data) -> str:
        escalated = services.escalate_dispute(
            dispute=dispute,
            escalated_on=data["escalated_on"],
            sent_to=data["sent_to"].strip(),
            note=data["note"].strip(),
            expected_version=data["version"],
            acting_user=request.user,
        )
        return f"Dispute escalated to {_stage_words(escalated)}."

    return _dispute_action(request, public_id, EscalateForm, "escalate_form", act)


@require_POST
def dispute_resolve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def act(dispute, data) -> str:
        resolved = services.resolve_dispute(
            dispute=dispute,
            resolved_on=data["resolved_on"],
            resolution=data["resolution"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return f"Dispute resolved at {_stage_words(resolved)}."

    return _dispute_action(request, public_id, ResolveForm, "resolve_form", act)


def dispute_list(request: HttpRequest) -> HttpResponse:
    """Open disputes with each current stage's response timescale, overdue first."""
    require_capability(request.user, Capability.RAISE_CHALLENGES)
    rows = pages.open_dispute_rows(request.user, day=today())
    read_log.shown(request, pks=[r.dispute.child_id for r in rows])
    return render(
        request,
        "challenge/dispute_list.html",
        {
            "rows": rows,
            "overdue": sum(1 for r in rows if r.current and r.current.state == pages.OVERDUE),
            "active_nav": "disputes",
        },
    )


# ------------------------------------------------------ multi-agency challenges


def challenge_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for(request.user, public_id)
    require_capability(request.user, Capability.RAISE_CHALLENGES)
    form = RaiseChallengeForm(request.POST or None, initial={"raised_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            challenge = services.raise_multi_agency_challenge(
                child=child,
                agency=data["agency"],
                professional=data["professional"],
                concern=data["concern"],
                raised_on=data["raised_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Challenge raised. The safeguarding partnership will send it to the "
                "professional's manager.",
            )
            return redirect("challenge_detail", public_id=challenge.public_id)
    return _page(
        request,
        "challenge/challenge_new.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            "form": form,
            "active_nav": "children",
        },
        form,
    )


def challenge_list(request: HttpRequest) -> HttpResponse:
    queue = pages.challenge_queue(request.user)
    read_log.shown(
        request,
        pks=[
            r.challenge.child_id
            for rows in (queue.to_forward, queue.awaiting_response, queue.answered)
            for r in rows
        ],
    )
    return render(
        request,
        "challenge/challenge_list.html",
        {
            "queue": queue,
            "partnership": pages.may_handle_challenges(request.user),
            "active_nav": "challenges",
        },
    )


def _challenge_page(
    request,
    challenge: MultiAgencyChallenge,
    *,
    forward_form: ForwardForm | None = None,
    response_form: ChallengeResponseForm | None = None,
) -> HttpResponse:
    user = request.user
    partnership = pages.may_handle_challenges(user)
    answered = challenge.responded_on is not None
    may_respond = not answered and (
        partnership or has_capability(user, Capability.RAISE_CHALLENGES)
    )
    day = today()
    context = {
        "challenge": challenge,
        "name": pages.challenge_child_name(user, challenge.child),
        # The partnership has no access to children's records: no link to the journey.
        "link_child": has_capability(user, Capability.VIEW_CHILDREN),
        "partnership": partnership,
        "may_forward": partnership and challenge.forwarded_on is None and not answered,
        "may_respond": may_respond,
        "forward_form": forward_form or ForwardForm(initial={"forwarded_on": day}),
        "response_form": response_form or ChallengeResponseForm(initial={"responded_on": day}),
        "active_nav": "challenges",
    }
    return _page(request, "challenge/challenge.html", context, forward_form, response_form)


def challenge_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    challenge = pages.challenge_for(request.user, public_id)
    return _challenge_page(request, challenge)


@require_POST
def challenge_forward(request: HttpRequest, public_id: UUID) -> HttpResponse:
    challenge = pages.challenge_for(request.user, public_id)
    require_capability(request.user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES)
    form = ForwardForm(request.POST)
    if form.is_valid():
        try:
            services.forward_multi_agency_challenge(
                challenge=challenge,
                forwarded_on=form.cleaned_data["forwarded_on"],
                forwarded_to=form.cleaned_data["forwarded_to"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Challenge forwarded to the professional's manager.")
            return redirect("challenge_detail", public_id=challenge.public_id)
    return _challenge_page(request, challenge, forward_form=form)


@require_POST
def challenge_response(request: HttpRequest, public_id: UUID) -> HttpResponse:
    challenge = pages.challenge_for(request.user, public_id)
    if not (
        pages.may_handle_challenges(request.user)
        or has_capability(request.user, Capability.RAISE_CHALLENGES)
    ):
        raise PermissionDenied(services.CANNOT_RECORD_RESPONSE)
    form = ChallengeResponseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_challenge_response(
                challenge=challenge,
                responded_on=data["responded_on"],
                response=data["response"],
                outcome=data["outcome"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Response and outcome recorded.")
            return redirect("challenge_detail", public_id=challenge.public_id)
    return _challenge_page(request, challenge, response_form=form)


# ------------------------------------------------------------------ feedback


def conference_feedback(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Feedback after a held conference, with each giver's consent to be quoted."""
    conference = conference_for(request.user, public_id)
    if not _may_record_feedback(request.user):
        raise PermissionDenied(services.CANNOT_RECORD_FEEDBACK)
    held = conference.status == ConferenceStatus.HELD
    form = FeedbackForm(request.POST or None, initial={"received_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_feedback(
                conference=conference,
                respondent=data["respondent"],
                attribution=data["attribution"],
                text=data["text"],
                received_on=data["received_on"],
                consent_to_quote=form.consented(),
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error, aliases={"conference": "received_on"})
        else:
            messages.success(request, "Feedback recorded.")
            return redirect("conference_feedback", public_id=conference.public_id)
    rows = list(
        conference.children.exclude(child_id__in=conference.hidden_child_ids)
        .select_related("child")
        .order_by("child__date_of_birth")
    )
    return _page(
        request,
        "challenge/feedback.html",
        {
            "conference": conference,
            "names": [display_name(request.user, r.child) for r in rows],
            "held": held,
            "feedback": list(pages.conference_feedback(conference)),
            "form": form,
            "active_nav": "children",
        },
        form,
    )


@require_POST
def feedback_withdraw_consent(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    conference = conference_for(request.user, public_id)
    if not _may_record_feedback(request.user):
        raise PermissionDenied(services.CANNOT_RECORD_FEEDBACK)
    feedback = Feedback.objects.filter(conference=conference, pk=pk).first()
    if feedback is None:
        raise Http404(NO_SUCH_FEEDBACK)
    services.withdraw_consent_to_quote(feedback=feedback, acting_user=request.user)
    messages.success(request, "Consent withdrawn: reports will not quote this feedback.")
    return redirect("conference_feedback", public_id=conference.public_id)
