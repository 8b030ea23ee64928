"""Pages for finding a child and adding children, the adults of their family and
referrals. Thin: reads through ``children.selectors`` and ``journey.selectors`` (which
take the user), writes through the services."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from iro.access import read_log
from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.scope import child_for, display_name, shows_names, visible_to
from iro.children import services
from iro.children.forms import (
    BORN,
    OWN_FAMILY,
    UNBORN,
    ChildDetailsForm,
    ChildForm,
    FamilyMemberChangeForm,
    FamilyMemberForm,
    MoveFamilyForm,
    ReferralForm,
    RemoveAdultForm,
)
from iro.children.selectors import adult_changes, allocatable_teams, detail_changes, family_adult
from iro.journey import selectors as journey_selectors
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.journey.invitations import plain_list
from iro.journey.services import open_episode
from iro.journey.views import _pagination
from iro.people.models import Role, User

NO_CHILDREN = "Your role does not include children's records."


def _page(request, template: str, context: dict, *forms_) -> HttpResponse:
    errors = error_summary(*forms_)
    context = {"error_list": errors, "page_has_errors": bool(errors), **context}
    return render(request, template, {"active_nav": "children", **context})


# ------------------------------------------------------------------------------ search


def child_search(request: HttpRequest) -> HttpResponse:
    """The header's search: the children the user may see that the text finds; one
    child found is opened straight away."""
    if not has_capability(request.user, Capability.VIEW_CHILDREN):
        raise PermissionDenied(NO_CHILDREN)
    text = request.GET.get("q", "")
    found = journey_selectors.child_search(
        request.user,
        text,
        page_number=request.GET.get("page", 1),
        only_one=request.GET.get("page") is None,
    )
    if found.the_one is not None:
        return redirect("child_journey", found.the_one)
    rows = found.result.rows if found.result else []
    read_log.shown(request, pks=[row.child.pk for row in rows])
    return render(
        request,
        "children/search.html",
        {
            "query": found.search.text,
            "error": found.error if "q" in request.GET else "",
            "caseload": found.result,
            "pagination": _pagination(request, found.result.page) if found.result else {},
            "by_name": shows_names(request.user),
            "active_nav": "children",
        },
    )


# --------------------------------------------------------------------------- add a child


def _identity(data: dict) -> dict:
    """Who the child is, from a form of ``ChildIdentityFields``, as the services take it."""
    return {
        "first_name": data["first_name"].strip(),
        "last_name": data["last_name"].strip(),
        "date_of_birth": data["date_of_birth"],
        "expected_date_of_birth": data["expected_date_of_birth"],
        "sex": data["sex"],
        "ethnicity": data["ethnicity"],
        "disabilities": data["disabilities"],
        "upn": data["upn"],
        "preferred_language": data["preferred_language"].strip(),
    }


def child_new(request: HttpRequest) -> HttpResponse:
    """Add a child (or an unborn baby), with a family name or as a brother or sister of
    a child the user can see, and optionally the referral that brings them."""
    require_capability(request.user, Capability.ADD_CHILDREN)
    user = request.user
    sibling = None
    if request.GET.get("sibling"):
        try:
            sibling = child_for(user, UUID(request.GET["sibling"]))
        except ValueError as exc:
            raise Http404("No such child") from exc
    teams = allocatable_teams(user)
    initial = {"team": str(user.team_id) if user.team_id else "", "born": ""}
    if sibling is not None:
        initial |= {
            "last_name": sibling.last_name,
            "team": str(sibling.team_id or ""),
            "preferred_language": sibling.preferred_language,
        }
    form = ChildForm(
        request.POST or None, teams=teams, sibling_family=sibling is not None, initial=initial
    )
    candidates: list = []
    hidden_candidates = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        team = next((t for t in teams if str(t.pk) == data["team"]), None)
        try:
            with transaction.atomic():
                if sibling is not None:
                    family = services.ensure_family(child=sibling, acting_user=user)
                elif data.get("family_name"):
                    family = services.create_family(name=data["family_name"], acting_user=user)
                else:
                    family = None
                child = services.create_child(
                    acting_user=user,
                    la_child_id=data["la_child_id"],
                    **_identity(data),
                    family=family,
                    team=team,
                    social_worker=user if user.role == "social_worker" else None,
                    duplicates_confirmed=bool(data.get("different_child")),
                )
                if data.get("referral_date"):
                    open_episode(
                        child=child,
                        referral_date=data["referral_date"],
                        referral_source=data["referral_source"],
                        primary_need=data["primary_need"],
                        acting_user=user,
                    )
        except services.PossibleDuplicate as duplicate:
            apply_service_errors(form, duplicate)
            ids = [c.pk for c in duplicate.candidates]
            seen = set(visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
            candidates = [c for c in duplicate.candidates if c.pk in seen]
            # Unseen restricted children are not even counted: for this user they do not exist.
            hidden_candidates = sum(
                1 for c in duplicate.candidates if c.pk not in seen and not c.restricted
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{display_name(user, child)} has been added.")
            return redirect("child_journey", child.public_id)
    read_log.shown(
        request, pks=[c.pk for c in candidates] + ([sibling.pk] if sibling is not None else [])
    )
    return _page(
        request,
        "children/child_new.html",
        {
            "form": form,
            "sibling": sibling,
            "sibling_name": display_name(user, sibling) if sibling is not None else "",
            "candidates": [
                (c, display_name(user, c), c.team.name if c.team_id else "") for c in candidates
            ],
            "hidden_candidates": hidden_candidates,
        },
        form,
    )


# ---------------------------------------------------------------- correct a child's details


def child_details(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Correct a child's name, dates, sex, ethnicity, disabilities, UPN and language, and
    allocate them to a team
    and a social worker: one save through ``update_child``, kept in the child's history."""
    user = request.user
    child = child_for(user, public_id, related=("team", "social_worker"))
    require_capability(user, Capability.CORRECT_CHILD_DETAILS)
    teams = allocatable_teams(user)
    if child.team_id and all(t.pk != child.team_id for t in teams):
        teams = [*teams, child.team]  # their team stays a choice, whoever corrects them
    workers = list(
        User.objects.filter(
            is_active=True,
            role__in=[Role.SOCIAL_WORKER, Role.TEAM_MANAGER],
            team__in=[t.pk for t in teams],
        ).order_by("last_name", "first_name", "pk")
    )
    if child.social_worker_id and all(w.pk != child.social_worker_id for w in workers):
        workers.append(child.social_worker)
    unborn = child.date_of_birth is None and child.expected_date_of_birth is not None
    form = ChildDetailsForm(
        request.POST or None,
        teams=teams,
        workers=workers,
        initial={
            "la_child_id": child.la_child_id,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "born": UNBORN if unborn else BORN,
            "date_of_birth": child.date_of_birth,
            "expected_date_of_birth": child.expected_date_of_birth,
            "sex": child.sex,
            "ethnicity": child.ethnicity,
            "disabilities": child.disabilities,
            "upn": child.upn,
            "preferred_language": child.preferred_language,
            "team": str(child.team_id or ""),
            "social_worker": str(child.social_worker_id or ""),
            "version": child.version,
        },
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker = next((w for w in workers if str(w.pk) == data["social_worker"]), None)
        try:
            saved = services.update_child(
                child=child,
                acting_user=user,
                expected_version=data["version"],
                la_child_id=data["la_child_id"],
                **_identity(data),
                team=next((t for t in teams if str(t.pk) == data["team"]), None),
                social_worker=worker,
                reason=data["reason"],
            )
        except ValidationError as error:
            stale = apply_service_errors(form, error)
            if stale:  # the form keeps what was typed, with the version now saved
                child.refresh_from_db()
                form.data = form.data.copy()
                form.data["version"] = str(child.version)
        else:
            messages.success(request, f"The details of {display_name(user, saved)} are saved.")
            return redirect("child_journey", saved.public_id)
    return _page(
        request,
        "children/child_details.html",
        {
            "form": form,
            "child": child,
            "name": display_name(user, child),
            "stale": stale,
            "changes": detail_changes(child),
        },
        form,
    )


# ------------------------------------------------------------------ family and referrals


def family_adult_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Add a parent, carer or relative to the child's family."""
    child = child_for(request.user, public_id)
    require_capability(request.user, Capability.ADD_CHILDREN)
    name = display_name(request.user, child)
    form = FamilyMemberForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not (next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, None)):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                family = services.ensure_family(child=child, acting_user=request.user)
                services.add_family_member(
                    family=family, acting_user=request.user, **form.cleaned_data
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The adult has been added to the family.")
            # Back to where the user came from (the conference's invitations), when that
            # is a page of this site; else the child's journey.
            if next_url:
                return redirect(next_url)
            return redirect("child_journey", child.public_id)
    return _page(
        request,
        "children/family_adult_new.html",
        {"form": form, "child": child, "name": name, "next_url": next_url},
        form,
    )


def _adult_of(user, public_id: UUID, pk: int) -> tuple:
    """The child (if ``user`` may add children and sees them) and the adult ``pk`` of
    their family; 404 for an adult of another family."""
    child = child_for(user, public_id)
    require_capability(user, Capability.CORRECT_CHILD_DETAILS)
    adult = family_adult(child, pk)
    if adult is None:
        raise Http404("No such adult in this child's family.")
    return child, adult


ADULT_FIELDS = (
    "name", "relationship", "phone", "email", "address", "preferred_language",
    "interpreter_needed", "contact_withheld",
)  # fmt: skip


def family_adult_change(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Correct an adult's details (a misspelt name, a new address or language)."""
    child, adult = _adult_of(request.user, public_id, pk)
    form = FamilyMemberChangeForm(
        request.POST or None,
        initial={**{f: getattr(adult, f) for f in ADULT_FIELDS}, "version": adult.version},
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.change_family_member(
                member=adult,
                acting_user=request.user,
                expected_version=data.pop("version"),
                **data,
            )
        except ValidationError as error:
            stale = apply_service_errors(form, error)
            if stale:  # the form keeps what was typed, with the version now saved
                adult.refresh_from_db()
                form.data = form.data.copy()
                form.data["version"] = str(adult.version)
        else:
            messages.success(request, f"The details of {form.cleaned_data['name']} are saved.")
            return redirect("child_journey", child.public_id)
    return _page(
        request,
        "children/family_adult_new.html",
        {
            "form": form,
            "child": child,
            "name": display_name(request.user, child),
            "adult": adult,
            "stale": stale,
            "changes": adult_changes(adult),
        },
        form,
    )


def family_adult_remove(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Take an adult off the child's family, with a reason."""
    child, adult = _adult_of(request.user, public_id, pk)
    form = RemoveAdultForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_family_member(
                member=adult, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{adult.name} is no longer recorded in the family.")
            return redirect("child_journey", child.public_id)
    return _page(
        request,
        "children/family_adult_remove.html",
        {"form": form, "child": child, "name": display_name(request.user, child), "adult": adult},
        form,
    )


NO_SUCH_SIBLING = "No child with the LA child ID {id} is recorded that you can see."


def child_family(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Move a child added to the wrong family: to a brother's or sister's family, or to
    a family of their own."""
    user = request.user
    child = child_for(user, public_id, related=("family",))
    require_capability(user, Capability.CORRECT_CHILD_DETAILS)
    form = MoveFamilyForm(
        request.POST if request.method == "POST" else None, initial={"version": child.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sibling = None
        if data["where"] != OWN_FAMILY:
            wanted = data["sibling"].strip()
            sibling = visible_to(user).filter(la_child_id__iexact=wanted).first()
            if sibling is None:
                form.add_error("sibling", NO_SUCH_SIBLING.format(id=wanted))
        if not form.errors:
            try:
                saved = services.move_to_family(
                    child=child,
                    acting_user=user,
                    expected_version=data["version"],
                    reason=data["reason"],
                    sibling=sibling,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"{display_name(user, saved)} has moved family.")
                return redirect("child_journey", saved.public_id)
    adults = list(child.family.adults.order_by("pk")) if child.family_id else []
    siblings = (
        list(visible_to(user).filter(family_id=child.family_id).exclude(pk=child.pk))
        if child.family_id
        else []
    )
    read_log.shown(request, pks=[s.pk for s in siblings])
    return _page(
        request,
        "children/child_family.html",
        {
            "form": form,
            "child": child,
            "name": display_name(user, child),
            "adults": plain_list(
                f"{a.name} ({a.get_relationship_display().lower()})" for a in adults
            ),
            "siblings": plain_list(display_name(user, s) for s in siblings),
        },
        form,
    )


def referral_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record a referral for the child: it opens a Child in Need episode."""
    child = child_for(request.user, public_id)
    require_capability(request.user, Capability.ADD_CHILDREN)
    name = display_name(request.user, child)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = {
                k: v for k, v in form.cleaned_data.items() if k != "referral_date_confirmed"
            }
            open_episode(child=child, acting_user=request.user, **referral)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The referral has been recorded.")
            return redirect("child_journey", child.public_id)
    return _page(
        request, "children/referral_new.html", {"form": form, "child": child, "name": name}, form
    )
