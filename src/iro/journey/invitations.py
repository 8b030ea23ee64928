"""Invitations to a conference: the email, its calendar attachment, the parents' letter.

The calendar text is written here by hand to RFC 5545 (iCalendar) and RFC 5546 (iTIP):
one VEVENT whose UID never changes for a conference, with SEQUENCE raised on every
change of date, time or place (``journey.services.reschedule_conference``) and on
cancellation, so a calendar replaces the earlier entry instead of adding a second.
Times are written in UTC, which needs no VTIMEZONE block.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language, get_language_info, gettext, override, pgettext
from django.utils.translation import gettext_lazy as _

from iro import timescales
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.children.models import FamilyMember, Relationship
from iro.journey import services
from iro.journey.checks import saved_by, today
from iro.journey.models import (
    CalendarEntry,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    CoreGroupMember,
    Invitation,
    InviteeRole,
    Plan,
)
from iro.notices.mail import emailing, queue_mail, state_words
from iro.notices.models import MailKind
from iro.people.models import Agency
from iro.people.selectors import closure_days

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
PRODID = "-//{council}//IRO service//EN"

NO_ONE_TO_SEND_TO = "No one on the list has an email address that has not already been sent."
NOT_SCHEDULED = "Invitations can only be sent for a conference that is still scheduled."
NO_DATE = "Give the conference a date before sending invitations."
LETTER_HAS_EMAIL = "This person is invited by email: send the invitations instead."
LETTER_NOT_SCHEDULED = "Letters can only be posted for a conference that is still scheduled."
LETTER_CANCELLED = "Letter posted; the conference is cancelled: post the cancellation letter"
CANCELLATION_NOT_CANCELLED = "A cancellation letter is for a conference that was cancelled."
CANCELLATION_NOT_POSTED = (
    "No invitation was posted to {name}, so there is no cancellation letter to post."
)
CANCELLATION_ALREADY_POSTED = (
    "The cancellation letter to {name} is already recorded as posted, on {day}."
)
CANCELLATION_DAY_GONE_BY = (
    "The conference was to be on {day}, a day gone by: a cancellation letter would come too late."
)
DAY_GONE_BY = (
    "The conference was booked for {day}, a day gone by: if it took place, its chair "
    "records it; if not, change the date first, then invite."
)
LETTER_NO_ADDRESS = (
    "There is no postal address for {name}, so the letter cannot have been posted. Remove "
    "them from the list and add them again with their address or email address."
)  # (a professional's letter goes to their agency, whose address the office knows)
NO_WAY_TO_INVITE = "No email or address: add one to invite them"
LETTER_ALREADY_POSTED = (
    "The letter to {name} is already recorded as posted, on {day}. It needs posting again "
    "only if the conference's date, time or place changes: it is then listed to post again."
)

# Family-facing words for each kind of conference (checked by tests for plain language).
# Lazy: the letter shows them in the family's language (the family documents), the
# emails and calendar entries in English.
PLAIN_KIND = {
    ConferenceKind.INITIAL: _("a child protection conference"),
    ConferenceKind.REVIEW: _("a review child protection conference"),
    ConferenceKind.TRANSFER_IN: _("a child protection conference"),
}
KIND_NAME = {
    ConferenceKind.INITIAL: _("initial child protection conference"),
    ConferenceKind.REVIEW: _("review child protection conference"),
    ConferenceKind.TRANSFER_IN: _("transfer-in conference"),
}
PLAIN_PURPOSE = {
    ConferenceKind.INITIAL: _(
        "This is a meeting where your family and the people who work with your "
        "children talk together about how to keep them safe, and decide if a plan is needed."
    ),
    ConferenceKind.REVIEW: _(
        "This is a meeting where your family and the people who work with your "
        "children look at how the plan is going, and decide what happens next."
    ),
    ConferenceKind.TRANSFER_IN: _(
        "Your family has moved to our area. This is a meeting where your family and the "
        "people who work with your children talk about the plan and how we will help."
    ),
}
# The same, when the meeting is about one child.
PLAIN_PURPOSE_ONE_CHILD = {
    ConferenceKind.INITIAL: _(
        "This is a meeting where your family and the people who work with your "
        "child talk together about how to keep them safe, and decide if a plan is needed."
    ),
    ConferenceKind.REVIEW: _(
        "This is a meeting where your family and the people who work with your "
        "child look at how the plan is going, and decide what happens next."
    ),
    ConferenceKind.TRANSFER_IN: _(
        "Your family has moved to our area. This is a meeting where your family and the "
        "people who work with your child talk about the plan and how we will help."
    ),
}


def plain_purpose(conference: Conference):
    """What the meeting is for, to a parent or carer: about their child, or children."""
    one = conference.children.count() == 1
    return (PLAIN_PURPOSE_ONE_CHILD if one else PLAIN_PURPOSE)[conference.kind]


# The same, to a relative or family friend the family asked to come: the children by
# name, not "your children".
RELATIVE_PURPOSE = {
    ConferenceKind.INITIAL: _(
        "This is a meeting where the family and the people who work with %(children)s "
        "talk together about how to keep them safe, and decide if a plan is needed."
    ),
    ConferenceKind.REVIEW: _(
        "This is a meeting where the family and the people who work with %(children)s "
        "look at how the plan is going, and decide what happens next."
    ),
    ConferenceKind.TRANSFER_IN: _(
        "The family has moved to our area. This is a meeting where the family and the "
        "people who work with %(children)s talk about the plan and how we will help."
    ),
}


def relative_purpose(conference: Conference) -> str:
    """What the meeting is for, to a relative or family friend: the children by name."""
    children = plain_list(children_names(conference, full=False))
    return str(RELATIVE_PURPOSE[conference.kind]) % {"children": children}


# The same, to a professional (in the calendar entry: the family's words are not theirs).
PROFESSIONAL_PURPOSE = {
    ConferenceKind.INITIAL: "An initial child protection conference: the family and the "
    "professionals decide together whether a child protection plan is needed.",
    ConferenceKind.REVIEW: "A review child protection conference: the family and the "
    "professionals review the child protection plan and decide what happens next.",
    ConferenceKind.TRANSFER_IN: "A transfer-in conference: the child protection plan of the "
    "authority the family moved from is reviewed here.",
}
# The same, to a child or young person invited to the meeting about them.
CHILD_PURPOSE = {
    ConferenceKind.INITIAL: _(
        "This is a meeting where your family and the people who work with you talk "
        "together about how to keep you safe, and decide if a plan is needed."
    ),
    ConferenceKind.REVIEW: _(
        "This is a meeting where your family and the people who work with you look at "
        "how the plan is going, and decide what happens next."
    ),
    ConferenceKind.TRANSFER_IN: _(
        "Your family has moved to our area. This is a meeting where your family and the "
        "people who work with you talk about the plan and how we will help."
    ),
}


# --------------------------------------------------------------- iCalendar


# Any line break (CRLF, a lone CR or LF, the Unicode separators) and the other control
# characters: none may reach the calendar text raw, or it would start a content line.
_NEWLINES = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(text: str) -> str:
    """RFC 5545 3.3.11 TEXT: backslash, semicolon and comma are escaped, every kind of
    line break becomes ``\\n`` and other control characters are dropped (tab is kept)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", _NEWLINES.sub(r"\\n", text))


def _param(text: str) -> str:
    """RFC 5545 3.2 param-value, always quoted: a quoted string may hold any character
    but a control character or DQUOTE, so line breaks become spaces and the rest go."""
    text = _NEWLINES.sub(" ", text)
    return '"' + _CONTROL.sub("", text).replace('"', "") + '"'


def _uri(text: str) -> str:
    """A URI value (mailto:, the meeting link): no control character and no space."""
    return re.sub(r"\s+", "", _CONTROL.sub("", _NEWLINES.sub("", text)))


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets are folded (CRLF then a space),
    never inside a multi-byte UTF-8 character."""
    out: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode()) > limit:
            out.append(current)
            current = " " + char
            limit = 75
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def _utc(d: date, t: time) -> str:
    return datetime.combine(d, t, tzinfo=LONDON).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _summary(conference: Conference) -> str:
    # No child's name: a calendar entry is seen by more eyes than the email.
    return f"{conference.get_kind_display()} ({council()} IRO service)"


def council() -> str:
    return settings.COUNCIL_NAME


def calendar_text(
    *,
    conference: Conference,
    entry: CalendarEntry,
    method: str,
    attendee: Invitation | None = None,
    now: datetime | None = None,
) -> str:
    """The iCalendar object for ``conference``: ``method`` is REQUEST or CANCEL."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_escape(PRODID.format(council=council()))}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{entry.uid}",
        f"SEQUENCE:{entry.sequence}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
    ]
    day = conference.scheduled_date
    if conference.scheduled_time is not None:
        # As long as the chair is booked for (the statutory guidance sets no length).
        start = datetime.combine(day, conference.scheduled_time, tzinfo=LONDON)
        end = start + timedelta(minutes=conference.duration_minutes)
        lines += [
            f"DTSTART:{_utc(day, conference.scheduled_time)}",
            f"DTEND:{_utc(end.date(), end.timetz().replace(tzinfo=None))}",
        ]
    else:
        lines += [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        ]
    lines.append(f"SUMMARY:{_escape(_summary(conference))}")
    place = conference.venue or ("Online" if conference.virtual_link else "")
    if place:
        lines.append(f"LOCATION:{_escape(place)}")
    if conference.virtual_link:
        lines.append(f"URL:{_uri(conference.virtual_link)}")
    role = attendee.role if attendee is not None else InviteeRole.PARENT
    if role == InviteeRole.CHILD:
        description = str(CHILD_PURPOSE[conference.kind])
    elif role == InviteeRole.PARENT:
        description = str(plain_purpose(conference))
    elif role == InviteeRole.RELATIVE:
        description = relative_purpose(conference)
    else:
        description = PROFESSIONAL_PURPOSE[conference.kind]
    if conference.virtual_link:
        description += f"\nJoin online: {conference.virtual_link}"
    lines.append(f"DESCRIPTION:{_escape(description)}")
    organizer = _uri(settings.DEFAULT_FROM_EMAIL)
    lines.append(f"ORGANIZER;CN={_param(council() + ' IRO service')}:mailto:{organizer}")
    if attendee is not None and attendee.email:
        lines.append(
            f"ATTENDEE;CN={_param(attendee.name)};ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{_uri(attendee.email)}"
        )
    lines.append(f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


# ------------------------------------------------------------------ emails


def children_names(conference: Conference, *, full: bool = False) -> list[str]:
    """The children's first names, as the family's letters say them; ``full`` names for
    professionals, who work with many children ("Olivia" alone says which to nobody)."""
    rows = conference.children.select_related("child").order_by("child__date_of_birth")
    return [
        (row.child.full_name if full else row.child.first_name) or row.child.la_child_id
        for row in rows
    ]


def _english() -> bool:
    return (get_language() or "en").startswith("en")


def plain_list(names: Iterable[str]) -> str:
    """ "Wren, Alder and Ash", in the active language."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    if _english():
        return ", ".join(names[:-1]) + " and " + names[-1]
    return gettext("%(names)s and %(last)s") % {
        "names": gettext(", ").join(names[:-1]),
        "last": names[-1],
    }


SENT_FIELDS = ["sent_at", "sent_sequence", "sent_for_date", "sent_for_time"]


def _told_when(invitation: Invitation, conference: Conference) -> None:
    """Keep the day and time the invitation now sent or posted gives."""
    invitation.sent_for_date = conference.scheduled_date
    invitation.sent_for_time = conference.scheduled_time


def when_told(invitation: Invitation) -> str:
    """The day and time ``invitation``'s person was last sent or posted: what a
    cancellation names, since a move they were never sent is not the meeting they
    expect (the conference's own day and time when none is kept)."""
    if invitation.sent_at is not None and invitation.sent_for_date is not None:
        return day_and_time(invitation.sent_for_date, invitation.sent_for_time)
    return when_text(invitation.conference)


def when_text(conference: Conference) -> str:
    """The day and time of ``conference`` in words: English by default, the active
    language in a family document."""
    return day_and_time(conference.scheduled_date, conference.scheduled_time)


def day_and_time(day: date, at: time | None) -> str:
    """ "Monday 16 November 2026 at 10:00am", or the day alone when no time is known, in
    the active language."""
    words = family_day(day, weekday=True)
    if at is None:
        return words
    if not _english():
        return gettext("%(day)s at %(time)s") % {"day": words, "time": family_clock(at)}
    return f"{words} at {english_clock(at)}"


# Where Django's formats for a language do not read as a letter in it would: Polish
# writes a day's name in lower case after a capital ("piątek, 11 grudnia 2026"), Chinese
# puts it after the date, and Malay gives the month in full ("11 Disember 2026", where
# Django's date format abbreviates it).
_WEEKDAY_WITH_DATE = {"pl": "{weekday}, {day}", "zh-hans": "{day}{weekday}"}
_LOWER_CASE_WEEKDAYS = {"pl"}
_DATE_FORMATS = {"ms": "j F Y"}
# And where Django's clock does not: its Malay "1:30 malam" (night) for half past one in
# the afternoon, Hindi's "1:30 बजे" before the sentence's own "बजे", "p.m." left in
# Punjabi, Urdu's "شام" (evening) and minutes dropped. The 24-hour clock is unambiguous
# in each; the English letter that follows gives "1:30pm".
_TIME_FORMATS = {"ms": "H:i", "hi": "H:i", "pa": "H:i", "ur": "H:i"}


def family_day(d: date, *, weekday: bool = False) -> str:
    """A day as a family's document writes it in the active language: English keeps the
    house style ("Friday 11 December 2026"); another language takes its own."""
    if _english():
        return f"{d:%A} {d.day} {d:%B %Y}" if weekday else f"{d.day} {d:%B %Y}"
    language = get_language()
    day = formats.date_format(d, _DATE_FORMATS.get(language, "DATE_FORMAT"))
    if not weekday:
        return day
    name = formats.date_format(d, "l")
    if language in _LOWER_CASE_WEEKDAYS:
        name = name.lower()
    return _WEEKDAY_WITH_DATE.get(language, "{weekday} {day}").format(weekday=name, day=day)


# Languages whose names are written in lower case inside a sentence.
_LOWER_CASE_LANGUAGE_NAMES = {"es", "fr", "pl"}


def language_in_words(recorded: str) -> str:
    """A language as recorded ("Polish"), named in the active language ("polski",
    "Pwyleg", "البولنديّة") when it is one of iro's by its own or English name; else as
    recorded ("Mandarin": a spoken language, not the writing iro's Chinese names)."""
    from iro.languages import BY_CODE, code_for

    text = recorded.strip()
    code = code_for(text)
    language = BY_CODE.get(code or "")
    if language is None or _english():
        return text
    if text.casefold() not in (language.name.casefold(), language.own_name.casefold()):
        return text
    name = get_language_info(language.code)["name_translated"]
    return name.lower() if get_language() in _LOWER_CASE_LANGUAGE_NAMES else name


def family_clock(t: time) -> str:
    """A time as a family's document writes it in the active language."""
    if _english():
        return english_clock(t)
    return formats.time_format(t, _TIME_FORMATS.get(get_language(), "TIME_FORMAT"))


def english_clock(t: time) -> str:
    """A time as the family's letters write it in English: "9:30am", "2:00pm"."""
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d}{'am' if t.hour < 12 else 'pm'}"


def name_key(name: str) -> str:
    """A name as two records of one person match it: spaces and case aside ("Hazel
    brackwater" is "Hazel  Brackwater")."""
    return " ".join(name.split()).casefold()


def invited_child(invitation: Invitation):
    """The child of the conference an invitation to a child is for: the one whose first
    or full name it bears (spaces and case aside), or the only child of the conference;
    None when it names none of several, and for every other invitee."""
    if invitation.role != InviteeRole.CHILD:
        return None
    children = [
        row.child
        for row in invitation.conference.children.select_related("child").order_by(
            "child__date_of_birth", "child__pk"
        )
    ]
    name = name_key(invitation.name)
    for child in children:
        full_name = name_key(f"{child.first_name} {child.last_name}")
        if name and name in (child.first_name.strip().casefold(), full_name):
            return child
    return children[0] if len(children) == 1 else None


def letter_context(invitation: Invitation) -> dict:
    """What the email and the printed letter say, in the family's words: to a child
    invited to the meeting about them, the meeting is about "you" (and their brothers or
    sisters, by name), not about themselves by name."""
    conference = invitation.conference
    family_member = invitation.role in (InviteeRole.PARENT, InviteeRole.RELATIVE, InviteeRole.CHILD)
    to_child = invitation.role == InviteeRole.CHILD
    invited = invited_child(invitation) if to_child else None
    others = ""
    if invited is not None:
        others = plain_list(
            row.child.first_name or row.child.la_child_id
            for row in conference.children.select_related("child")
            .exclude(child=invited)
            .order_by("child__date_of_birth", "child__pk")
        )
    interpreter_booked = ""  # to a parent who needs one: the language an interpreter speaks
    if invitation.role == InviteeRole.PARENT:
        needs, interpreter_invited = interpreters_needed(conference)
        if interpreter_invited:
            mine = [n for n in needs if name_key(n.member.name) == name_key(invitation.name)]
            interpreter_booked = language_in_words(mine[0].language) if mine else ""
    interpreting_for = ""
    if invitation.role == InviteeRole.INTERPRETER:
        needs, _invited = interpreters_needed(conference)
        interpreting_for = plain_list(
            f"{need.member.name} ({need.language})" if need.language else need.member.name
            for need in needs
        )
    return {
        "invitation": invitation,
        "conference": conference,
        "council_name": council(),
        "changed_words": _letter_changed_words(invitation),
        "interpreting_for": interpreting_for,  # "Agnieszka Pikecote (Polish)"
        "interpreter_booked": interpreter_booked,  # "Polish"
        "family_member": family_member,
        "to_child": to_child,  # the sentences to a child have their own translations
        "about_you": invited is not None,
        "others": others,
        "kind_words": PLAIN_KIND[conference.kind],
        "kind_name": KIND_NAME[conference.kind],
        "purpose": (
            CHILD_PURPOSE[conference.kind]
            if to_child
            else relative_purpose(conference)
            if invitation.role == InviteeRole.RELATIVE
            else plain_purpose(conference)
        ),
        "children": plain_list(children_names(conference, full=not family_member)),
        "when": (
            when_told(invitation)
            if conference.status == ConferenceStatus.CANCELLED
            else when_text(conference)
        ),
        "chair": conference.chair,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "service_phone": settings.IRO_SERVICE_PHONE,
    }


@dataclass(frozen=True)
class LetterKind:
    """What a printed letter to an invitee is: the invitation, or once the conference is
    cancelled the letter saying so (an invitation to it is no longer printed). Each page,
    PDF and export of a letter reads its template, title, logged name and file name here."""

    template: str
    title: str  # lazy: in the language active where it is read
    logged_as: str
    file_prefix: str
    called: str  # in the coordinator's messages: "the cancellation letter to ..."

    def file_stem(self, conference: Conference) -> str:
        day = f"{conference.scheduled_date:%Y-%m-%d}" if conference.scheduled_date else "no-date"
        return f"{self.file_prefix}-{day}"


INVITATION_LETTER = LetterKind(
    template="journey/conference/letter_part.html",
    title=_("An invitation to a meeting"),
    logged_as="conference invitation letter",
    file_prefix="letter",
    called="letter",
)
CANCELLATION_LETTER = LetterKind(
    template="journey/conference/cancellation_letter_part.html",
    title=_("A meeting cancelled"),
    logged_as="conference cancellation letter",
    file_prefix="cancellation",
    called="cancellation letter",
)


def letter_kind(conference: Conference) -> LetterKind:
    """The letter an invitee of ``conference`` is posted now."""
    if conference.status == ConferenceStatus.CANCELLED:
        return CANCELLATION_LETTER
    return INVITATION_LETTER


def what_changed(invitation: Invitation, since: datetime | None = None) -> list[str]:
    """What changed in the conference since ``invitation`` was last sent (or ``since``),
    in words for the update ("the day or time (it was Thursday 10 December 2026 at
    09:30)", "the chair", "a child was added"), in the active language, read from the
    records' history as it stood then; [] when the history does not say (sent before it
    was kept)."""
    conference = invitation.conference
    sent = since or invitation.sent_at
    if sent is None:
        return []
    then = (
        conference.history.filter(history_date__lte=sent)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if then is None:
        return []
    changes = []
    day_moved = then.scheduled_date != conference.scheduled_date
    time_moved = (then.scheduled_time, then.duration_minutes) != (
        conference.scheduled_time,
        conference.duration_minutes,
    )
    if day_moved or time_moved:
        was = when_text(then) if then.scheduled_date else ""
        if day_moved and time_moved:
            words = gettext("the day and time (it was %(when)s)")
        elif day_moved:
            words = gettext("the day (it was %(when)s)")
        else:
            words = gettext("the time (it was %(when)s)")
        changes.append(words % {"when": was} if was else gettext("the day or time"))
    if (then.venue, then.virtual_link) != (conference.venue, conference.virtual_link):
        changes.append(
            gettext("where it is held (it was %(place)s)") % {"place": then.venue}
            if then.venue
            else gettext("where it is held")
        )
    if then.chair_id != conference.chair_id:
        family = invitation.role in (InviteeRole.PARENT, InviteeRole.RELATIVE, InviteeRole.CHILD)
        changes.append(gettext("who leads the meeting") if family else gettext("the chair"))
    added = (
        ConferenceChild.history.filter(
            conference_id=conference.pk, history_type="+", history_date__gt=sent
        )
        .values("id")
        .distinct()
        .count()
    )
    if added:
        changes.append(
            gettext("a child was added") if added == 1 else gettext("children were added")
        )
    taken_off = dict(
        ConferenceChild.history.filter(
            conference_id=conference.pk, history_type="-", history_date__gt=sent
        ).values_list("id", "plan_id")
    )
    # Off because their plan ended (``services._off_booked_reviews``), or taken off by the
    # coordinators (``services.remove_child_from_conference``).
    ended = set(
        Plan.all_objects.filter(
            pk__in=set(taken_off.values()) - {None}, end_date__isnull=False
        ).values_list("pk", flat=True)
    )
    plans_ended = sum(1 for plan_id in taken_off.values() if plan_id in ended)
    if plans_ended:
        changes.append(
            gettext("a child was taken off (their plan ended)")
            if plans_ended == 1
            else gettext("children were taken off (their plans ended)")
        )
    if others := len(taken_off) - plans_ended:
        changes.append(
            gettext("a child was taken off") if others == 1 else gettext("children were taken off")
        )
    return changes


def _mail_parts(
    invitation: Invitation,
    *,
    entry: CalendarEntry,
    method: str,
    reminder: bool = False,
    removed: bool = False,
) -> dict:
    """The subject, body and calendar request of ``invitation``'s email (``removed``: a
    cancellation to someone taken off the list of a conference that still goes ahead)."""
    conference = invitation.conference
    context = letter_context(invitation) | {
        "cancelled": method == "CANCEL",
        "reminder": reminder,
        "removed": removed,
    }
    updated = invitation.sent_sequence is not None and method == "REQUEST" and not reminder
    context["updated"] = updated
    context["changes"] = plain_list(what_changed(invitation)) if updated else ""
    # The day a professional's report is due with the chair (said as a date, or "as soon
    # as you can" for a meeting booked at shorter notice than that).
    if conference.scheduled_date is not None:
        due = timescales.report_due(conference.scheduled_date, closures=closure_days())
        context["report_due"] = due
        context["report_due_passed"] = due < today()
    prefix = "Cancelled: " if method == "CANCEL" else ("Changed: " if updated else "Invitation: ")
    if removed:
        prefix = "No longer invited: "
    kind = (
        MailKind.CANCELLATION
        if method == "CANCEL"
        else (MailKind.UPDATE if updated else MailKind.INVITATION)
    )
    if reminder:
        prefix, kind = "Reminder: ", MailKind.REMINDER
    body = render_to_string("journey/conference/invitation_email.txt", context)
    body = (
        _follow_up_in_their_language(invitation, kind=kind, updated=updated, removed=removed) + body
    )
    # To the family, in the words of their letter ("a meeting about Dilan and Lina"), not
    # the service's name for the conference.
    if context["to_child"]:
        what = "a meeting about you" + (f" and {context['others']}" if context["others"] else "")
    elif context["family_member"]:
        what = f"a meeting about {context['children']}"
    else:
        what = conference.get_kind_display()
    return {
        "kind": kind,
        "subject": f"{prefix}{what} on {when_text(conference)}",
        "body": body,
        "calendar": (
            method,
            calendar_text(conference=conference, entry=entry, method=method, attendee=invitation),
        ),
    }


_BREAKS = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_ENDS = re.compile(r"</(?:p|h1|h2|h3|li)>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def _plain(html: str) -> str:
    """The text of a letter's HTML for a plain-text email: a line per line break, a
    blank line after each paragraph and heading."""
    text = _BLOCK_ENDS.sub("\n\n", _BREAKS.sub("\n", html))
    text = unescape(strip_tags(text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _follow_up_in_their_language(
    invitation: Invitation, *, kind: str, updated: bool, removed: bool
) -> str:
    """For a parent or child whose recorded language the service has a translation for,
    the email in that language, to go before the English one (as the posted letter
    does): an invitation is the letter; a change or a reminder says so, then gives the
    letter with the details as they are now; a cancellation is the cancellation letter;
    someone taken off the list is told they need not come. Empty for everyone else."""
    if kind == MailKind.INVITATION:
        return _in_their_language(invitation)
    if removed:
        return _in_their_language(invitation, letter=None, lead=lambda: _not_needed(invitation))
    if kind == MailKind.CANCELLATION:
        return _in_their_language(invitation, letter=CANCELLATION_LETTER)
    if kind == MailKind.REMINDER:
        return _in_their_language(invitation, lead=lambda: str(REMINDED))
    if updated:
        return _in_their_language(invitation, lead=lambda: _changed_words(invitation))
    return ""


# The first words of a reminder or an update in the family's language, before the letter.
REMINDED = _("This is a reminder: the meeting is soon. The letter below gives the details.")
CHANGED = _("The meeting has changed: %(changes)s. The letter below gives the new details.")
CHANGED_UNSAID = _("The meeting has changed. The letter below gives the new details.")


def _changed_words(invitation: Invitation) -> str:
    changes = what_changed(invitation)
    if not changes:
        return str(CHANGED_UNSAID)
    return str(CHANGED) % {"changes": plain_list(changes)}


CHANGED_LETTER = _(
    "The meeting has changed: %(changes)s. This letter replaces our earlier letter: "
    "please go by the details below."
)
CHANGED_LETTER_UNSAID = _(
    "The meeting has changed. This letter replaces our earlier letter: please go by the "
    "details below."
)


def _letter_changed_words(invitation: Invitation) -> str:
    """For someone posted a letter for the conference as it stood before a change of
    date, time or place, the words that open the new letter (what changed, in the active
    language, since the last letter before the change): a parent holding two letters
    knows which to go by. Empty for an email invitee (the email says it) and a letter
    never posted before."""
    if invitation.email or invitation.pk is None:
        return ""
    entry = CalendarEntry.objects.filter(conference_id=invitation.conference_id).first()
    if entry is None:
        return ""
    earlier = (
        Invitation.history.filter(
            id=invitation.pk, sent_at__isnull=False, sent_sequence__lt=entry.sequence
        )
        .order_by("-history_date", "-history_id")
        .values_list("sent_at", flat=True)
        .first()
    )
    if earlier is None:
        return ""
    changes = what_changed(invitation, since=earlier)
    if not changes:
        return str(CHANGED_LETTER_UNSAID)
    return str(CHANGED_LETTER) % {"changes": plain_list(changes)}


def _not_needed(invitation: Invitation) -> str:
    """ "You no longer need to come to ... on ...", to a child in their own register."""
    words = {
        "kind": PLAIN_KIND[invitation.conference.kind],
        "when": when_text(invitation.conference),
    }
    if invitation.role == InviteeRole.CHILD:
        return pgettext("to a child", "You no longer need to come to %(kind)s on %(when)s.") % words
    return gettext("You no longer need to come to %(kind)s on %(when)s.") % words


def _in_their_language(
    invitation: Invitation,
    *,
    letter: LetterKind | None = INVITATION_LETTER,
    lead: Callable[[], str] | None = None,
) -> str:
    """The email's part in the invitee's language, when they are a parent or child whose
    recorded language the service has a translation for (empty for everyone else):
    ``lead`` (a sentence made with that language active), then ``letter`` in it, then a
    line to set it apart from the English email that follows. The letter's address block
    is left out: it is an email."""
    from iro.documents.family_document import invitation_choice, parts
    from iro.languages import ENGLISH

    choice = invitation_choice(invitation)
    if choice.code == ENGLISH:
        return ""
    text = ""
    if letter is None:
        with override(choice.code):
            text = lead() + "\n\n" + gettext("The same message in English follows this one.")
    else:
        unaddressed = copy.copy(invitation)
        unaddressed.address = ""
        (theirs, english) = parts(
            letter.template,
            lambda: letter_context(unaddressed) | {"today": today(), "has_written": True},
            part=lambda first, bilingual: {
                "language_note": gettext("The same letter in English follows this one.")
                if first and bilingual
                else "",
                "lead": lead() if first and lead is not None else "",
            },
            choice=choice,
        )
        # Then the same letter in English, as its note says (the English email follows).
        text = _plain(str(theirs["html"])) + "\n\n" + _plain(str(english["html"]))
        if theirs.get("lead"):
            text = theirs["lead"] + "\n\n" + text
    return text + "\n\n" + "-" * 40 + "\n\n"


@dataclass(frozen=True)
class Sent:
    """What a send did: who was emailed, and who has no email address (post a letter)."""

    emailed: list[Invitation]
    without_email: list[Invitation]


def _deliver(
    *, conference: Conference, invitations: list[Invitation], method: str, acting_user
) -> Sent:
    entry = services.calendar_entry(conference, acting_user)
    with_email = [i for i in invitations if i.email]
    link = reverse("conference_invitations", kwargs={"public_id": conference.public_id})
    # Queued in this transaction, sent by the worker: the invitations page shows each
    # message's state (queued, sent, kept on this machine, failed with the answer).
    # Inside ``recorded_only`` (the demo being built) the send is recorded, not emailed.
    for invitation in with_email if emailing() else ():
        queue_mail(
            to=invitation.email,
            link=link,
            acting_user=acting_user,
            invitation=invitation,
            **_mail_parts(invitation, entry=entry, method=method),
        )
    now = timezone.now()
    for invitation in with_email:
        invitation.sent_at = now
        invitation.sent_sequence = entry.sequence
        if method == "REQUEST":  # a cancellation leaves what they were invited to
            _told_when(invitation, conference)
        saved_by(invitation, acting_user).save(update_fields=SENT_FIELDS)
    return Sent(emailed=with_email, without_email=[i for i in invitations if not i.email])


def _refuse_day_gone_by(conference: Conference) -> None:
    """No invitation or letter for a conference booked for a day gone by."""
    if conference.is_gone_by(today()):
        raise ValidationError(
            {"invitations": DAY_GONE_BY.format(day=_day(conference.scheduled_date))}
        )


@transaction.atomic
def send_invitations(*, conference: Conference, acting_user) -> Sent:
    """Email everyone on the list not yet sent the current version, with the .ics."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError({"invitations": NOT_SCHEDULED})
    if conference.scheduled_date is None:
        raise ValidationError({"invitations": NO_DATE})
    _refuse_day_gone_by(conference)
    entry = services.calendar_entry(conference, acting_user)
    due = [
        i
        for i in conference.invitations.select_for_update()
        if i.sent_sequence is None or i.sent_sequence < entry.sequence
    ]
    if not any(i.email for i in due):
        raise ValidationError({"invitations": NO_ONE_TO_SEND_TO})
    return _deliver(
        conference=conference, invitations=due, method="REQUEST", acting_user=acting_user
    )


@transaction.atomic
def send_updates(*, conference: Conference, acting_user) -> Sent:
    """After a change: email the new version to everyone sent an earlier one."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    return _send_updates(conference, acting_user)


@transaction.atomic
def send_updates_after_plan_end(*, conference: Conference, acting_user) -> Sent:
    """``send_updates`` for a review a plan's end changed (``services._off_booked_reviews``:
    its child taken off, or the review cancelled): ``acting_user`` ended the plan, a chair
    the end's own service checked, not a coordinator."""
    return _send_updates(conference, acting_user)


def _send_updates(conference: Conference, acting_user) -> Sent:
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    entry = services.calendar_entry(conference, acting_user)
    stale = [
        i
        for i in conference.invitations.select_for_update()
        if i.sent_sequence is not None and i.sent_sequence < entry.sequence
    ]
    method = "CANCEL" if conference.status == ConferenceStatus.CANCELLED else "REQUEST"
    sent = _deliver(
        conference=conference, invitations=stale, method=method, acting_user=acting_user
    )
    log.info("Sent %d %s updates for conference %s", len(sent.emailed), method, conference.pk)
    return sent


@transaction.atomic
def cancel_and_notify(
    *, conference: Conference, reason: str, detail: str = "", acting_user, expected_version: int
) -> Conference:
    """Cancel the conference, saying why; everyone sent an invitation gets a calendar
    CANCEL."""
    conference = services.cancel_conference(
        conference=conference,
        reason=reason,
        detail=detail,
        acting_user=acting_user,
        expected_version=expected_version,
    )
    if services.raise_calendar_sequence(conference, acting_user):
        pk = conference.pk
        transaction.on_commit(
            lambda: send_updates(conference=Conference.objects.get(pk=pk), acting_user=acting_user),
            robust=True,
        )
    return conference


# Reminders go this many calendar days before the conference (`iro send-reminders`, daily).
REMINDER_DAYS_BEFORE = 2


def send_reminders(*, today: date) -> int:
    """Remind everyone emailed the current version of a conference held
    ``REMINDER_DAYS_BEFORE`` days after ``today`` (or sooner, if a day's run was missed),
    once per invitation and version: a reschedule's update makes a new reminder due.
    Returns how many were queued. Run by the system (cron), not by a user."""
    due = Conference.objects.filter(
        status=ConferenceStatus.SCHEDULED,
        scheduled_date__gt=today,
        scheduled_date__lte=today + timedelta(days=REMINDER_DAYS_BEFORE),
    )
    queued = 0
    for conference in due.select_related("calendar_entry", "chair"):
        entry = getattr(conference, "calendar_entry", None)
        if entry is None:
            continue
        link = reverse("conference_invitations", kwargs={"public_id": conference.public_id})
        with transaction.atomic():
            for invitation in conference.invitations.select_for_update().exclude(email=""):
                if invitation.sent_sequence != entry.sequence or invitation.sent_at is None:
                    continue  # not sent this version: the coordinator's list says so
                if invitation.mails.filter(
                    kind=MailKind.REMINDER, queued_at__gte=invitation.sent_at
                ).exists():
                    continue
                queue_mail(
                    to=invitation.email,
                    link=link,
                    invitation=invitation,
                    **_mail_parts(invitation, entry=entry, method="REQUEST", reminder=True),
                )
                queued += 1
    return queued


def tell_removed(*, invitation: Invitation, acting_user) -> bool:
    """Email ``invitation`` (about to be taken off the list) a calendar CANCEL for the
    conference, saying they no longer need to come; False when they were never emailed
    it (nothing to take out of a calendar). Called by ``services.remove_invitee``."""
    if invitation.sent_sequence is None or not invitation.email:
        return False
    conference = invitation.conference
    entry = services.calendar_entry(conference, acting_user)
    if emailing():
        queue_mail(
            to=invitation.email,
            link=reverse("conference_invitations", kwargs={"public_id": conference.public_id}),
            acting_user=acting_user,
            invitation=invitation,
            **_mail_parts(invitation, entry=entry, method="CANCEL", removed=True),
        )
    return True


def cancel_voided(*, conference: Conference, acting_user) -> Sent:
    """A conference voided while still to be held: everyone sent an invitation gets a
    calendar CANCEL, so it leaves their calendars. Called by
    ``corrections.void_conference`` inside its transaction, after its own check."""
    if conference.status != ConferenceStatus.SCHEDULED or conference.scheduled_date is None:
        return Sent(emailed=[], without_email=[])
    if not services.raise_calendar_sequence(conference, acting_user):
        return Sent(emailed=[], without_email=[])
    told = [
        i
        for i in conference.invitations.select_for_update()
        if i.sent_sequence is not None and i.email
    ]
    return _deliver(
        conference=conference, invitations=told, method="CANCEL", acting_user=acting_user
    )


@transaction.atomic
def record_letter_posted(*, invitation: Invitation, acting_user) -> Invitation:
    """Record that the letter to someone with no email address was posted, for the
    conference as it now stands (its calendar sequence): a later change of date, time or
    place puts the letter back on the coordinator's list to post again."""
    conference = invitation.conference
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.email:
        raise ValidationError({"invitations": LETTER_HAS_EMAIL})
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError({"invitations": LETTER_NOT_SCHEDULED})
    _refuse_day_gone_by(conference)
    if not has_postal_address(invitation):
        raise ValidationError({"invitations": LETTER_NO_ADDRESS.format(name=invitation.name)})
    entry = services.calendar_entry(conference, acting_user)
    if not letter_to_post(invitation, entry):
        day = timezone.localtime(invitation.sent_at)
        raise ValidationError(
            {"invitations": LETTER_ALREADY_POSTED.format(name=invitation.name, day=_day(day))}
        )
    invitation.sent_at = timezone.now()
    invitation.sent_sequence = entry.sequence
    _told_when(invitation, conference)
    saved_by(invitation, acting_user).save(update_fields=SENT_FIELDS)
    return invitation


def cancellation_to_post(invitation: Invitation, day: date) -> bool:
    """Whether ``invitation`` was posted a letter for a conference since cancelled, for a
    day still to come, and no cancellation letter is recorded as posted to them. The rule
    of ``queues.invitations_to_post`` for cancellations."""
    conference = invitation.conference
    return (
        conference.status == ConferenceStatus.CANCELLED
        and not invitation.email
        and invitation.sent_at is not None
        and invitation.cancellation_posted_at is None
        and (conference.scheduled_date is None or conference.scheduled_date >= day)
    )


@transaction.atomic
def record_cancellation_posted(*, invitation: Invitation, acting_user) -> Invitation:
    """Record that someone posted an invitation was posted the letter saying the
    conference is cancelled (a letter cannot be taken back; an email invitee is sent a
    cancellation by ``cancel_and_notify``)."""
    conference = invitation.conference
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    invitation = (
        Invitation.objects.select_for_update().select_related("conference").get(pk=invitation.pk)
    )
    if conference.status != ConferenceStatus.CANCELLED:
        raise ValidationError({"invitations": CANCELLATION_NOT_CANCELLED})
    if invitation.email:
        raise ValidationError({"invitations": LETTER_HAS_EMAIL})
    if invitation.sent_at is None:
        raise ValidationError({"invitations": CANCELLATION_NOT_POSTED.format(name=invitation.name)})
    if invitation.cancellation_posted_at is not None:
        day = _day(timezone.localtime(invitation.cancellation_posted_at))
        raise ValidationError(
            {"invitations": CANCELLATION_ALREADY_POSTED.format(name=invitation.name, day=day)}
        )
    if not cancellation_to_post(invitation, today()):
        raise ValidationError(
            {"invitations": CANCELLATION_DAY_GONE_BY.format(day=_day(conference.scheduled_date))}
        )
    invitation.cancellation_posted_at = timezone.now()
    saved_by(invitation, acting_user).save(update_fields=["cancellation_posted_at"])
    return invitation


def has_postal_address(invitation: Invitation) -> bool:
    """Whether a letter to ``invitation`` can go in the post: an address of their own, or
    a professional's agency (its address is the office's to know, not iro's)."""
    return bool(invitation.address.strip()) or invitation.agency_id is not None


def letter_to_post(invitation: Invitation, entry: CalendarEntry | None) -> bool:
    """Whether ``invitation`` goes by post and its letter for the conference as it now
    stands is still to be posted: never posted, or posted before a change of date, time
    or place (the calendar sequence rose since). The rule of ``queues.invitations_to_post``."""
    if invitation.email:
        return False
    if invitation.sent_at is None or invitation.sent_sequence is None:
        return True
    return entry is not None and invitation.sent_sequence < entry.sequence


def _day(moment: datetime) -> str:
    return f"{moment:%-d %b %Y}"


def posted_by(invitations: Iterable[Invitation]) -> dict[int, str]:
    """Who recorded each posted letter among ``invitations``, by invitation id: the
    user of the history row whose save set its ``sent_at``. One query (none when no
    letter was posted); a letter recorded by the system (no user) is left out."""
    posted = {i.pk: i.sent_at for i in invitations if not i.email and i.sent_at is not None}
    if not posted:
        return {}
    rows = (
        Invitation.history.filter(id__in=posted, sent_at__isnull=False)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    users: dict[int, object] = {}
    for row in rows:
        if row.sent_at == posted[row.id]:
            users.setdefault(row.id, row.history_user)
    return {
        pk: user.get_full_name() or user.username for pk, user in users.items() if user is not None
    }


# An invitation never sent, of a conference no longer to come.
NOT_SENT_BEFORE = "Not sent from iro before the conference"
NOT_POSTED_BEFORE = "No letter recorded before the conference"
NOT_SENT_CANCELLED = "Not sent: the conference was cancelled"
CHANGE_NOT_SENT_BEFORE = "The last change was not sent before the conference"


# The coordinator's next step in a state, as said to a reader who cannot take it (the
# social worker reading the conference page): what is to be done, not an instruction.
STATE_FOR_OTHERS = {
    "No email: post the letter": "No email: a letter is to be posted",
    "Changed since posted: post the new letter": (
        "Changed since posted: a new letter is to be posted"
    ),
    "Changed since sent: send the update": "Changed since sent: the update is to be sent",
}


def state_for_reader(state: str, *, sends_invitations: bool) -> str:
    return state if sends_invitations else STATE_FOR_OTHERS.get(state, state)


def invitation_state(invitation: Invitation, entry: CalendarEntry | None, by: str = "") -> str:
    """How the invitation stands, in words for the coordinator's list; ``by`` is who
    recorded a posted letter (``posted_by``), when known."""
    if invitation.sent_at is None:
        status = invitation.conference.status
        if status == ConferenceStatus.HELD:  # too late to send: say so, ask nothing
            return NOT_SENT_BEFORE if invitation.email else NOT_POSTED_BEFORE
        if status == ConferenceStatus.CANCELLED:
            return NOT_SENT_CANCELLED
        if invitation.email:
            return "Not sent"
        return "No email: post the letter" if has_postal_address(invitation) else NO_WAY_TO_INVITE
    if not invitation.email and invitation.conference.status == ConferenceStatus.CANCELLED:
        # A letter cannot be taken back: a second letter says the conference is cancelled.
        if invitation.cancellation_posted_at is not None:
            posted = _day(timezone.localtime(invitation.cancellation_posted_at))
            return f"Cancellation letter posted {posted}"
        return LETTER_CANCELLED
    if entry is not None and (invitation.sent_sequence or 0) < entry.sequence:
        if invitation.conference.status == ConferenceStatus.HELD:  # too late: ask nothing
            return CHANGE_NOT_SENT_BEFORE
        if not invitation.email:
            return "Changed since posted: post the new letter"
        return "Changed since sent: send the update"
    if not invitation.email:
        posted = f"Letter posted {_day(timezone.localtime(invitation.sent_at))}"
        return f"{posted} by {by}" if by else posted
    # The email's own state: queued, sent, kept on this machine, or failed (the answer).
    # (The feedback request after the conference is the feedback page's, not this list's.)
    mail = invitation.mails.exclude(kind=MailKind.FEEDBACK).order_by("-queued_at", "-pk").first()
    if mail is None:  # issued before mail was queued (no message of it is kept)
        return f"Recorded as sent {_day(timezone.localtime(invitation.sent_at))}"
    if mail.kind == MailKind.INVITATION:
        return state_words(mail)
    return f"{mail.get_kind_display()}: {state_words(mail)}"


# ------------------------------------------------------------- suggested invitees


@dataclass(frozen=True)
class Suggestion:
    """Someone the records say should be invited: the children's social worker, their
    team manager, and the parents and carers recorded on their families. Offered on the
    invitations page, added only when chosen."""

    name: str
    role: str
    email: str
    why: str
    agency_id: int | None = None
    address: str = ""  # for a posted letter (a parent or carer with no email address)


# The adults of a family invited as "parent or carer"; a grandparent or other relative
# comes to a conference when the family asks, so the coordinator adds them by hand.
PARENTS_AND_CARERS = (
    Relationship.MOTHER,
    Relationship.FATHER,
    Relationship.STEP_PARENT,
    Relationship.CARER,
)


def suggested_invitees(conference: Conference) -> list[Suggestion]:
    """Each child's allocated social worker, then their team's manager, then the parents
    and carers recorded on the children's families (with their address for a letter,
    and the language they need an interpreter for), once each and leaving out anyone
    already on the list (same email, or same name without one). Three queries, however
    many children."""
    rows = conference.children.select_related(
        "child__social_worker", "child__team__manager"
    ).order_by("child__date_of_birth", "pk")
    invited = list(conference.invitations.values_list("name", "email"))
    emails = {e.strip().lower() for _, e in invited if e}
    names = {n.strip().lower() for n, _ in invited}

    def listed(name: str, email: str) -> bool:
        return bool(email and email.lower() in emails) or name.lower() in names

    people: dict[int, tuple[object, str, str]] = {}
    for row in rows:
        worker = row.child.social_worker
        if worker is not None and worker.pk not in people:
            people[worker.pk] = (worker, InviteeRole.SOCIAL_WORKER, "Social worker")
    for row in rows:
        team = row.child.team
        manager = team.manager if team is not None else None
        if manager is not None and manager.pk not in people:
            people[manager.pk] = (manager, InviteeRole.TEAM_MANAGER, f"Team manager, {team}")
    out = []
    for user, role, why in people.values():
        name = user.get_full_name() or user.username
        email = (user.email or "").strip()
        if listed(name, email):
            continue
        # The council's own staff come with no agency: an agency of the kind "children's
        # social care" may be another service altogether (an early help service, a
        # neighbouring council's social care), so none is guessed.
        out.append(Suggestion(name, role, email, why))
    families = {row.child.family_id for row in rows if row.child.family_id is not None}
    adults = FamilyMember.objects.filter(
        family_id__in=families, relationship__in=PARENTS_AND_CARERS
    ).order_by("family_id", "pk")
    for adult in adults:
        name, email = adult.name.strip(), adult.email.strip()
        if listed(name, email):
            continue
        # The same person recorded on two families is suggested once.
        names.add(name.lower())
        if email:
            emails.add(email.lower())
        why = adult.get_relationship_display()
        if adult.interpreter_needed:
            language = adult.preferred_language.strip()
            why += f", needs an interpreter ({language})" if language else ", needs an interpreter"
        out.append(Suggestion(name, InviteeRole.PARENT, email, why, None, adult.address.strip()))
    return out


def family_adult_invited(invitation: Invitation) -> FamilyMember | None:
    """The adult of the conference's children's families whom ``invitation`` invites (a
    parent, carer or relative of the same name), or None: their family record holds the
    contact details the next conference suggests. One query."""
    if invitation.role not in (InviteeRole.PARENT, InviteeRole.RELATIVE):
        return None
    name = invitation.name.strip().lower()
    adults = FamilyMember.objects.filter(
        family__children__conference_rows__conference_id=invitation.conference_id,
        family__children__conference_rows__voided_at__isnull=True,
    ).distinct()
    return next((a for a in adults.order_by("pk") if a.name.strip().lower() == name), None)


@dataclass(frozen=True)
class InterpreterNeed:
    """An adult of a conference's children's family who needs an interpreter."""

    member: FamilyMember
    language: str


def needing_an_interpreter():
    """The adults whose family record says they need an interpreter: the parents and
    carers, and a grandparent or other relative too (they come when the family asks,
    and are in the core group)."""
    return FamilyMember.objects.filter(interpreter_needed=True)


def interpreters_needed(conference: Conference) -> tuple[list[InterpreterNeed], bool]:
    """The adults recorded on the conference's children's families as
    needing an interpreter (with the language), and whether an interpreter is invited:
    the coordinator books one. Two queries."""
    adults = (
        needing_an_interpreter()
        .filter(
            family__children__conference_rows__conference=conference,
            family__children__conference_rows__voided_at__isnull=True,
        )
        .distinct()
        .order_by("family_id", "pk")
    )
    needs = [InterpreterNeed(a, a.preferred_language.strip()) for a in adults]
    invited = bool(needs) and conference.invitations.filter(role=InviteeRole.INTERPRETER).exists()
    return needs, invited


def children_without_parents(conference: Conference) -> list:
    """The conference's children whose family has no parent or carer recorded: nobody
    can be suggested for them, so the invitations page offers to add one. Two queries."""
    rows = conference.children.select_related("child").order_by("child__date_of_birth", "pk")
    with_parents = set(
        FamilyMember.objects.filter(
            family__children__conference_rows__conference=conference,
            family__children__conference_rows__voided_at__isnull=True,
            relationship__in=PARENTS_AND_CARERS,
        ).values_list("family_id", flat=True)
    )
    return [row.child for row in rows if row.child.family_id not in with_parents]


# ------------------------------------------------- carried forward from the last conference


@dataclass(frozen=True)
class Offer:
    """Someone from the last conference (an invitee) or the plan's core group, offered
    to keep on a later conference's list. ``key`` names them in the checklist."""

    key: str
    name: str
    role: str
    role_label: str
    email: str
    why: str
    agency: Agency | None = None
    address: str = ""


def previous_conference(conference: Conference) -> Conference | None:
    """The last conference held on the plans ``conference`` reviews (the initial one
    or the previous review), or None for a conference that starts plans."""
    return (
        Conference.objects.filter(
            status=ConferenceStatus.HELD,
            children__plan__in=conference.children.filter(plan__isnull=False).values("plan"),
            children__voided_at__isnull=True,  # a join is not filtered by the manager
        )
        .exclude(pk=conference.pk)
        .order_by("-held_on", "-pk")
        .first()
    )


def _who(name: str, email: str) -> str:
    return email.strip().lower() or name.strip().lower()


# A transfer-in conference cancelled longer ago than this is another move, not this one.
REBOOKED_WITHIN = timedelta(days=90)


def cancelled_before(conference: Conference, previous: Conference | None) -> Conference | None:
    """The conference cancelled most recently that ``conference`` was booked again in
    place of, whose list the coordinator had made: of the same kind, for the same
    enquiry (an initial conference), the same plans (a review: since ``previous`` was
    held) or the same children lately (a transfer-in)."""
    rows = conference.children
    if conference.kind == ConferenceKind.INITIAL:
        same = Q(children__section47__in=rows.filter(section47__isnull=False).values("section47"))
    elif conference.kind == ConferenceKind.REVIEW:
        same = Q(children__plan__in=rows.filter(plan__isnull=False).values("plan"))
    else:
        same = Q(
            children__child__in=rows.values("child"),
            cancelled_on__gte=today() - REBOOKED_WITHIN,
        )
    cancelled = Conference.objects.filter(
        same, status=ConferenceStatus.CANCELLED, kind=conference.kind
    ).exclude(pk=conference.pk)
    if previous is not None:
        cancelled = cancelled.filter(cancelled_on__gte=previous.held_on)
    return cancelled.order_by("-cancelled_on", "-pk").first()


def carried_forward(conference: Conference) -> list[Offer]:
    """With nobody invited yet: the invitees of the conference it was booked again in
    place of (cancelled), then the last conference's (a review's), then the plans'
    current core group members not among them, each once (same email, or same name
    without one). Empty once anyone is on the list: the coordinator has chosen."""
    if conference.status != ConferenceStatus.SCHEDULED or conference.invitations.exists():
        return []
    previous = previous_conference(conference)
    cancelled = cancelled_before(conference, previous)
    offers: dict[str, Offer] = {}
    if cancelled is not None:
        booked = cancelled.scheduled_date
        when = f" booked for {booked.day} {booked:%B %Y}" if booked else ""
        off = cancelled.cancelled_on
        why = f"Invited to the {cancelled.get_kind_display().lower()}{when}, cancelled" + (
            f" on {off.day} {off:%B %Y}" if off else ""
        )
        _offer_invitees(offers, cancelled, why=lambda _i, why=why: why)
    if previous is not None:
        day = previous.held_on
        held = f"{previous.get_kind_display().lower()} on {day.day} {day:%B %Y}"

        def came(i: Invitation) -> str:
            attended = f" ({i.get_attendance_display().lower()})" if i.attendance else ""
            return f"Invited to the {held}{attended}"

        _offer_invitees(offers, previous, why=came)
    if previous is None and cancelled is None:
        return []
    members = CoreGroupMember.objects.filter(
        plan__in=conference.children.values("plan"), left_on__isnull=True
    ).select_related("agency")
    for m in members.order_by("name", "pk"):
        offers.setdefault(
            _who(m.name, m.email),
            Offer(
                key=f"member-{m.pk}",
                name=m.name,
                role=m.role,
                role_label=m.get_role_display(),
                email=m.email,
                why="In the core group",
                agency=m.agency,
            ),
        )
    return list(offers.values())


def _offer_invitees(
    offers: dict[str, Offer], conference: Conference, *, why: Callable[[Invitation], str]
) -> None:
    for i in conference.invitations.select_related("agency"):
        offers.setdefault(
            _who(i.name, i.email),
            Offer(
                key=f"invitation-{i.pk}",
                name=i.name,
                role=i.role,
                role_label=i.get_role_display(),
                email=i.email,
                why=why(i),
                agency=i.agency,
                address=i.address,
            ),
        )


def invite_again(*, conference: Conference, keys: Iterable[str], acting_user) -> list[Invitation]:
    """Add the people of ``carried_forward`` named by ``keys`` to the list, through
    ``services.add_invitee``: all of them, or none if one is refused."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    wanted = set(keys)
    with transaction.atomic():
        return [
            services.add_invitee(
                conference=conference,
                name=o.name,
                role=o.role,
                agency=o.agency,
                email=o.email,
                address=o.address,
                acting_user=acting_user,
            )
            for o in carried_forward(conference)
            if o.key in wanted
        ]
