"""Feedback from people without an account: a single-use link for each person invited.

When a conference is recorded as held (``journey.services.record_conference_held``, or
``iro issue-feedback-links`` for conferences held before), every invitation gets one
``FeedbackLink``. Someone with an email address is sent a link with a secret token
(``secrets.token_urlsafe(32)``, 256 bits); for someone without, the coordinator prints a
letter with a short code (10 characters of ``CODE_ALPHABET``, about 49 bits) typed at
``/feedback/``. Only keyed hashes of the secrets are kept (HMAC-SHA256 with the
``SECRET_KEY``: a copy of the database alone cannot be searched for codes), so a secret
is never shown again: a reprinted letter gets a new code and the old one stops working.

A link works once (``give_feedback`` locks the row, and a second answer finds it used),
for ``LINK_DAYS`` days. A used, expired, altered or unknown secret gets the same answer
(``usable_link`` returns None for each), and the public pages count the refusals of each
address in the cache (``attempts_left``), refusing with 429 once it has had too many.
What is given becomes a ``Feedback`` row (origin LINK, quote awaiting approval) through
``services.write_feedback``, the one write path of feedback.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.challenge.models import Feedback, FeedbackLink, FeedbackOrigin, Respondent
from iro.challenge.services import write_feedback
from iro.journey.checks import saved_by
from iro.journey.invitations import invited_child
from iro.journey.models import (
    Conference,
    ConferenceStatus,
    Invitation,
    InviteeAttendance,
    InviteeRole,
)
from iro.languages import ENGLISH, code_for
from iro.notices.mail import emailing, queue_mail
from iro.notices.models import MailKind

log = logging.getLogger(__name__)

LINK_DAYS = 28
# Capitals and digits that cannot be misread for each other: no I, L, O, U, 0 or 1.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 10
# Longer typed input is not a code; it is refused without hashing it.
MAX_TYPED = 40

# Refusals (any kind: unknown, used, expired, altered) an address may have in a window,
# and codes it may type in the same window, before it is refused with 429 until the
# window ends. Kept in the default (database) cache, shared by every worker.
WINDOW_SECONDS = 15 * 60
REFUSALS_PER_WINDOW = 10
CODES_PER_WINDOW = 10

NOT_HELD = "Feedback links are made only for a conference that has been held."
LETTER_HAS_EMAIL = "This person was emailed their feedback link: no letter is needed."
LINK_FINISHED = "This feedback link has been used or has expired: there is nothing to print."

RESPONDENT_OF_ROLE = {
    InviteeRole.CHILD: Respondent.CHILD,
    InviteeRole.PARENT: Respondent.PARENT_OR_CARER,
    InviteeRole.RELATIVE: Respondent.OTHER,
    InviteeRole.SOCIAL_WORKER: Respondent.PROFESSIONAL,
    InviteeRole.TEAM_MANAGER: Respondent.PROFESSIONAL,
    InviteeRole.POLICE: Respondent.PROFESSIONAL,
    InviteeRole.HEALTH: Respondent.PROFESSIONAL,
    InviteeRole.SCHOOL: Respondent.PROFESSIONAL,
    InviteeRole.ADVOCATE: Respondent.PROFESSIONAL,
    InviteeRole.OTHER: Respondent.PROFESSIONAL,
    InviteeRole.INTERPRETER: Respondent.OTHER,
}


# ------------------------------------------------------------------ secrets


def digest(kind: str, secret: str) -> str:
    """The keyed hash kept for a secret (``kind``: "token" or "code")."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"feedback-{kind}:{secret}".encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    """ABCDEFGHJK as ABCD-EFGH-JK, as the letter prints it."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalised_code(typed: str) -> str:
    """The code as typed, in capitals without spaces or dashes ('' if it cannot be one)."""
    if not typed or len(typed) > MAX_TYPED:
        return ""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def language_for(preferred: str) -> str:
    """The language a form is shown in for a recorded preferred language: one iro has
    a translation for, read as the family documents read it ("polski", "Urdu/Punjabi"),
    else English."""
    return code_for(preferred) or ENGLISH


def invitee_language(invitation: Invitation) -> str:
    """The language the invitee's form is shown in: a parent's or a child's preferred
    language where the records say it (the family member or child of the same name or
    email); English otherwise, and always for professionals."""
    conference = invitation.conference
    name = invitation.name.strip().lower()
    if invitation.role == InviteeRole.CHILD:
        child = invited_child(invitation)
        return language_for(child.preferred_language) if child is not None else ENGLISH
    if invitation.role in (InviteeRole.PARENT, InviteeRole.RELATIVE):
        from iro.children.models import FamilyMember

        families = conference.children.values("child__family")
        email = invitation.email.strip().lower()
        for adult in FamilyMember.objects.filter(family__in=families).order_by("pk"):
            if (email and adult.email.strip().lower() == email) or (
                name and adult.name.strip().lower() == name
            ):
                return language_for(adult.preferred_language)
    return ENGLISH


# ------------------------------------------------------------------ making links


@dataclass(frozen=True)
class Issued:
    """A link made: its row and, for an emailed one, the token (only ever in the email)."""

    link: FeedbackLink
    token: str | None


def feedback_url(token: str) -> str:
    return settings.IRO_SITE_URL + reverse("feedback_give", kwargs={"token": token})


def code_page_url(language: str = ENGLISH) -> str:
    """The page to type a letter's code on, in the ``language`` of the letter's part
    that prints it (the form behind the code is in the link's own language)."""
    url = settings.IRO_SITE_URL + reverse("feedback_code")
    return url if language == ENGLISH else f"{url}?lang={language}"


def asks_feedback(conference: Conference, *, today: date | None = None) -> bool:
    """Held, and recently enough for its links still to be open (the demo's generated
    past and a census import's old conferences get none)."""
    today = today or timezone.localdate()
    return (
        conference.status == ConferenceStatus.HELD
        and conference.held_on is not None
        and conference.held_on > today - timedelta(days=LINK_DAYS)
    )


NOT_THERE = (InviteeAttendance.APOLOGIES, InviteeAttendance.DID_NOT_ATTEND)


def issue_feedback_links(
    *, conference: Conference, acting_user=None, now: datetime | None = None
) -> list[Issued]:
    """One link for each invitation of the held ``conference`` that has none, but adults
    recorded as not there: emailed (queued in the notices outbox, its state shown on the
    conference's feedback page), or waiting for its letter to be printed. Called inside
    ``record_conference_held``'s transaction and by ``iro issue-feedback-links``; a
    conference held more than ``LINK_DAYS`` ago gets none."""
    now = now or timezone.now()
    if not asks_feedback(conference, today=timezone.localdate(now)):
        return []
    issued = []
    # An adult recorded as not there (apologies sent, or did not come) is not asked what
    # they thought of it; attendance not yet recorded asks them. A child is asked either
    # way: most take part without coming (the chair meets them, their views are shared).
    waiting = (
        conference.invitations.filter(feedback_link__isnull=True)
        .exclude(Q(attendance__in=NOT_THERE) & ~Q(role=InviteeRole.CHILD))
        .order_by("pk")
    )
    for invitation in waiting.select_for_update(of=("self",)):
        link = FeedbackLink(
            invitation=invitation,
            conference=conference,
            respondent=RESPONDENT_OF_ROLE.get(invitation.role, Respondent.OTHER),
            language=invitee_language(invitation),
            created_at=now,
            expires_at=now + timedelta(days=LINK_DAYS),
        )
        token = None
        if invitation.email:
            token = new_token()
            link.token_hash = digest("token", token)
        saved_by(link, acting_user).save()
        if token is not None and emailing():
            _send(link, invitation, token, acting_user)
        issued.append(Issued(link=link, token=token))
    if issued:
        log.info("Made %d feedback links for conference %s", len(issued), conference.pk)
    return issued


def _send(link: FeedbackLink, invitation: Invitation, token: str, acting_user) -> None:
    context = {
        "name": invitation.name,
        "url": feedback_url(token),
        "expires_on": timezone.localtime(link.expires_at).date(),
        "council_name": settings.COUNCIL_NAME,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "service_phone": settings.IRO_SERVICE_PHONE,
        "child": link.respondent == Respondent.CHILD,
    }
    with translation.override(link.language):
        subject = translation.gettext("Tell us what you thought of the meeting")
        body = render_to_string("challenge/given/email.txt", context)
    queue_mail(
        kind=MailKind.FEEDBACK,
        to=invitation.email,
        subject=subject,
        body=body,
        link=reverse("conference_feedback", kwargs={"public_id": link.conference.public_id}),
        acting_user=acting_user,
        invitation=invitation,
    )


@transaction.atomic
def letter_code(*, link: FeedbackLink, acting_user, now: datetime | None = None) -> str:
    """A new short code for the letter to someone without email, returned once to be
    printed; its hash replaces the last one (a reprint makes the earlier letter's code
    stop working). The link's 28 days are not extended."""
    conference = link.conference
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    link = (
        FeedbackLink.objects.select_for_update(of=("self",))
        .select_related("invitation")
        .get(pk=link.pk)
    )
    now = now or timezone.now()
    if link.token_hash:
        raise_error(LETTER_HAS_EMAIL)
    if link.used_at is not None or link.expires_at <= now:
        raise_error(LINK_FINISHED)
    code = new_code()
    link.code_hash = digest("code", code)
    link.code_made_at = now
    saved_by(link, acting_user).save(update_fields=["code_hash", "code_made_at"])
    return code


def raise_error(message: str):
    raise ValidationError({"feedback_link": message})


# ------------------------------------------------------------------ using links


def _lookup(*, token: str | None = None, code: str | None = None) -> tuple[str, str] | None:
    """The column and digest to look a secret up by; None for input that cannot be one."""
    if token is not None:
        if not token or len(token) > 64:
            return None
        return "token_hash", digest("token", token)
    code = normalised_code(code or "")
    if len(code) != CODE_LENGTH:
        return None
    return "code_hash", digest("code", code)


def _usable(link: FeedbackLink | None, column: str, hashed: str, now: datetime) -> bool:
    # The row was found by its digest; comparing in constant time as well costs nothing.
    if link is None:
        return False
    stored = getattr(link, column) or ""
    return (
        hmac.compare_digest(stored, hashed)
        and link.used_at is None
        and link.expires_at > now
        and link.conference.status == ConferenceStatus.HELD
        and link.conference.voided_at is None
    )


def usable_link(
    *, token: str | None = None, code: str | None = None, now: datetime | None = None
) -> FeedbackLink | None:
    """The link a secret opens, or None: unknown, altered, used and expired alike."""
    now = now or timezone.now()
    found = _lookup(token=token, code=code)
    column, hashed = found or ("token_hash", digest("token", "-"))
    # The query runs whatever was typed, so a malformed secret takes the time a wrong one does.
    link = FeedbackLink.objects.select_related("conference").filter(**{column: hashed}).first()
    return link if found and _usable(link, column, hashed, now) else None


@transaction.atomic
def give_feedback(
    *,
    token: str | None = None,
    code: str | None = None,
    ratings: dict[str, int | None],
    text: str,
    consent_to_quote: bool,
    now: datetime | None = None,
) -> Feedback | None:
    """Record what the giver sent and close the link, or None if the link does not open
    (used meanwhile, expired, unknown). The row is locked first, so of two answers sent
    at once one is recorded and the other refused. Bad input raises ValidationError."""
    now = now or timezone.now()
    found = _lookup(token=token, code=code)
    if found is None:
        return None
    column, hashed = found
    link = (
        FeedbackLink.objects.select_for_update(of=("self",))
        .select_related("conference")
        .filter(**{column: hashed})
        .first()
    )
    if not _usable(link, column, hashed, now):
        return None
    feedback = write_feedback(
        conference=link.conference,
        respondent=link.respondent,
        text=text,
        received_on=timezone.localdate(now),
        consent_to_quote=consent_to_quote,
        recorded_by=None,
        origin=FeedbackOrigin.LINK,
        ratings=ratings,
    )
    link.used_at = now
    link.feedback = feedback
    link.save(update_fields=["used_at", "feedback"])
    return feedback


# ------------------------------------------------------------------ rate limits


def _key(bucket: str, ip: str | None, now: datetime) -> str:
    window = int(now.timestamp()) // WINDOW_SECONDS
    who = hashlib.sha256((ip or "unknown").encode()).hexdigest()[:32]
    return f"feedback-limit:{bucket}:{who}:{window}"


LIMITS = {"refused": lambda: REFUSALS_PER_WINDOW, "code": lambda: CODES_PER_WINDOW}


def over_limit(ip: str | None, *, now: datetime | None = None) -> bool:
    """Has this address used up a window's refusals or code tries?"""
    now = now or timezone.now()
    return any(
        (cache.get(_key(bucket, ip, now)) or 0) >= limit() for bucket, limit in LIMITS.items()
    )


def count(bucket: str, ip: str | None, *, now: datetime | None = None) -> None:
    """One more refusal (``refused``) or code typed (``code``) for this address."""
    now = now or timezone.now()
    key = _key(bucket, ip, now)
    if not cache.add(key, 1, timeout=WINDOW_SECONDS + 60):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=WINDOW_SECONDS + 60)


# ------------------------------------------------------------------ the staff's view


@dataclass(frozen=True)
class LinkState:
    """A link as the conference's feedback page shows it to staff."""

    link: FeedbackLink
    invitation: Invitation
    words: str
    letter: bool  # a letter can be printed (no email, still open)


def link_states(
    conference: Conference, *, now: datetime | None = None, for_chair: bool = False
) -> list[LinkState]:
    """Each link and where it stands. ``for_chair``: as the conference's chair reads it,
    how each was sent and never whether it was used, so feedback about the chairing is
    not tied to the person who gave it."""
    from iro.notices.mail import state_words

    now = now or timezone.now()
    links = (
        FeedbackLink.objects.filter(conference=conference)
        .select_related("invitation")
        .prefetch_related("invitation__mails")
        .order_by("invitation__pk")
    )
    out = []
    for link in links:
        invitation = link.invitation
        # For the chair, used or expired, each reads as it was sent.
        used = link.used_at is not None and not for_chair
        open_ = for_chair or (link.used_at is None and link.expires_at > now)
        letter = False
        if used:
            words = f"Feedback given {timezone.localtime(link.used_at):%-d %b %Y}"
        elif not open_:
            words = f"Expired {timezone.localtime(link.expires_at):%-d %b %Y}, not used"
        elif link.token_hash:
            mails = [m for m in invitation.mails.all() if m.kind == MailKind.FEEDBACK]
            mail = max(mails, key=lambda m: (m.queued_at, m.pk), default=None)
            words = f"Emailed: {state_words(mail)}" if mail else "Link made, not emailed"
        else:
            letter = True
            words = (
                f"Letter printed {timezone.localtime(link.code_made_at):%-d %b %Y}"
                if link.code_made_at
                else "No email: print the feedback letter and post it"
            )
        out.append(LinkState(link=link, invitation=invitation, words=words, letter=letter))
    return out
