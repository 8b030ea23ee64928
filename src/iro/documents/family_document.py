"""A family document in the family's language and then in English, as one page or PDF.

Each language's part is rendered with that language active (translation.override), so
its fixed wording comes from the catalogues in iro/locale while the words staff typed
stay as typed. The shell (documents/family_document.html) sets lang and dir on the page
and on each part, so Arabic and Urdu read right to left. Staff pages never switch
language: only these documents do.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from iro.journey.models import ActionStatus, InviteeRole
from iro.languages import BY_CODE, ENGLISH, Choice, choose, code_for

PDF_VARIANT = "pdf/ua-1"

# The labels a family document shows for the plan's fixed choices, translated; the
# staff pages keep the models' own English labels.
STATUS_WORDS = {
    ActionStatus.NOT_STARTED: gettext_lazy("Not started"),
    ActionStatus.IN_PROGRESS: gettext_lazy("In progress"),
    ActionStatus.DONE: gettext_lazy("Done"),
    ActionStatus.NOT_DONE: gettext_lazy("Not done"),
    ActionStatus.NO_LONGER_NEEDED: gettext_lazy("No longer needed"),
}
ROLE_WORDS = {
    InviteeRole.PARENT: gettext_lazy("parent or carer"),
    InviteeRole.RELATIVE: gettext_lazy("relative or family friend"),
    InviteeRole.CHILD: gettext_lazy("child or young person"),
    InviteeRole.SOCIAL_WORKER: gettext_lazy("social worker"),
    InviteeRole.TEAM_MANAGER: gettext_lazy("team manager"),
    InviteeRole.POLICE: gettext_lazy("police"),
    InviteeRole.HEALTH: gettext_lazy("health"),
    InviteeRole.SCHOOL: gettext_lazy("school or education"),
    InviteeRole.ADVOCATE: gettext_lazy("advocate"),
    InviteeRole.INTERPRETER: gettext_lazy("interpreter"),
    InviteeRole.OTHER: gettext_lazy("other professional"),
}


def parts(
    template: str,
    context: dict | Callable[[], dict],
    *,
    part: Callable[[bool, bool], dict],
    choice: Choice | None = None,
) -> list[dict]:
    """``template`` once per language of ``choice`` (English alone by default): each
    part's language, its HTML, and what ``part`` gives (title, description, note).

    ``context`` is a dict, or a callable called with each language active (for words
    built in Python); ``part(first, bilingual)`` is called with its language active."""
    choice = choice or choose(ENGLISH)
    languages = choice.languages
    bilingual = len(languages) > 1
    rendered = []
    for index, language in enumerate(languages):
        with translation.override(language.code):
            values = context() if callable(context) else dict(context)
            values["has_written"] = values.get("has_written", False) and (language.code != ENGLISH)
            details = part(index == 0, bilingual)
            # One h1 on a page: a second part's title is an h2 that looks the same.
            values["title_tag"] = "h1" if index == 0 else "h2"
            html = render_to_string(template, values | details | {"language": language})
        # Rendered by the template engine, which escaped what it was given.
        rendered.append({"language": language, "html": mark_safe(html), **details})
    return rendered


def render(
    template: str,
    context: dict | Callable[[], dict],
    *,
    part: Callable[[bool, bool], dict],
    choice: Choice | None = None,
    request: HttpRequest | None = None,
    caption: bool = True,
) -> str:
    """The whole family document: its parts inside documents/family_document.html."""
    rendered = parts(template, context, part=part, choice=choice)
    return render_to_string(
        "documents/family_document.html",
        {
            "parts": rendered,
            "first": rendered[0],
            "council_name": settings.COUNCIL_NAME,
            "caption": caption,
        },
        request=request,
    )


def pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading it costs a second at start-up

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def recorded_language(child) -> str:
    """The family's recorded preferred language: the first adult of the child's family
    with one other than English (translated or not), else the child's own."""
    if child.family_id is not None:
        for adult in child.family.adults.all():
            if code_for(adult.preferred_language) != ENGLISH:
                return adult.preferred_language
    return child.preferred_language


def family_choice(child, asked: str | None = None) -> Choice:
    """The family's language by default, another when the chooser asks for it."""
    return choose(recorded_language(child), asked)


def invitation_choice(invitation, asked: str | None = None) -> Choice:
    """The language of an invitation letter: a parent's or child's own recorded
    language when the invitee is found by name in the children's families, else the
    family's; English for professionals unless the chooser asks for another."""
    from iro.children.models import FamilyMember
    from iro.journey.invitations import invited_child, name_key
    from iro.journey.models import InviteeRole

    if invitation.role not in (InviteeRole.PARENT, InviteeRole.RELATIVE, InviteeRole.CHILD):
        return choose(BY_CODE[ENGLISH].name, asked)  # "English", as a language is recorded
    children = _children_of(invitation.conference)
    name = name_key(invitation.name)
    if invitation.role in (InviteeRole.PARENT, InviteeRole.RELATIVE):
        families = [c.family_id for c in children if c.family_id is not None]
        for adult in FamilyMember.objects.filter(family__in=families).order_by("pk"):
            if name_key(adult.name) == name:
                return choose(adult.preferred_language, asked)
    else:
        child = invited_child(invitation)
        if child is not None:
            return choose(child.preferred_language, asked)
    if not children:
        return choose(ENGLISH, asked)
    return family_choice(children[0], asked)


def conference_choice(conference, asked: str | None = None) -> Choice:
    """The language of a document for everyone invited to ``conference`` (its minutes):
    the family's, as its eldest child's family records it, another when the chooser asks
    for it."""
    children = _children_of(conference)
    return family_choice(children[0], asked) if children else choose(ENGLISH, asked)


def _children_of(conference) -> list:
    from django.db.models import F

    from iro.children.models import Child

    return list(
        # A join does not go through the default manager: a child voided off the
        # conference's record is not in its documents.
        Child.objects.filter(
            conference_rows__conference=conference, conference_rows__voided_at__isnull=True
        )
        .select_related("family")
        .order_by(F("date_of_birth").asc(nulls_last=True), "pk")  # an unborn baby last
    )
