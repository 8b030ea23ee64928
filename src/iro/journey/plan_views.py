"""The plan pages: outcomes and actions (revisited at reviews), the core group, the
plain-language check of the family's words, and ending the plan.

Reads through ``plan_selectors.plan_for`` (the child's access rule); writes are
POSTs through ``plan_services`` and ``services.end_plan``, for users who may chair.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.scope import display_name
from iro.documents.family_document import family_choice
from iro.documents.plain_language import WordingSummary, check, check_fields, field_checks
from iro.journey import plan_services, services
from iro.journey.checks import today
from iro.journey.conference_forms import (
    EndPlanForm,
    apply_service_errors,
    came_from,
    error_summary,
    wording_only,
)
from iro.journey.corrections import end_decided_by, voided_plan_end
from iro.journey.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    CoreGroupMember,
    PlanAction,
    PlanOutcome,
)
from iro.journey.plan_forms import (
    ActionForm,
    ActionProgressForm,
    CoreGroupForm,
    LeaveCoreGroupForm,
    OutcomeForm,
    ReviewActionsForm,
)
from iro.journey.plan_selectors import (
    core_group_offers,
    plan_for,
    plan_view,
    progress_history,
    sibling_plans,
)
from iro.journey.plan_services import ActionReview
from iro.languages import SUPPORTED

PLAN_FIELDS = ("text", "what")


def _page(request, template: str, context: dict, *forms_) -> HttpResponse:
    errors = error_summary(*forms_)
    return render(
        request,
        template,
        {"error_list": errors, "page_has_errors": bool(errors), "active_nav": "children"} | context,
    )


def _stale(form, version: int) -> None:
    data = form.data.copy()
    data["version"] = str(version)
    form.data = data


def plan_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = plan_for(request.user, public_id)
    view = plan_view(request.user, plan)
    texts = [("Outcome", o.text) for o in view.outcomes] + [
        ("Action", a.what) for a in view.actions
    ]
    record = view.latest_record
    if record is not None:
        texts += [
            ("What we are worried about", record.worries),
            ("What is working well", record.working_well),
            ("What needs to happen", record.needs_to_happen),
        ]
    checks = [(label, text, check(text)) for label, text in texts if text.strip()]
    return render(
        request,
        "journey/plan/detail.html",
        {
            "view": view,
            "plan": plan,
            "checks": checks,
            "may_write": has_capability(request.user, Capability.CHAIR_CONFERENCES) and view.open,
            "may_change_core_group": (
                has_capability(request.user, Capability.MANAGE_CORE_GROUP) and view.open
            ),
            "may_record_progress": (
                has_capability(request.user, Capability.RECORD_ACTION_PROGRESS) and view.open
            ),
            "may_schedule": has_capability(request.user, Capability.SCHEDULE_CONFERENCES),
            "end_form": EndPlanForm(initial={"version": plan.version, "ended_on": today()}),
            # A wrongly entered end the manager voided, waiting to be restored.
            # An end a review decided is voided with that conference: the page links it.
            "end_decided_by": end_decided_by(plan) if plan.end_date else None,
            "voided_end": (
                voided_plan_end(plan)
                if has_capability(request.user, Capability.VOID_RECORDS) and view.open
                else None
            ),
            "family_language": family_choice(plan.child),
            "languages": SUPPORTED,
            # An open plan's actions past their "by when" and still to do, as My work has them.
            "overdue_before": today() if view.open else None,
            "open_action_statuses": OPEN_ACTION_STATUSES,
            "active_nav": "children",
        },
    )


def _outcome(plan, pk: int) -> PlanOutcome:
    try:
        return plan.outcomes.get(pk=pk)
    except PlanOutcome.DoesNotExist as exc:
        raise Http404("No such outcome") from exc


def _action(plan, pk: int) -> PlanAction:
    try:
        return plan.actions.get(pk=pk)
    except PlanAction.DoesNotExist as exc:
        raise Http404("No such action") from exc


def _siblings(request: HttpRequest, plan) -> list:
    """The sibling group's other open plans a new outcome or action may also go on."""
    return sibling_plans(request.user, plan)


def _with_siblings(plan, form, siblings) -> list:
    """This plan and the siblings' plans ticked on ``form``."""
    chosen = form.chosen_siblings()
    return [plan, *(p for p, _ in siblings if str(p.public_id) in chosen)]


def _saved(what: str, plans: list) -> str:
    if len(plans) == 1:
        return f"{what} saved."
    return f"{what} saved on {len(plans)} children's plans: change any of them on its own."


def _wording_to_change(
    request: HttpRequest, form, required: tuple[str, ...]
) -> tuple[dict, WordingSummary | None]:
    """On a save, what in the text the family may not understand (the plan is written
    for them): the page asks once, with the suggestions, before saving it; "Save it as it
    is" (``wording_seen``) saves it then. Nothing when the wording reads plainly, nor
    while an answer the service ``required`` is missing (the service says so first, and
    the wording is looked at on the save that follows)."""
    data = form.cleaned_data
    if request.POST.get("wording_seen") or any(not data.get(name) for name in required):
        return {}, None
    results = check_fields(form, PLAN_FIELDS)
    summary = WordingSummary(field_checks(form, results))
    return (results, summary) if summary.to_change else ({}, None)


def plan_outcome(request: HttpRequest, public_id: UUID, pk: int | None = None) -> HttpResponse:
    """Add an outcome (to the sibling group's other plans too, if chosen), or change one
    (``pk``)."""
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.CHAIR_CONFERENCES)
    outcome = _outcome(plan, pk) if pk is not None else None
    initial = {"text": outcome.text, "version": outcome.version} if outcome else {}
    siblings = _siblings(request, plan) if outcome is None else []
    form = OutcomeForm(
        request.POST or None,
        initial=initial,
        editing=outcome is not None,
        siblings=[(p.public_id, name) for p, name in siblings],
    )
    plans = [plan]
    plain_results = {}
    wording_summary = None
    saving = False
    if request.method == "POST" and "check_wording" in request.POST:
        wording_only(form)
        plain_results = check_fields(form, PLAN_FIELDS)
        wording_summary = WordingSummary(field_checks(form, plain_results))
    elif request.method == "POST" and form.is_valid():
        saving = True
        plain_results, wording_summary = _wording_to_change(request, form, ("text",))
    if saving and wording_summary is None:
        try:
            if outcome is None:
                plans = _with_siblings(plan, form, siblings)
                plan_services.add_outcome_to_each(
                    plans=plans, text=form.cleaned_data["text"], acting_user=request.user
                )
            else:
                plan_services.update_outcome(
                    outcome=outcome,
                    text=form.cleaned_data["text"],
                    expected_version=form.cleaned_data["version"],
                    acting_user=request.user,
                )
        except ValidationError as error:
            if apply_service_errors(form, error):
                outcome.refresh_from_db()
                _stale(form, outcome.version)
        else:
            messages.success(request, _saved("Outcome", plans))
            return redirect("plan_detail", public_id=plan.public_id)
    return _page(
        request,
        "journey/plan/outcome.html",
        {
            "plan": plan,
            "view": plan_view(request.user, plan),
            "form": form,
            "outcome": outcome,
            "plain_results": plain_results,
            "wording_summary": wording_summary,
            "wording_held": saving and wording_summary is not None,
        },
        form,
    )


def plan_action(request: HttpRequest, public_id: UUID, pk: int | None = None) -> HttpResponse:
    """Add an action (what, who, by when), or change one (``pk``)."""
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.CHAIR_CONFERENCES)
    action = _action(plan, pk) if pk is not None else None
    outcomes = list(plan.outcomes.all())
    initial = {"outcome": request.GET.get("outcome", "")}
    if action is not None:
        initial = {
            "what": action.what,
            "who": action.who,
            "agency": action.agency_id,
            "by_when": action.by_when,
            "outcome": action.outcome_id or "",
            "status": action.status,
            "progress": action.progress,
            "version": action.version,
        }
    siblings = _siblings(request, plan) if action is None else []
    form = ActionForm(
        request.POST or None,
        outcomes=outcomes,
        editing=action is not None,
        initial=initial,
        siblings=[(p.public_id, name) for p, name in siblings],
    )
    plans = [plan]
    plain_results = {}
    wording_summary = None
    saving = False
    if request.method == "POST" and "check_wording" in request.POST:
        wording_only(form)
        plain_results = check_fields(form, PLAN_FIELDS)
        wording_summary = WordingSummary(field_checks(form, plain_results))
    elif request.method == "POST" and form.is_valid():
        saving = True
        plain_results, wording_summary = _wording_to_change(
            request, form, ("what", "who", "by_when")
        )
    if saving and wording_summary is None:
        data = form.cleaned_data
        outcome = next((o for o in outcomes if str(o.pk) == data["outcome"]), None)
        try:
            if action is None:
                plans = _with_siblings(plan, form, siblings)
                plan_services.add_action_to_each(
                    plans=plans,
                    what=data["what"],
                    who=data["who"],
                    by_when=data["by_when"],
                    outcome=outcome,
                    agency=data["agency"],
                    acting_user=request.user,
                )
            else:
                plan_services.update_action(
                    action=action,
                    what=data["what"],
                    who=data["who"],
                    by_when=data["by_when"],
                    status=data["status"],
                    progress=data["progress"],
                    outcome=outcome,
                    agency=data["agency"],
                    expected_version=data["version"],
                    acting_user=request.user,
                )
        except ValidationError as error:
            if apply_service_errors(form, error):
                action.refresh_from_db()
                _stale(form, action.version)
        else:
            messages.success(request, _saved("Action", plans))
            return redirect(came_from(request) or reverse("plan_detail", args=[plan.public_id]))
    return _page(
        request,
        "journey/plan/action.html",
        {
            "plan": plan,
            "view": plan_view(request.user, plan),
            "form": form,
            "action": action,
            "plain_results": plain_results,
            "wording_summary": wording_summary,
            "wording_held": saving and wording_summary is not None,
            "came_from": came_from(request),
        },
        form,
    )


def plan_action_progress(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Between conferences: the status and progress of one action, recorded by whoever
    carries out the plan (what, who and by when stay as the conference decided)."""
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.RECORD_ACTION_PROGRESS)
    action = _action(plan, pk)
    form = ActionProgressForm(
        request.POST or None,
        initial={"status": action.status, "progress": action.progress, "version": action.version},
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.record_action_progress(
                action=action,
                status=data["status"],
                progress=data["progress"],
                expected_version=data["version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            if apply_service_errors(form, error):
                action.refresh_from_db()
                _stale(form, action.version)
                stale = True
        else:
            status = ActionStatus(data["status"]).label.lower()
            messages.success(
                request,
                f"Progress recorded on “{action.what}” for "
                f"{display_name(request.user, plan.child)}: {status}.",
            )
            # Back to the page it came from, at its top, where the message is seen (a list
            # further down the page would hide it and leave the row looking unchanged).
            back = (came_from(request) or "").split("#")[0]
            return redirect(back or reverse("plan_detail", args=[plan.public_id]))
    return _page(
        request,
        "journey/plan/action_progress.html",
        {
            "plan": plan,
            "view": plan_view(request.user, plan),
            "form": form,
            "action": action,
            # The current entry is the form's; what it replaced is listed below it. After
            # a clash the form keeps what this person typed, so the entry saved meanwhile
            # (the change they are asked to check) is listed too.
            "earlier": progress_history(action)[0 if stale else 1 :],
            "came_from": came_from(request),
        },
        form,
    )


def plan_actions_review(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Revisit every action at a review: its status and progress, saved together."""
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.CHAIR_CONFERENCES)
    actions = list(plan.actions.all())
    form = ReviewActionsForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reviews = {
            a.pk: ActionReview(
                status=data[f"status_{a.pk}"],
                progress=data[f"progress_{a.pk}"],
                expected_version=data[f"version_{a.pk}"],
            )
            for a in actions
        }
        try:
            changed = plan_services.revisit_actions(
                plan=plan, reviews=reviews, acting_user=request.user
            )
        except ValidationError as error:
            if apply_service_errors(form, error):
                data_ = form.data.copy()
                for a in plan.actions.all():
                    data_[f"version_{a.pk}"] = str(a.version)
                form.data = data_
        else:
            messages.success(request, f"Actions reviewed: {len(changed)} changed.")
            return redirect("plan_detail", public_id=plan.public_id)
    return _page(
        request,
        "journey/plan/review_actions.html",
        {
            "plan": plan,
            "view": plan_view(request.user, plan),
            "form": form,
            "statuses": ActionStatus,
        },
        form,
    )


def plan_core_group(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.MANAGE_CORE_GROUP)
    form = CoreGroupForm(request.POST or None, initial={"joined_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = plan_services.add_core_group_member(
                plan=plan,
                name=data["name"],
                role=data["role"],
                agency=data["agency"],
                email=data["email"],
                joined_on=data["joined_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} added to the core group.")
            return redirect("plan_core_group", public_id=plan.public_id)
    return _page(
        request,
        "journey/plan/core_group.html",
        {
            "plan": plan,
            "view": plan_view(request.user, plan),
            "form": form,
            "leave_form": LeaveCoreGroupForm(initial={"left_on": today()}),
            "offers": core_group_offers(request.user, plan),
        },
        form,
    )


NONE_KEPT = "Select the people for the core group, or add people one by one below."


@require_POST
def plan_core_group_keep(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Add the ticked people offered for a new plan's core group."""
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.MANAGE_CORE_GROUP)
    wanted = set(request.POST.getlist("keep"))
    people = [o for o in core_group_offers(request.user, plan) if o.key in wanted]
    if not people:
        messages.error(request, NONE_KEPT)
        return redirect("plan_core_group", public_id=plan.public_id)
    try:
        plan_services.add_core_group_members(plan=plan, people=people, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        noun = "person" if len(people) == 1 else "people"
        messages.success(request, f"{len(people)} {noun} added to the core group.")
    return redirect("plan_core_group", public_id=plan.public_id)


def plan_core_group_leave(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.MANAGE_CORE_GROUP)
    try:
        member = plan.core_group.get(pk=pk)
    except CoreGroupMember.DoesNotExist as exc:
        raise Http404("No such member") from exc
    form = LeaveCoreGroupForm(request.POST or None, initial={"left_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.end_core_group_membership(
                member=member, left_on=form.cleaned_data["left_on"], acting_user=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} has left the core group.")
            return redirect("plan_core_group", public_id=plan.public_id)
    return _page(
        request,
        "journey/plan/core_group_leave.html",
        {"plan": plan, "view": plan_view(request.user, plan), "form": form, "member": member},
        form,
    )


def plan_end(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """End the plan outside a review (the child moved away, became looked after...):
    the end date and the reason; a step down starts a Child in Need plan."""
    plan = plan_for(request.user, public_id)
    require_capability(request.user, Capability.CHAIR_CONFERENCES)
    form = EndPlanForm(request.POST or None, initial={"version": plan.version, "ended_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.end_plan(
                plan=plan,
                ended_on=data["ended_on"],
                reason=data["reason"],
                expected_version=data["version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            if apply_service_errors(
                form, error, aliases={"end_date": "ended_on", "end_reason": "reason"}
            ):
                plan.refresh_from_db()
                _stale(form, plan.version)
        else:
            plan.refresh_from_db()
            said = services.booked_reviews_said([plan])
            messages.success(request, "The plan has ended." + (f" {said}" if said else ""))
            return redirect("plan_detail", public_id=plan.public_id)
    return _page(
        request,
        "journey/plan/end.html",
        {
            "plan": plan,
            "view": plan_view(request.user, plan),
            "form": form,
            "booked_reviews": services.booked_reviews_of(plan),
        },
        form,
    )
