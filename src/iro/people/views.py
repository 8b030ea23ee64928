"""The IROs' leave, which the IRO service manager records and removes; one IRO's
bookings moved to other chairs at once, while they are away or when they leave; and
each user's own account."""

from __future__ import annotations

from datetime import date, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.read_log import shown
from iro.access.scope import display_name
from iro.journey import chairs
from iro.journey import services as journey_services
from iro.journey.checks import today
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.people import accounts, services
from iro.people.forms import CoverForm, LeaveForm, OwnAddressForm
from iro.people.models import CHAIR_ROLES, Leave, User
from iro.people.selectors import leave_from

RECORDED = "Leave recorded for {user}: {start:%-d %B %Y} to {end:%-d %B %Y}."
NEEDS_COVER = " {user} is booked to chair {n} conference{s} in it: allocate another chair."
REMOVED = "{user}'s leave from {start:%-d %B %Y} to {end:%-d %B %Y} was removed."


def staff_leave(request: HttpRequest) -> HttpResponse:
    """Who is away, from today; a form to record more; removing cancelled leave (asked
    first: nothing on the page says it was there once it is gone)."""
    require_capability(request.user, Capability.MANAGE_LEAVE)
    if request.method == "POST" and "remove" in request.POST:
        return _remove_leave(request)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave = services.record_leave(
                user=data["user"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                description=data["description"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            note = RECORDED.format(user=leave.user, start=leave.start_date, end=leave.end_date)
            booked = len(chairs.booked_during([leave])[leave.pk])
            if booked:
                note += NEEDS_COVER.format(user=leave.user, n=booked, s="s" if booked > 1 else "")
            messages.success(request, note)
            return redirect("staff_leave")
    leaves = list(leave_from(today()))
    booked = chairs.booked_during(leaves)
    rows = [{"leave": leave, "booked": booked.get(leave.pk, [])} for leave in leaves]
    errors = error_summary(form)
    return render(
        request,
        "people/leave.html",
        {
            "form": form,
            "rows": rows,
            "error_list": errors,
            "page_has_errors": bool(errors),
            "active_nav": "leave",
        },
    )


def _remove_leave(request: HttpRequest) -> HttpResponse:
    """The Remove button asks first, naming the leave; "Yes, remove it" removes it."""
    try:
        leave_id = int(request.POST["remove"])
    except ValueError:
        leave_id = None
    if request.POST.get("confirm") != "yes":
        leave = Leave.objects.select_related("user").filter(pk=leave_id).first()
        if leave is not None:
            return render(
                request,
                "people/leave_remove.html",
                {"leave": leave, "active_nav": "leave"},
            )
        messages.error(request, services.NOT_FOUND)
        return redirect("staff_leave")
    try:
        leave = services.remove_leave(leave_id=leave_id, acting_user=request.user)
    except ValidationError:
        messages.error(request, services.NOT_FOUND)
    else:
        messages.success(
            request, REMOVED.format(user=leave.user, start=leave.start_date, end=leave.end_date)
        )
    return redirect("staff_leave")


MOVED = "{n} conference{s} moved: {who}."
NOTHING_MOVED = "Nothing was moved: every conference was kept with {person}."
MOVED_MEANWHILE = (
    "Nothing was saved: {n} conference{s} on the page you saved had been given another "
    "chair, moved or cancelled since you opened it. The page now shows the conferences "
    "still to move: check the choices and save again."
)
DATES_UNREAD = "The dates in the address could not be read, so every booking from today is shown."


def move_conferences(request: HttpRequest, pk: int) -> HttpResponse:
    """One IRO's booked conferences given to other chairs in one go: while they are away
    (``from`` and ``to`` in the address, a leave's days) or for good when they leave.
    Each conference offers the IROs who may chair it then, one suggested (continuity,
    then the lightest load, shared out down the page); saving moves all or none."""
    require_capability(request.user, Capability.SCHEDULE_CONFERENCES)
    person = get_object_or_404(User, pk=pk)
    if person.role not in CHAIR_ROLES and not person.chaired_conferences.exists():
        raise Http404("Not a chair")  # nor someone who chaired before a change of role
    start, end, unread = _days_asked(request)
    if unread:
        messages.warning(request, DATES_UNREAD)
    on = today()
    booked, unseen = chairs.bookings_to_move(request.user, person, on=on, start=start, end=end)
    covers = chairs.cover_for(booked, today=on, leaving=person)
    form = CoverForm(
        request.POST or None, covers=covers, person=person, must_move=_cannot_chair(person, booked)
    )
    meanwhile = _moved_meanwhile(request, covers)
    if meanwhile:  # the page was out of date: its choices for those would be lost
        form.is_valid()
        form.add_error(None, MOVED_MEANWHILE.format(n=meanwhile, s="" if meanwhile == 1 else "s"))
    elif request.method == "POST" and form.is_valid():
        moves = form.moves()
        try:
            journey_services.allocate_chairs(moves=moves, acting_user=request.user)
        except ValidationError as error:
            _refusals_on_rows(form, error)
        else:
            if not moves:
                messages.info(request, NOTHING_MOVED.format(person=person))
            else:
                messages.success(request, _moved_words(moves))
            return redirect(request.get_full_path())
    shown(request, pks=[child.pk for cover in covers for child in cover.children])
    errors = error_summary(form)
    return render(
        request,
        "people/move_conferences.html",
        {
            "person": person,
            "form": form,
            "rows": [
                (
                    cover,
                    field,
                    version,
                    ", ".join(display_name(request.user, c) for c in cover.children),
                )
                for cover, field, version in form.rows()
            ],
            "days_asked": _days_words(start, end),
            "unseen": unseen,
            "error_list": errors,
            "page_has_errors": bool(errors),
            "back_to_leave": has_capability(request.user, Capability.MANAGE_LEAVE),
            "active_nav": "leave" if has_capability(request.user, Capability.MANAGE_LEAVE) else "",
        },
    )


def _moved_meanwhile(request: HttpRequest, covers) -> int:
    """How many conferences the posted page offered are no longer this IRO's to move
    (given another chair, moved or cancelled since the page was opened)."""
    if request.method != "POST":
        return 0
    offered = {cover.conference.public_id.hex for cover in covers}
    posted = {key.removeprefix("chair-") for key in request.POST if key.startswith("chair-")}
    return len(posted - offered)


def _cannot_chair(person, booked):
    """Whether ``person`` cannot chair a conference of ``booked`` themselves: they chair
    no more, or are on leave that day."""
    if not person.chairs_conferences:
        return lambda conference: True
    away = chairs.days_away([person.pk], {c.scheduled_date for c in booked if c.scheduled_date})
    return lambda conference: (person.pk, conference.scheduled_date) in away


def _days_asked(request: HttpRequest) -> tuple[date | None, date | None, bool]:
    """The first and last days in the address (a leave's), and whether any was unread."""
    days, unread = [], False
    for name in ("from", "to"):
        text = request.GET.get(name, "")
        try:
            days.append(date.fromisoformat(text) if text else None)
        except ValueError:
            days.append(None)
            unread = True
    start, end = days
    if start and end and end < start:
        return None, None, True
    return start, end, unread


def _refusals_on_rows(form: CoverForm, error: ValidationError) -> None:
    """The service's problems, each on the row of its conference, said with its day."""
    by_id = {cover.conference.public_id.hex: cover for cover in form.covers}
    for public_id, problems in error.message_dict.items():
        cover = by_id.get(public_id.replace("-", ""))
        if cover is None:
            form.add_error(None, problems)
            continue
        when = cover.conference.when_words()
        form.add_error(
            f"chair-{cover.conference.public_id.hex}",
            [f"The conference {when}: {problem}" for problem in problems],
        )


def _moved_words(moves) -> str:
    """Which conference went to whom: "2 conferences moved: Otto Fallowfield will chair
    the conference on Mon 21 Dec 2026 at 10:00; Mona Greyfriar ..."."""
    given: dict[str, list] = {}
    for conference, chair, _version in moves:
        given.setdefault(str(chair), []).append(conference)
    who = "; ".join(
        f"{name} will chair the conference{'s' if len(conferences) > 1 else ''} "
        + _and([c.when_words() for c in sorted(conferences, key=_booked_for)])
        for name, conferences in given.items()
    )
    n = len(moves)
    return MOVED.format(n=n, s="s" if n != 1 else "", who=who)


def _days_words(start: date | None, end: date | None) -> str:
    """The days the page was asked for, following "booked to chair": "on Tuesday 22
    December 2026", "from Monday 21 December 2026 to Wednesday 23 December 2026", "from
    ...", "to ..."; "" for none."""
    if start is not None and start == end:
        return f"on {start:%A} {start.day} {start:%B %Y}"
    words = [f"from {start:%A} {start.day} {start:%B %Y}"] if start else []
    words += [f"to {end:%A} {end.day} {end:%B %Y}"] if end else []
    return " ".join(words)


def _booked_for(conference) -> tuple:
    return (conference.scheduled_date or date.max, conference.scheduled_time or time.min)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


ADDRESS_CHANGED = "Your email address is now {address}. Your old address was told of the change."


def my_account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: who they are in iro, and their email address,
    which only they change once they have signed in (``people.accounts``)."""
    user = request.user
    form = OwnAddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            accounts.change_own_address(user=user, address=data["email"], password=data["password"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, ADDRESS_CHANGED.format(address=user.email))
            return redirect("my_account")
    errors = error_summary(form)
    return render(
        request,
        "people/my_account.html",
        {"form": form, "error_list": errors, "page_has_errors": bool(errors)},
    )
