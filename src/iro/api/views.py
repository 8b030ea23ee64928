"""The API's endpoints: a thin face over the same services and selectors as the pages.

Every read goes through ``iro.access.scope`` (or the selectors built on it) and is
logged by ``iro.access.read_log`` like a page: a URL naming a record by ``public_id``
logs that record's children; a list says which children it returned with ``shown``.
Every write calls the service the page's form calls, with the version the caller read.
"""

from __future__ import annotations

import os
import tempfile
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from iro import timescales
from iro.access import read_log
from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.scope import child_for, visible_to
from iro.api import serializers as s
from iro.api.errors import NON_FIELD, body, validation_response
from iro.challenge import services as challenge_services
from iro.challenge.models import Feedback
from iro.challenge.page_selectors import (
    addressee_choices,
    challenge_for,
    dispute_for,
    is_addressed_to,
)
from iro.challenge.selectors import challenges_for, disputes_for
from iro.children.models import Child
from iro.children.selectors import find_children
from iro.journey import plan_services, services
from iro.journey.models import (
    Conference,
    ConferenceChild,
    ConferenceKind,
    Plan,
    PlanAction,
    Section47,
)
from iro.journey.plan_selectors import plan_for
from iro.journey.selectors import conference_for
from iro.people.models import Agency, Role, Team, User

E = s.ErrorSerializer
READ_ERRORS = {
    400: OpenApiResponse(E, "A query parameter is not valid."),
    401: OpenApiResponse(E, "No valid token or session."),
    403: OpenApiResponse(E, "The user's role or access does not allow it."),
    404: OpenApiResponse(E, "No such record, or one the user may not know exists."),
    429: OpenApiResponse(E, "Too many requests for this token: wait and try again."),
}
LIST_ERRORS = {k: v for k, v in READ_ERRORS.items() if k != 404}
WRITE_ERRORS = {
    **READ_ERRORS,
    400: OpenApiResponse(E, "The change is not valid: field-level messages in errors."),
    409: OpenApiResponse(E, "The record changed since the version given (stale)."),
    412: OpenApiResponse(E, "The If-Match version is stale."),
    415: OpenApiResponse(E, "The body is not JSON (or, for a file, multipart/form-data)."),
    428: OpenApiResponse(E, "No version given (If-Match header or version field)."),
}
# A write whose service checks no version (a new record, or a one-time step).
UNVERSIONED_WRITE_ERRORS = {k: v for k, v in WRITE_ERRORS.items() if k not in (409, 412, 428)}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=s.VERSION_HELP,
)
BAD_VERSION = "The If-Match header must be the record's version, as in its ETag."
NO_SUCH_CHAIR = "There is no IRO with this username."
NO_SUCH_TEAM = "There is no such team."
BAD_DATE = "Enter a date as YYYY-MM-DD."
BAD_CURSOR = "This cursor is not one the API gave: use the next or previous link as given."
NO_SUCH_ADDRESSEE = (
    "There is no one with this username a dispute about this child can be sent to: a "
    "social worker or the team manager of the child's team, another team's manager or a "
    "senior manager (for a restricted child, one on its access list)."
)
NO_SUCH_PLAN = "This child has no plan with this id."
NO_SUCH_AGENCY = "There is no agency with this name."
CANNOT_RECORD_STAGE_RESPONSE = (
    "Only the IRO service, or the person the dispute's current stage was sent to, can "
    "record the response."
)


class Page(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "pk"

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [BAD_CURSOR]}) from None


def shown(request, *, pks=()) -> None:
    """Tell the access log which children a list returned."""
    read_log.shown(request._request, pks=pks)


def etag(response: Response, record) -> Response:
    response["ETag"] = f'"{record.version}"'
    return response


def expected_version(request, data: dict) -> int | None:
    """The version the caller read: ``If-Match`` first, else the ``version`` field."""
    header = request.headers.get("If-Match")
    if header:
        text = header.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise ValidationError({"version": [BAD_VERSION]})
        return int(text)
    return data.get("version")


def _date_param(request, name: str):
    from datetime import date

    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [s.no_such_date(value) or BAD_DATE]}) from None


def _chair(username: str) -> User | None:
    if not username:
        return None
    chair = User.objects.filter(
        username=username, role__in=[Role.IRO, Role.IRO_MANAGER], is_active=True
    ).first()
    if chair is None:
        raise ValidationError({"chair": [NO_SUCH_CHAIR]})
    return chair


def _paged(view, request, queryset, serializer_class, *, child_pks):
    page = view.paginator.paginate_queryset(queryset, request, view=view)
    shown(request, pks=child_pks(page))
    data = serializer_class(page, many=True, context={"request": request}).data
    return view.paginator.get_paginated_response(data)


class ApiView(APIView):
    pagination_class = Page

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            self._paginator = self.pagination_class()
        return self._paginator


# ------------------------------------------------------------------------ children

ORDERING = OpenApiParameter("ordering", OpenApiTypes.STR, enum=[])


class ChildList(ApiView):
    @extend_schema(
        summary="Find children",
        description=(
            "As the header search: an LA child ID, a name (roles that see names only; "
            "for others a name is read as an ID) or a date of birth (DD/MM/YYYY). "
            "Without q, every child the user may see. Cursor-paginated."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What to search for."),
            OpenApiParameter("ordering", OpenApiTypes.STR, enum=["la_child_id", "-la_child_id"]),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: s.ChildSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request):
        require_capability(request.user, Capability.VIEW_CHILDREN)
        text = request.query_params.get("q", "").strip()
        children = find_children(request.user, text)[1] if text else visible_to(request.user)
        ordering = request.query_params.get("ordering", "la_child_id")
        if ordering not in ("la_child_id", "-la_child_id"):
            raise ValidationError({"ordering": ["Order by la_child_id or -la_child_id."]})
        self.paginator.ordering = (ordering,)
        return _paged(
            self,
            request,
            children.select_related("team"),
            s.ChildSerializer,
            child_pks=lambda page: [c.pk for c in page],
        )


class ChildDetail(ApiView):
    @extend_schema(summary="A child", responses={200: s.ChildSerializer, **READ_ERRORS})
    def get(self, request, public_id: UUID):
        child = child_for(request.user, public_id)
        return etag(Response(s.ChildSerializer(child, context={"request": request}).data), child)


class ChildJourney(ApiView):
    @extend_schema(
        summary="A child's journey: episodes, Section 47s, conferences and plans",
        responses={200: s.JourneySerializer, **READ_ERRORS},
    )
    def get(self, request, public_id: UUID):
        child = child_for(request.user, public_id)
        journey = {
            "child": child,
            "episodes": child.episodes.order_by("referral_date", "pk").prefetch_related(
                "assessments", "cin_plans"
            ),
            "section47s": Section47.objects.filter(episode__child=child).order_by(
                "start_date", "pk"
            ),
            "conferences": ConferenceChild.objects.filter(child=child)
            .select_related("conference")
            .order_by("conference__scheduled_date", "pk"),
            "plans": Plan.objects.filter(child=child).order_by("start_date", "pk"),
        }
        return Response(s.JourneySerializer(journey, context={"request": request}).data)


# --------------------------------------------------------------------- conferences


def conferences_for(user):
    """Conferences every child of which ``user`` may see."""
    seen = visible_to(user).values("pk")
    return (
        Conference.objects.filter(children__child__in=seen)
        .exclude(children__child__in=Child.objects.exclude(pk__in=seen).values("pk"))
        .distinct()
    )


class ConferenceList(ApiView):
    @extend_schema(
        summary="List conferences",
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("chair", OpenApiTypes.STR, description="The chair's username."),
            OpenApiParameter(
                "team", OpenApiTypes.INT, description="The children's team id (a child's team_id)."
            ),
            OpenApiParameter("status", OpenApiTypes.STR, enum=["scheduled", "held", "cancelled"]),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(ConferenceKind.values)),
            OpenApiParameter(
                "ordering", OpenApiTypes.STR, enum=["scheduled_date", "-scheduled_date"]
            ),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: s.ConferenceSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request):
        require_capability(request.user, Capability.VIEW_CHILDREN)
        params = request.query_params
        found = conferences_for(request.user).select_related("chair")
        if (d := _date_param(request, "date_from")) is not None:
            found = found.filter(scheduled_date__gte=d)
        if (d := _date_param(request, "date_to")) is not None:
            found = found.filter(scheduled_date__lte=d)
        if params.get("chair"):
            found = found.filter(chair=_chair(params["chair"]))
        if team := params.get("team"):
            if not team.isdigit() or not Team.objects.filter(pk=team).exists():
                raise ValidationError({"team": [NO_SUCH_TEAM]})
            found = found.filter(children__child__team_id=int(team))
        for name, choices in (("status", ("scheduled", "held", "cancelled")),
                              ("kind", tuple(ConferenceKind.values))):  # fmt: skip
            if value := params.get(name):
                if value not in choices:
                    raise ValidationError({name: [f"Choose one of {', '.join(choices)}."]})
                found = found.filter(**{name: value})
        ordering = params.get("ordering", "scheduled_date")
        if ordering not in ("scheduled_date", "-scheduled_date"):
            raise ValidationError({"ordering": ["Order by scheduled_date or -scheduled_date."]})
        self.paginator.ordering = (ordering, "pk" if not ordering.startswith("-") else "-pk")
        found = found.filter(scheduled_date__isnull=False)
        return _paged(
            self,
            request,
            found,
            s.ConferenceSerializer,
            child_pks=lambda page: ConferenceChild.objects.filter(conference__in=page).values_list(
                "child_id", flat=True
            ),
        )

    @extend_schema(
        summary="Book a conference",
        request=s.BookConferenceSerializer,
        responses={201: s.ConferenceSerializer, **UNVERSIONED_WRITE_ERRORS},
    )
    def post(self, request):
        require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
        form = s.BookConferenceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        subjects = []
        for public_id in data["children"]:
            child = child_for(request.user, public_id)
            subjects.append(_subject(child, data["kind"]))
        extra = {k: data[k] for k in ("duration_minutes",) if k in data}
        try:
            conference = services.schedule_conference(
                kind=data["kind"],
                subjects=subjects,
                scheduled_date=data["scheduled_date"],
                scheduled_time=data["scheduled_time"],
                chair=_chair(data.get("chair", "")),
                venue=data.get("venue", ""),
                virtual_link=data.get("virtual_link", ""),
                notified_on=data.get("notified_on"),
                confirm_reason=data.get("confirm_reason", ""),
                acting_user=request.user,
                **{k: v for k, v in extra.items() if v is not None},
            )
        except ValidationError as error:
            return validation_response(error, request)
        shown(request, pks=[subject.child.pk for subject in subjects])
        out = s.ConferenceSerializer(conference, context={"request": request}).data
        return etag(Response(out, status=status.HTTP_201_CREATED), conference)


def _subject(child: Child, kind: str) -> services.Subject:
    """What a conference of ``kind`` is about for ``child``: the latest Section 47 for an
    initial conference, the open plan for a review (the service checks the rest)."""
    if kind == ConferenceKind.INITIAL:
        s47 = (
            Section47.objects.filter(episode__child=child, icpc_not_required=False)
            .order_by("-start_date", "-pk")
            .first()
        )
        return services.Subject(child=child, section47=s47)
    if kind == ConferenceKind.REVIEW:
        plan = Plan.objects.filter(child=child, end_date__isnull=True).first()
        return services.Subject(child=child, plan=plan)
    return services.Subject(child=child)


class ConferenceDetail(ApiView):
    @extend_schema(summary="A conference", responses={200: s.ConferenceSerializer, **READ_ERRORS})
    def get(self, request, public_id: UUID):
        conference = conference_for(request.user, public_id)
        data = s.ConferenceSerializer(conference, context={"request": request}).data
        return etag(Response(data), conference)


class ConferenceChair(ApiView):
    @extend_schema(
        summary="Allocate (or change) the chair",
        request=s.AllocateChairSerializer,
        parameters=[IF_MATCH],
        responses={200: s.ConferenceSerializer, **WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        conference = conference_for(request.user, public_id, every_child=True)
        require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
        form = s.AllocateChairSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            version = expected_version(request, form.validated_data)
            conference = services.allocate_chair(
                conference=conference,
                chair=_chair(form.validated_data["chair"]),
                acting_user=request.user,
                expected_version=version,
            )
        except ValidationError as error:
            return validation_response(error, request)
        data = s.ConferenceSerializer(conference, context={"request": request}).data
        return etag(Response(data), conference)


def _outcome_field(by_pk: dict[int, UUID]):
    """The service's ``<field>_<child pk>`` as ``outcomes.<public id>.<field>``."""

    def rename(name: str) -> str:
        field, _, pk = name.rpartition("_")
        if pk.isdigit() and int(pk) in by_pk:
            return f"outcomes.{by_pk[int(pk)]}.{field}"
        return name

    return rename


class ConferenceRecord(ApiView):
    @extend_schema(
        summary="Record the conference as held, with each child's outcome",
        request=s.RecordConferenceSerializer,
        parameters=[IF_MATCH],
        responses={200: s.ConferenceSerializer, **WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        conference = conference_for(request.user, public_id, every_child=True)
        require_capability(request.user, Capability.CHAIR_CONFERENCES)
        if not services.may_amend(request.user, conference):
            raise PermissionDenied("Only the conference's chair or an IRO manager records it.")
        form = s.RecordConferenceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        rows = {r.child.public_id: r.child for r in conference.children.select_related("child")}
        outcomes = {}
        for given in data["outcomes"]:
            child = rows.get(given.pop("child"))
            if child is None:
                raise ValidationError(
                    {"outcomes": ["Each outcome is for a child of this conference."]}
                )
            recommendations = tuple(
                services.Recommendation(**r) for r in given.pop("recommendations", [])
            )
            outcomes[child.pk] = services.ChildOutcome(**given, recommendations=recommendations)
        rename = _outcome_field({c.pk: pid for pid, c in rows.items()})
        try:
            version = expected_version(request, data)
            conference = services.record_conference_held(
                conference=conference,
                held_on=data["held_on"],
                outcomes=outcomes,
                lateness_reason=data.get("lateness_reason", ""),
                lateness_detail=data.get("lateness_detail", ""),
                acting_user=request.user,
                expected_version=version,
            )
        except ValidationError as error:
            return validation_response(error, request, rename=rename)
        data = s.ConferenceSerializer(conference, context={"request": request}).data
        return etag(Response(data), conference)


class ConferenceFeedback(ApiView):
    def _conference(self, request, public_id):
        conference = conference_for(request.user, public_id)
        if not challenge_services._may_record_feedback(request.user):
            raise PermissionDenied(
                challenge_services.CANNOT_READ_FEEDBACK
                if request.method == "GET"
                else challenge_services.CANNOT_RECORD_FEEDBACK
            )
        return conference

    @extend_schema(
        summary="Feedback on a conference",
        responses={200: s.FeedbackSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, public_id: UUID):
        conference = self._conference(request, public_id)
        found = Feedback.objects.filter(conference=conference).order_by("received_on", "pk")
        return Response(s.FeedbackSerializer(found, many=True).data)

    @extend_schema(
        summary="Record feedback on a held conference",
        request=s.NewFeedbackSerializer,
        responses={201: s.FeedbackSerializer, **UNVERSIONED_WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        conference = self._conference(request, public_id)
        form = s.NewFeedbackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            feedback = challenge_services.record_feedback(
                conference=conference, acting_user=request.user, **form.validated_data
            )
        except ValidationError as error:
            return validation_response(error, request)
        return Response(s.FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- plans


class PlanList(ApiView):
    @extend_schema(
        summary="Child protection plans",
        parameters=[
            OpenApiParameter("open", OpenApiTypes.BOOL, description="Only plans not ended."),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: s.PlanSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request):
        require_capability(request.user, Capability.VIEW_CHILDREN)
        plans = Plan.objects.filter(child__in=visible_to(request.user).values("pk"))
        if request.query_params.get("open") in ("true", "1"):
            plans = plans.filter(end_date__isnull=True)
        return _paged(
            self,
            request,
            plans.select_related("child"),
            s.PlanSerializer,
            child_pks=lambda page: [p.child_id for p in page],
        )


class PlanDetail(ApiView):
    @extend_schema(
        summary="A plan, with its outcomes and actions",
        responses={200: s.PlanSerializer, **READ_ERRORS},
    )
    def get(self, request, public_id: UUID):
        plan = plan_for(request.user, public_id)
        return etag(Response(s.PlanSerializer(plan, context={"request": request}).data), plan)


class PlanOutcomes(ApiView):
    @extend_schema(
        summary="Add an outcome to an open plan",
        request=s.NewOutcomeSerializer,
        responses={201: s.PlanOutcomeSerializer, **UNVERSIONED_WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        plan = plan_for(request.user, public_id)
        require_capability(request.user, Capability.CHAIR_CONFERENCES)
        form = s.NewOutcomeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            outcome = plan_services.add_outcome(
                plan=plan, text=form.validated_data["text"], acting_user=request.user
            )
        except ValidationError as error:
            return validation_response(error, request)
        return Response(
            s.PlanOutcomeSerializer(outcome, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ActionProgress(ApiView):
    @extend_schema(
        summary="Record an action's progress",
        request=s.ActionProgressSerializer,
        parameters=[IF_MATCH],
        responses={200: s.PlanActionSerializer, **WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID, pk: int):
        plan = plan_for(request.user, public_id)
        require_capability(request.user, Capability.RECORD_ACTION_PROGRESS)
        action = PlanAction.objects.filter(plan=plan, pk=pk).first()
        if action is None:
            raise Http404("No such action")
        form = s.ActionProgressSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            action = plan_services.record_action_progress(
                action=action,
                status=form.validated_data["status"],
                progress=form.validated_data["progress"],
                acting_user=request.user,
                expected_version=expected_version(request, form.validated_data),
            )
        except ValidationError as error:
            return validation_response(error, request)
        return etag(
            Response(s.PlanActionSerializer(action, context={"request": request}).data), action
        )


# ------------------------------------------------------------ disputes, challenges


def _addressee(username: str, child: Child, field: str = "addressed_to") -> User | None:
    """The member of staff a dispute stage is sent to, by username, from the people the
    page offers (``addressee_choices``); blank is None (the service asks for someone)."""
    if not username:
        return None
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None or person.pk not in dict(addressee_choices(child)):
        raise ValidationError({field: [NO_SUCH_ADDRESSEE]})
    return person


def _dispute_body(request, dispute, *, code: int = status.HTTP_200_OK) -> Response:
    data = s.DisputeSerializer(dispute, context={"request": request}).data
    return etag(Response(data, status=code), dispute)


class DisputeList(ApiView):
    @extend_schema(
        summary="Disputes (DRP) about the children the user may see",
        parameters=[
            OpenApiParameter("open", OpenApiTypes.BOOL, description="Only unresolved ones."),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: s.DisputeSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request):
        require_capability(request.user, Capability.RAISE_CHALLENGES)
        disputes = disputes_for(request.user).select_related("plan")
        if request.query_params.get("open") in ("true", "1"):
            disputes = disputes.filter(resolved_on__isnull=True)
        return _paged(
            self, request, disputes, s.DisputeSerializer,
            child_pks=lambda page: [d.child_id for d in page],
        )  # fmt: skip

    @extend_schema(
        summary="Raise a dispute about a child's plan (at the informal stage, stage 1)",
        description="Sent to the person named in addressed_to, who is told it is waiting "
        "for their answer.",
        request=s.RaiseDisputeSerializer,
        responses={201: s.DisputeSerializer, **UNVERSIONED_WRITE_ERRORS},
    )
    def post(self, request):
        require_capability(request.user, Capability.RAISE_CHALLENGES)
        form = s.RaiseDisputeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        child = child_for(request.user, data["child"])
        plan = None
        if data.get("plan") is not None:
            plan = Plan.objects.filter(child=child, public_id=data["plan"]).first()
            if plan is None:
                raise ValidationError({"plan": [NO_SUCH_PLAN]})
        try:
            dispute = challenge_services.raise_dispute(
                child=child,
                raised_on=data["raised_on"],
                reason=data["reason"],
                detail=data["detail"].strip(),
                plan=plan,
                addressed_to=_addressee(data["addressed_to"], child),
                acting_user=request.user,
            )
        except ValidationError as error:
            return validation_response(error, request)
        shown(request, pks=[child.pk])
        return _dispute_body(request, dispute, code=status.HTTP_201_CREATED)


class DisputeDetail(ApiView):
    @extend_schema(summary="A dispute", responses={200: s.DisputeSerializer, **READ_ERRORS})
    def get(self, request, public_id: UUID):
        dispute = dispute_for(request.user, public_id)
        return _dispute_body(request, dispute)


class DisputeEscalate(ApiView):
    @extend_schema(
        summary="Escalate a dispute to the next stage, sent to a named person",
        request=s.EscalateDisputeSerializer,
        parameters=[IF_MATCH],
        responses={200: s.DisputeSerializer, **WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        dispute = dispute_for(request.user, public_id)
        require_capability(request.user, Capability.RAISE_CHALLENGES)
        form = s.EscalateDisputeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            dispute = challenge_services.escalate_dispute(
                dispute=dispute,
                escalated_on=data["escalated_on"],
                addressed_to=_addressee(data["addressed_to"], dispute.child),
                note=data["note"].strip(),
                acting_user=request.user,
                expected_version=expected_version(request, data),
            )
        except ValidationError as error:
            return validation_response(error, request)
        return _dispute_body(request, dispute)


class DisputeResolve(ApiView):
    @extend_schema(
        summary="Resolve a dispute at the stage it is at, with the IRO's view of the outcome",
        request=s.ResolveDisputeSerializer,
        parameters=[IF_MATCH],
        responses={200: s.DisputeSerializer, **WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        dispute = dispute_for(request.user, public_id)
        require_capability(request.user, Capability.RAISE_CHALLENGES)
        form = s.ResolveDisputeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            dispute = challenge_services.resolve_dispute(
                dispute=dispute,
                resolved_on=data["resolved_on"],
                resolution=data["resolution"],
                outcome=data["outcome"],
                acting_user=request.user,
                expected_version=expected_version(request, data),
            )
        except ValidationError as error:
            return validation_response(error, request)
        return _dispute_body(request, dispute)


class DisputeResponses(ApiView):
    @extend_schema(
        summary="Record the response at the dispute's current stage",
        description="By the person the stage was sent to (their answer; the IRO who raised "
        "it is told it is waiting), or, for an older stage sent to no one in iro, by the "
        "IRO service (the reply they were given). Once per stage.",
        request=s.StageResponseSerializer,
        parameters=[IF_MATCH],
        responses={200: s.DisputeSerializer, **WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        dispute = dispute_for(request.user, public_id)
        if not (
            has_capability(request.user, Capability.RAISE_CHALLENGES)
            or is_addressed_to(request.user, dispute)
        ):
            raise PermissionDenied(CANNOT_RECORD_STAGE_RESPONSE)
        form = s.StageResponseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            challenge_services.record_stage_response(
                dispute=dispute,
                responded_on=data["responded_on"],
                response=data["response"],
                acting_user=request.user,
                expected_version=expected_version(request, data),
            )
        except ValidationError as error:
            return validation_response(error, request)
        dispute.refresh_from_db()
        return _dispute_body(request, dispute)


def _challenge_body(request, challenge, *, code: int = status.HTTP_200_OK) -> Response:
    data = s.ChallengeSerializer(challenge, context={"request": request}).data
    return etag(Response(data, status=code), challenge)


class ChallengeList(ApiView):
    @extend_schema(
        summary="Multi-agency challenges",
        parameters=[OpenApiParameter("page_size", OpenApiTypes.INT)],
        responses={200: s.ChallengeSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request):
        from iro.challenge.models import MultiAgencyChallenge

        user = request.user
        if has_capability(user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES):
            found = MultiAgencyChallenge.objects.select_related("agency", "child")
        else:
            require_capability(user, Capability.RAISE_CHALLENGES)
            found = challenges_for(user).select_related("child")
        seen = set(visible_to(user).values_list("pk", flat=True))
        return _paged(
            self, request, found, s.ChallengeSerializer,
            child_pks=lambda page: [c.child_id for c in page if c.child_id in seen],
        )  # fmt: skip

    @extend_schema(
        summary="Raise a multi-agency challenge, for the partnership to forward",
        request=s.RaiseChallengeSerializer,
        responses={201: s.ChallengeSerializer, **UNVERSIONED_WRITE_ERRORS},
    )
    def post(self, request):
        require_capability(request.user, Capability.RAISE_CHALLENGES)
        form = s.RaiseChallengeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        child = child_for(request.user, data["child"])
        agency = Agency.objects.filter(name=data["agency"]).first()
        if agency is None:
            raise ValidationError({"agency": [NO_SUCH_AGENCY]})
        try:
            challenge = challenge_services.raise_multi_agency_challenge(
                child=child,
                agency=agency,
                professional=data["professional"],
                concern=data["concern"],
                raised_on=data["raised_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            return validation_response(error, request)
        shown(request, pks=[child.pk])
        return _challenge_body(request, challenge, code=status.HTTP_201_CREATED)


class ChallengeDetail(ApiView):
    @extend_schema(
        summary="A multi-agency challenge", responses={200: s.ChallengeSerializer, **READ_ERRORS}
    )
    def get(self, request, public_id: UUID):
        challenge = challenge_for(request.user, public_id)
        return _challenge_body(request, challenge)


# The challenge services check no version: each step is taken once (a second forward or
# response is refused with the date of the first), so a stale copy cannot overwrite one.


class ChallengeForward(ApiView):
    @extend_schema(
        summary="Forward a multi-agency challenge to the professional's manager",
        request=s.ForwardChallengeSerializer,
        responses={200: s.ChallengeSerializer, **UNVERSIONED_WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        challenge = challenge_for(request.user, public_id)
        require_capability(request.user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES)
        form = s.ForwardChallengeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            challenge = challenge_services.forward_multi_agency_challenge(
                challenge=challenge,
                forwarded_on=form.validated_data["forwarded_on"],
                forwarded_to=form.validated_data["forwarded_to"],
                acting_user=request.user,
            )
        except ValidationError as error:
            return validation_response(error, request)
        return _challenge_body(request, challenge)


class ChallengeResponses(ApiView):
    @extend_schema(
        summary="Record the manager's response to a multi-agency challenge, and its outcome",
        request=s.ChallengeResponseSerializer,
        responses={200: s.ChallengeSerializer, **UNVERSIONED_WRITE_ERRORS},
    )
    def post(self, request, public_id: UUID):
        challenge = challenge_for(request.user, public_id)
        if not (
            has_capability(request.user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES)
            or has_capability(request.user, Capability.RAISE_CHALLENGES)
        ):
            raise PermissionDenied(challenge_services.CANNOT_RECORD_RESPONSE)
        form = s.ChallengeResponseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            challenge = challenge_services.record_challenge_response(
                challenge=challenge,
                responded_on=data["responded_on"],
                response=data["response"],
                outcome=data["outcome"],
                acting_user=request.user,
            )
        except ValidationError as error:
            return validation_response(error, request)
        return _challenge_body(request, challenge)


# ------------------------------------------------------------------------- reports


class ReportView(ApiView):
    @extend_schema(
        summary="A performance report: the same JSON as `iro report KIND --period LABEL`",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH,
                             enum=["annual", "quarterly", "monthly"]),
            OpenApiParameter("label", OpenApiTypes.STR, OpenApiParameter.PATH,
                             description="2018-19, 2018-19-Q3 or 2019-02 by the kind."),
            OpenApiParameter("team", OpenApiTypes.INT, description="Only this team's children."),
            OpenApiParameter("chair", OpenApiTypes.STR, description="Only this chair's."),
            OpenApiParameter("edition", OpenApiTypes.STR, enum=["internal", "published"],
                             description="internal (names chairs; roles that see names) or "
                             "published (names no one; the default for roles that see none)."),
        ],
        responses={200: OpenApiTypes.OBJECT, **READ_ERRORS},
    )  # fmt: skip
    def get(self, request, kind: str, label: str):
        from iro.access.log import log_export
        from iro.reports.builders import PUBLISHED, PUBLISHED_FOR_A_CHAIR, REPORT_KINDS
        from iro.reports.cache import cached_report
        from iro.reports.editions import edition_for
        from iro.reports.renderers import formats

        require_capability(request.user, Capability.VIEW_REPORTS)
        if kind not in REPORT_KINDS:
            raise Http404("No such kind of report")
        period = _period_or_404(kind, label)
        team = None
        if team_id := request.query_params.get("team"):
            team = Team.objects.filter(pk=team_id).first() if team_id.isdigit() else None
            if team is None:
                raise ValidationError({"team": [NO_SUCH_TEAM]})
        chair = None
        if username := request.query_params.get("chair"):
            chair = User.objects.filter(
                username=username, role__in=[Role.IRO, Role.IRO_MANAGER]
            ).first()
            if chair is None:
                raise ValidationError({"chair": [NO_SUCH_CHAIR]})
        edition = edition_for(request.user, request.query_params.get("edition"))
        if edition == PUBLISHED and chair is not None:
            raise ValidationError({"chair": [PUBLISHED_FOR_A_CHAIR]})
        try:
            report = cached_report(kind, period, team=team, chair=chair, edition=edition)
        except timescales.PeriodNotBegun as error:
            raise Http404(str(error)) from None
        content = formats.render(report, "json")[0]
        log_export(
            user=request.user,
            what=f"{kind} report {period.label} (API"
            + (", published edition)" if edition == PUBLISHED else ")"),
            detail={
                "team": team.name if team else None,
                "chair": chair.username if chair else None,
            },
        )
        return HttpResponse(content, content_type="application/json")


# -------------------------------------------------------------------------- census


class CensusValidate(ApiView):
    parser_classes = (MultiPartParser,)

    @extend_schema(
        summary="Validate a CIN census file (nothing is imported)",
        request={"multipart/form-data": s.CensusValidateSerializer},
        responses={200: OpenApiTypes.OBJECT, 415: WRITE_ERRORS[415], **READ_ERRORS},
    )
    def post(self, request):
        from iro.census import report
        from iro.census.reader import CensusFileError, CensusStream
        from iro.census.rules import Validator

        require_capability(request.user, Capability.EXPORT_RETURNS)
        form = s.CensusValidateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        handle, path = tempfile.mkstemp(suffix=".xml")
        spool = report.FindingSpool()
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                stream = CensusStream(path)
                validator = Validator(stream.header)
                spool.extend(validator.run(stream.children()))
            except CensusFileError as exc:
                # Said of the file sent, never of the server's copy of it.
                said = str(exc).replace(path, upload.name or "the file")
                return Response(body(400, said, {"file": [said]}), status=400)
            header, year = stream.header, validator.year
            return Response(
                {
                    "file": upload.name,
                    "reference_date": str(header.reference_date) if header.reference_date else None,
                    "census_year_first_day": str(year.first_day) if year else None,
                    "lea": header.lea,
                    "summary": validator.summary(),
                    "findings": [f.as_dict() for f in spool],
                }
            )
        finally:
            spool.close()
            os.unlink(path)


class CensusImports(ApiView):
    parser_classes = (MultiPartParser,)

    @extend_schema(
        summary="Census imports, oldest first (every import, from the pages, API or CLI)",
        parameters=[OpenApiParameter("page_size", OpenApiTypes.INT)],
        responses={200: s.CensusImportSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request):
        from iro.census import jobs

        require_capability(request.user, Capability.IMPORT_RETURNS)
        found = jobs.imports_for(request.user)
        page = self.paginator.paginate_queryset(found, request, view=self)
        data = s.CensusImportSerializer(page, many=True, context={"request": request}).data
        return self.paginator.get_paginated_response(data)

    @extend_schema(
        summary="Import a CIN census file: queued for the worker; poll its URL for progress",
        request={"multipart/form-data": s.CensusValidateSerializer},
        responses={
            202: s.CensusImportSerializer,
            415: WRITE_ERRORS[415],
            **{k: v for k, v in WRITE_ERRORS.items() if k in (400, 401, 403, 429)},
        },
    )
    def post(self, request):
        from iro.census import jobs
        from iro.census.models import ImportSource

        require_capability(request.user, Capability.IMPORT_RETURNS)
        form = s.CensusValidateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            job = jobs.queue_import(
                upload=form.validated_data["file"],
                acting_user=request.user,
                source=ImportSource.API,
            )
        except ValidationError as error:
            return validation_response(error, request)
        data = s.CensusImportSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class CensusImportDetail(ApiView):
    @extend_schema(
        summary="A census import: its state, progress and, once done, its summary",
        responses={200: s.CensusImportSerializer, **READ_ERRORS},
    )
    def get(self, request, public_id: UUID):
        from iro.census import jobs

        job = jobs.import_for(request.user, public_id)
        return Response(s.CensusImportSerializer(job, context={"request": request}).data)


class CensusExport(ApiView):
    @extend_schema(
        summary="Export the CIN census return for a year (XML), logged as an export",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.STR, OpenApiParameter.PATH,
                             description="A reporting year such as 2023-24."),
            OpenApiParameter("lea", OpenApiTypes.STR, description="The 3-digit LA code."),
        ],
        responses={(200, "application/xml"): OpenApiTypes.BINARY, **READ_ERRORS},
    )  # fmt: skip
    def get(self, request, year: str):
        import re

        from iro.census.export import ExportRefused, write_return

        require_capability(request.user, Capability.EXPORT_RETURNS)
        period = _period_or_404(timescales.ANNUAL, year)
        lea = request.query_params.get("lea") or None
        if lea is not None and not re.fullmatch(r"[0-9]{3}", lea):
            raise ValidationError({"lea": ["The LA code is three digits, such as 201."]})
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"cin-{period.label}.xml")
            try:
                write_return(user=request.user, period=period, path=path, lea=lea)
            except ExportRefused as exc:
                return Response(body(400, str(exc), {NON_FIELD: [str(exc)]}), status=400)
            with open(path, "rb") as f:
                content = f.read()
        response = HttpResponse(content, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="cin-{period.label}.xml"'
        return response


def _period_or_404(kind: str, label: str) -> timescales.Period:
    """The period a URL names; 404 saying the expected form for one that is not, or that
    it ends before any record (as the report pages say)."""
    from iro.reports.periods import after_earliest_record

    try:
        return after_earliest_record(timescales.parse_period(kind, label))
    except ValueError as error:
        raise Http404(str(error)) from None


class CensusCheck(ApiView):
    @extend_schema(
        summary="Check a year's records against the DfE census rules (JSON), logged as an "
        "export; a year in progress is checked as if it ended today",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.STR, OpenApiParameter.PATH,
                             description="A reporting year such as 2025-26."),
        ],
        responses={200: OpenApiTypes.OBJECT, **READ_ERRORS},
    )  # fmt: skip
    def get(self, request, year: str):
        from iro.census import report
        from iro.census.returns import check_records

        require_capability(request.user, Capability.EXPORT_RETURNS)
        period = _period_or_404(timescales.ANNUAL, year)
        spool = report.FindingSpool()
        try:
            try:
                period, validator, notes = check_records(
                    user=request.user, period=period, add=spool.extend
                )
            except timescales.PeriodNotBegun as exc:
                raise Http404(str(exc)) from None
            return Response(
                {
                    "period": period.label,
                    "census_year_first_day": str(period.first_day),
                    "records_read_to": str(period.last_day),
                    "year_in_progress": period.provisional,
                    "summary": validator.summary(),
                    "findings": [f.as_dict() for f in spool],
                    "notes": [{"child": child, "note": note} for child, note in notes.lines],
                }
            )
        finally:
            spool.close()


# ---------------------------------------------------------------- schema and docs


class SchemaView(SpectacularAPIView):
    pass
