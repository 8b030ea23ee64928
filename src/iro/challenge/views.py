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

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from iro import timescales
from iro.access import read_log
from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.guards import require_conference_children
from iro.access.log import log_export
from iro.access.scope import can_view_child, child_for, display_name
from iro.challenge import feedback_links, selectors, services
from iro.challenge import page_selectors as pages
from iro.challenge import queues as challenge_queues
from iro.challenge.forms import (
    AnswerForm,
    ChallengeResponseForm,
    EscalateForm,
    FeatureQuoteForm,
    FeedbackForm,
    ForwardForm,
    QuoteApprovalForm,
    RaiseChallengeForm,
    RaiseDisputeForm,
    ResolveForm,
    StageResponseForm,
    TargetForm,
)
from iro.challenge.models import (
    BETTER_DIRECTION,
    FINAL_STAGE,
    RATING_QUESTIONS,
    Dispute,
    Feedback,
    FeedbackLink,
    MultiAgencyChallenge,
    QuoteStatus,
    Respondent,
    Stage,
    Target,
    TargetDirection,
    TargetMeasure,
)
from iro.journey.checks import today
from iro.journey.conference_forms import apply_service_errors, error_summary, naming_the_date
from iro.journey.models import ConferenceChild, ConferenceStatus, Plan
from iro.journey.selectors import conference_for
from iro.languages import then_english
from iro.names import marked
from iro.notices.selectors import notices_about
from iro.people.models import User
from iro.reports.builders import targets_with_position

NO_SUCH_FEEDBACK = "No such feedback for this conference."
NOT_ADDRESSED_TO_YOU = "This dispute is not waiting for your answer."


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
            "challenges": pages.with_response_due(
                pages.child_challenges(request.user, child).order_by("-raised_on"), day=today()
            ),
            "may_raise": may_raise,
            # Those who may not open a challenge's page see its row without a link.
            "may_open_challenges": pages.may_open_challenges(request.user),
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
    people = pages.addressee_choices(child)
    form = RaiseDisputeForm(
        request.POST or None,
        plans=plans,
        people=people,
        initial={
            "raised_on": today(),
            "plan": str(open_plan.public_id) if open_plan else "",
            "addressed_to": pages.usual_addressee(child, people, stage=Stage.INFORMAL),
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
                addressed_to=_person(data["addressed_to"]),
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Dispute raised at the informal stage (stage 1). "
                f"{dispute.stages.get().sent_to} is told it is waiting for their answer.",
            )
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


def _person(pk: int | None):
    """The member of staff chosen on a form (the service checks who they may be)."""
    return None if pk is None else User.objects.filter(pk=pk).first()


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
    user = request.user
    stages = pages.dispute_stages(dispute, day=day)
    current = next((s for s in stages if s.stage.stage == dispute.stage), None)
    may_act = has_capability(user, Capability.RAISE_CHALLENGES) and not dispute.is_resolved
    version = {"version": dispute.version}
    unanswered = current is not None and current.stage.responded_on is None
    addressed = current is not None and current.stage.addressed_to_id is not None
    people = (
        pages.addressee_choices(dispute.child, escalating_to=min(dispute.stage + 1, FINAL_STAGE))
        if may_act
        else []
    )
    context = {
        "dispute": dispute,
        "child": dispute.child,
        "name": display_name(user, dispute.child),
        # An addressee who does not see the child by role reads the dispute only.
        "sees_child": can_view_child(user, dispute.child),
        "stages": stages,
        "current": current,
        "may_act": may_act,
        # A stage sent to a member of staff is answered by them; an older one, by the IRO.
        "may_respond": may_act and unanswered and not addressed,
        "may_answer": unanswered and addressed and current.stage.addressed_to_id == user.pk,
        "may_escalate": may_act and dispute.stage < FINAL_STAGE,
        # The IRO service sees who was told what, and that mail is not sent yet.
        "notices": list(notices_about(_answer_path(dispute), _detail_path(dispute)))
        if has_capability(user, Capability.RAISE_CHALLENGES)
        else [],
        "response_form": response_form
        or StageResponseForm(initial=version | {"responded_on": day}),
        "escalate_form": escalate_form
        or EscalateForm(
            people=people,
            initial=version
            | {
                "escalated_on": day,
                "addressed_to": pages.usual_addressee(
                    dispute.child,
                    people,
                    stage=dispute.stage + 1,
                    previous=current.stage.addressed_to if people and current else None,
                ),
            },
        ),
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


def _answer_path(dispute: Dispute) -> str:
    return reverse("dispute_answer", kwargs={"public_id": dispute.public_id})


def _detail_path(dispute: Dispute) -> str:
    return reverse("dispute_detail", kwargs={"public_id": dispute.public_id})


def dispute_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    dispute = pages.dispute_for(request.user, public_id)
    return _dispute_page(request, dispute)


def _dispute_action(request, public_id: UUID, form_class, form_key: str, act):
    """POST one change of a dispute: ``act(dispute, data)`` makes it through a service and
    returns the message to show. On refusal, the dispute page with the form's errors."""
    dispute = pages.dispute_for(request.user, public_id)
    require_capability(request.user, Capability.RAISE_CHALLENGES)
    if form_class is EscalateForm:
        form = form_class(
            request.POST,
            people=pages.addressee_choices(
                dispute.child, escalating_to=min(dispute.stage + 1, FINAL_STAGE)
            ),
        )
    else:
        form = form_class(request.POST)
    stale = False
    if not form.is_valid():
        _answer_date_too(form, dispute)
    else:
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


def _answer_date_too(form, dispute) -> None:
    """An answer's form refused for something else (its text too long) says in the same
    round what the service would of its date (before the stage started, in the future),
    not in the next."""
    if not isinstance(form, StageResponseForm) or not form.is_bound:
        return  # (an empty POST leaves the form unbound: it is only shown again)
    if "responded_on" in form.errors:
        return
    responded_on = form.cleaned_data.get("responded_on")
    if responded_on is not None:
        for problem in services.response_date_problems(dispute=dispute, responded_on=responded_on):
            form.add_error("responded_on", naming_the_date(form.fields["responded_on"], [problem]))


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
            addressed_to=_person(data["addressed_to"]),
            note=data["note"].strip(),
            expected_version=data["version"],
            acting_user=request.user,
        )
        return (
            f"Dispute escalated to {_stage_words(escalated)}. "
            f"{escalated.stages.get(stage=escalated.stage).sent_to} is told it is waiting "
            "for their answer."
        )

    return _dispute_action(request, public_id, EscalateForm, "escalate_form", act)


@require_POST
def dispute_resolve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def act(dispute, data) -> str:
        resolved = services.resolve_dispute(
            dispute=dispute,
            resolved_on=data["resolved_on"],
            resolution=data["resolution"],
            outcome=data["outcome"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return f"Dispute resolved at {_stage_words(resolved)}."

    return _dispute_action(request, public_id, ResolveForm, "resolve_form", act)


def dispute_answer(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The page of the person a dispute's current stage is addressed to: the worry, the
    stages so far, and their answer (which the IRO then accepts or escalates)."""
    dispute = pages.dispute_for(request.user, public_id)
    if not pages.is_addressed_to(request.user, dispute):
        if request.method == "POST":
            raise PermissionDenied(NOT_ADDRESSED_TO_YOU)
        # A notice read after the dispute moved on: refused, saying why, with the way
        # to the dispute as it is now (which this reader may see: ``dispute_for``).
        return render(
            request, "challenge/dispute_not_waiting.html", {"dispute": dispute}, status=403
        )
    day = today()
    form = AnswerForm(
        request.POST or None, initial={"version": dispute.version, "responded_on": day}
    )
    stale = False
    if request.method == "POST" and not form.is_valid():
        _answer_date_too(form, dispute)
    elif request.method == "POST":
        data = form.cleaned_data
        try:
            services.record_stage_response(
                dispute=dispute,
                responded_on=data["responded_on"],
                response=data["response"],
                expected_version=data["version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            stale = apply_service_errors(form, error)
            if stale:
                dispute.refresh_from_db()
                _carry_version(form, dispute.version)
        else:
            messages.success(
                request,
                "Answer sent. The IRO is told it is waiting: they accept it or escalate the "
                "dispute.",
            )
            return redirect("dispute_answer", public_id=dispute.public_id)
    stages = pages.dispute_stages(dispute, day=day)
    current = next(s for s in stages if s.stage.stage == dispute.stage)
    return _page(
        request,
        "challenge/dispute_answer.html",
        {
            "dispute": dispute,
            "name": display_name(request.user, dispute.child),
            "stages": stages,
            "current": current,
            "form": form,
            "stale": stale,
            "active_nav": "disputes_waiting",
        },
        form,
    )


def disputes_waiting(request: HttpRequest) -> HttpResponse:
    """The disputes waiting for the signed-in member of staff's answer."""
    require_capability(request.user, Capability.ANSWER_DISPUTES)
    queue = challenge_queues.disputes_waiting_for_answer(request.user, day=today())
    read_log.shown(request, public_ids=queue.child_public_ids)
    return render(
        request,
        "challenge/queue_page.html",
        {
            "queues": [queue],
            "single": True,
            "title": queue.title,
            "active_nav": "disputes_waiting",
            # Every open dispute about the children they see, whoever it waits for.
            "all_disputes": True,
        },
    )


def dispute_list(request: HttpRequest) -> HttpResponse:
    """Open disputes with each current stage's response timescale, overdue first: for
    those who raise them, for the senior managers who oversee the service, and for those
    who answer them (a team manager following the disputes about the team's children,
    whoever's answer they wait for): the disputes of the children they may see."""
    if not any(
        has_capability(request.user, c)
        for c in (Capability.VIEW_SERVICE_FIGURES, Capability.ANSWER_DISPUTES)
    ):
        require_capability(request.user, Capability.RAISE_CHALLENGES)
    rows = pages.open_dispute_rows(request.user, day=today())
    resolved = pages.resolved_dispute_rows(request.user, day=today())
    read_log.shown(request, pks=[r.dispute.child_id for r in rows + resolved])
    return render(
        request,
        "challenge/dispute_list.html",
        {
            "rows": rows,
            "resolved": resolved,
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
    queue = pages.challenge_queue(request.user, day=today())
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
            # The challenges the partnership officer must chase (also in awaiting_response).
            "late": challenge_queues.challenges_without_response(request.user, day=today()),
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
    (challenge,) = pages.with_response_due([challenge], day=day)
    context = {
        "challenge": challenge,
        "name": pages.challenge_child_name(user, challenge.child),
        # The partnership has no access to children's records: no link to the journey.
        "link_child": has_capability(user, Capability.VIEW_CHILDREN),
        "partnership": partnership,
        "may_forward": partnership and challenge.forwarded_on is None and not answered,
        "may_respond": may_respond,
        "forward_form": forward_form
        or ForwardForm(
            initial={
                "forwarded_on": day,
                "response_working_days": challenge.response_working_days,
            }
        ),
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
                response_working_days=form.cleaned_data["response_working_days"],
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
        raise PermissionDenied(
            services.CANNOT_RECORD_FEEDBACK
            if request.method == "POST"
            else services.CANNOT_READ_FEEDBACK
        )
    held = conference.status == ConferenceStatus.HELD
    form = FeedbackForm(request.POST or None, initial={"received_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_feedback(
                conference=conference,
                respondent=data["respondent"],
                text=data["text"],
                received_on=data["received_on"],
                consent_to_quote=form.consented(),
                ratings=form.ratings(),
                themes=data["themes"],
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
    for_chair = conference.chair_id == request.user.pk
    return _page(
        request,
        "challenge/feedback.html",
        {
            "conference": conference,
            "names": [display_name(request.user, r.child) for r in rows],
            "held": held,
            "feedback": list(pages.conference_feedback(conference)),
            "link_states": feedback_links.link_states(conference, for_chair=for_chair),
            "for_chair": for_chair,
            "link_days": feedback_links.LINK_DAYS,
            "may_print_letters": has_capability(request.user, Capability.SCHEDULE_CONFERENCES),
            "form": form,
            "active_nav": "children",
        },
        form,
    )


@require_POST
def feedback_letter(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """The feedback letter for someone without email, with a new short code: shown once
    (only its hash is kept), so printing again makes a new code and the last one stops."""
    conference = conference_for(request.user, public_id, every_child=True)
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    link = FeedbackLink.objects.filter(conference=conference, pk=pk).select_related("invitation")
    link = link.first()
    if link is None:
        raise Http404(NO_SUCH_FEEDBACK_LINK)
    try:
        code = feedback_links.letter_code(link=link, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("conference_feedback", public_id=conference.public_id)
    log_export(
        user=request.user,
        what="feedback letter",
        children=conference.children.values_list("child_id", flat=True),
        detail={"conference": str(conference.public_id), "invitation": link.invitation_id},
    )
    response = render(
        request,
        "challenge/feedback_letter.html",
        {
            "conference": conference,
            "invitation": link.invitation,
            "code": feedback_links.grouped(code),
            "expires_on": timezone.localtime(link.expires_at).date(),
            "child": link.respondent == Respondent.CHILD,
            # In the invitee's language, then in English (the English always goes too).
            "parts": [
                {"language": language, "code_page": feedback_links.code_page_url(language.code)}
                for language in then_english(link.language)
            ],
            "council_name": settings.COUNCIL_NAME,
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "service_phone": settings.IRO_SERVICE_PHONE,
            "today": today(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


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


NO_SUCH_FEEDBACK_LINK = "No such feedback link."


# -------------------------------------------------------------------- quotes

NO_SUCH_QUOTE = "No such feedback."
QUOTE_ACTION_REQUIRED = "Choose to approve the wording or not to quote it."


def _conference_children(request, conference_ids) -> dict[int, list[str]]:
    """The children of each conference as the user may see them named (``display_name``),
    and the page's record of which children it showed."""
    rows = (
        ConferenceChild.objects.filter(conference_id__in=set(conference_ids))
        .select_related("child")
        .order_by("child__date_of_birth", "pk")
    )
    names: dict[int, list[str]] = {}
    shown = []
    for row in rows:
        names.setdefault(row.conference_id, []).append(display_name(request.user, row.child))
        shown.append(row.child_id)
    read_log.shown(request, pks=shown)
    return names


def quote_list(request: HttpRequest) -> HttpResponse:
    """Quotes awaiting the IRO service manager's approval, and a year's approved quotes
    with those chosen for its annual report (a handful, none repeated)."""
    require_capability(request.user, Capability.APPROVE_QUOTES)
    day = today()
    year = _year(request.GET.get("year"), day)
    awaiting = list(selectors.quotes_awaiting_approval(request.user))
    approved = list(selectors.approved_quotes(request.user, year.first_day, year.last_day))
    children = _conference_children(
        request, [f.conference_id for f in awaiting] + [f.conference_id for f in approved]
    )
    return render(
        request,
        "challenge/quotes.html",
        {
            "year": year,
            "current_year": timescales.period_containing(timescales.ANNUAL, day),
            "previous_year": year.previous_year(),
            "awaiting": [(f, children.get(f.conference_id, [])) for f in awaiting],
            "approved": [(f, children.get(f.conference_id, [])) for f in approved],
            "featured_count": sum(1 for f in approved if f.featured_in == year.label),
            "limit": services.FEATURED_LIMIT,
            "active_nav": "targets",
        },
    )


def _quote_for(request, pk: int) -> Feedback:
    require_capability(request.user, Capability.APPROVE_QUOTES)
    feedback = (
        Feedback.objects.filter(pk=pk, conference__voided_at__isnull=True)
        .select_related("conference", "approved_by")
        .first()
    )
    if feedback is None:
        raise Http404(NO_SUCH_QUOTE)
    # Refused (403) unless the user may see every child of the conference.
    require_conference_children(request.user, feedback.conference_id)
    return feedback


def quote_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One piece of feedback for the IRO service manager: the comment as given, with the
    names found in it marked; approve a wording (refused while it holds a name, with the
    places shown) or decide it is not to be quoted."""
    feedback = _quote_for(request, pk)
    initial = {"wording": feedback.published_wording or feedback.text, "themes": feedback.themes}
    form = QuoteApprovalForm(request.POST or None, initial=initial)
    found_in_wording = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        data = form.cleaned_data
        wording = data["wording"]
        try:
            if action == QuoteApprovalForm.APPROVE:
                services.approve_quote(
                    feedback=feedback,
                    wording=wording,
                    themes=data["themes"],
                    acting_user=request.user,
                )
                messages.success(request, "Quote approved: it can now be chosen for the report.")
                return redirect(f"{reverse('quote_list')}?year={_received_year(feedback)}")
            if action == QuoteApprovalForm.DECLINE:
                services.decline_quote(feedback=feedback, acting_user=request.user)
                messages.success(request, "This feedback will not be quoted.")
                return redirect("quote_list")
            form.add_error(None, QUOTE_ACTION_REQUIRED)
        except ValidationError as error:
            apply_service_errors(form, error)
            found_in_wording = services.names_in_wording(feedback, wording)
    found_in_text = services.names_in_wording(feedback, feedback.text)
    children = _conference_children(request, [feedback.conference_id])
    history = list(
        feedback.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    return _page(
        request,
        "challenge/quote_review.html",
        {
            "feedback": feedback,
            "children": children.get(feedback.conference_id, []),
            "text_pieces": marked(feedback.text, found_in_text),
            "found_in_text": found_in_text,
            "wording_pieces": marked(form.data.get("wording", ""), found_in_wording)
            if found_in_wording
            else None,
            "found_in_wording": found_in_wording,
            "ratings": [(q, getattr(feedback, f)) for f, q in RATING_QUESTIONS.items()],
            "history": _wordings(history),
            "awaiting": feedback.quote_status == QuoteStatus.AWAITING,
            "form": form,
            "active_nav": "targets",
        },
        form,
    )


def _wordings(history) -> list:
    """Each approved wording once, newest first (the history of the quote's words)."""
    seen, found = set(), []
    for h in history:
        if h.published_wording and h.published_wording not in seen:
            seen.add(h.published_wording)
            found.append(h)
    return found


def _received_year(feedback: Feedback) -> str:
    return timescales.period_containing(timescales.ANNUAL, feedback.received_on).label


@require_POST
def quote_feature(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose an approved quote for its year's annual report, or take it out."""
    feedback = _quote_for(request, pk)
    form = FeatureQuoteForm(request.POST)
    year = _received_year(feedback)
    back = f"{reverse('quote_list')}?year={year}"
    if not form.is_valid():
        messages.error(request, "Choose whether to feature the quote.")
        return redirect(back)
    featured = form.cleaned_data["featured"] == "yes"
    try:
        services.feature_quote(feedback=feedback, featured=featured, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"Quote featured in the annual report {year}."
            if featured
            else f"Quote taken out of the annual report {year}.",
        )
    return redirect(back)


# ------------------------------------------------------------------- targets

NO_SUCH_YEAR = "No such reporting year."
NO_SUCH_MEASURE = "No target can be set for that measure."


def _year(label: str | None, day) -> timescales.Period:
    if not label:
        return timescales.period_containing(timescales.ANNUAL, day)
    try:
        return timescales.parse_period(timescales.ANNUAL, label)
    except ValueError as exc:
        raise Http404(NO_SUCH_YEAR) from exc


def target_list(request: HttpRequest) -> HttpResponse:
    """A reporting year's targets, one line per measure, with the year's figure so far
    (the reports' measures); the IRO service manager sets and changes them here."""
    require_capability(request.user, Capability.SET_TARGETS)
    day = today()
    year = _year(request.GET.get("year"), day)
    set_lines = {line.measure: line for line in targets_with_position(year.label, day=day)}
    lines = [
        {
            "measure": key,
            "label": label,
            "line": set_lines.get(key),
            "target": (
                challenge_queues.target_words(key, line.direction, line.value) if line else ""
            ),
            "actual": (
                challenge_queues.figure_words(key, line.actual)
                if line and line.actual is not None
                else ""
            ),
        }
        for key, label in TargetMeasure.choices
        for line in [set_lines.get(key)]
    ]
    return render(
        request,
        "challenge/targets.html",
        {
            "year": year,
            "current_year": timescales.period_containing(timescales.ANNUAL, day),
            "previous_year": year.previous_year(),
            "next_year": timescales.period_containing(
                timescales.ANNUAL, timescales.add_months(year.first_day, 12)
            ),
            "lines": lines,
            "to_date": min(day, year.last_day),
            "started": day >= year.first_day,
            "active_nav": "targets",
        },
    )


def target_edit(request: HttpRequest, year: str, measure: str) -> HttpResponse:
    """Set or change one measure's target for one year, with the reasoning; its history."""
    require_capability(request.user, Capability.SET_TARGETS)
    period = _year(year, today())
    if measure not in TargetMeasure.values:
        raise Http404(NO_SUCH_MEASURE)
    target = Target.objects.filter(year=period.label, measure=measure).first()
    initial = (
        {"direction": target.direction, "value": f"{target.value.normalize():f}",
         "action": target.action}
        if target
        else {}
    )  # fmt: skip
    form = TargetForm(request.POST or None, initial=initial)
    better = BETTER_DIRECTION.get(measure)
    if better is not None:  # said before it is refused the other way round
        form.fields["direction"].help_text = (
            "For this measure higher is better: “At least”."
            if better == TargetDirection.AT_LEAST
            else "For this measure lower is better: “At most”."
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_target(
                year=period.label,
                measure=measure,
                value=data["value"].strip(),
                direction=data["direction"],
                action=data["action"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Target {'changed' if target else 'set'}.")
            return redirect(f"{reverse('target_list')}?year={period.label}")
    history = (
        list(target.history.select_related("history_user").order_by("-history_date", "-history_id"))
        if target
        else []
    )
    return _page(
        request,
        "challenge/target_edit.html",
        {
            "year": period,
            "measure": measure,
            "label": TargetMeasure(measure).label,
            "is_count": measure in services.COUNT_MEASURES,
            "target": target,
            "form": form,
            "history": [
                (h, challenge_queues.target_words(measure, h.direction, h.value)) for h in history
            ],
            "active_nav": "targets",
        },
        form,
    )
