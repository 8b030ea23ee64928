"""Free text and people's names as a reader may see them.

For a user whose role sees names these change nothing. For the partnership officer
``screened`` replaces every name recorded around the child, and every word that looks
like a name, with ``[name]`` (``iro.names.screen_for_reader``); the analyst is shown no
free text at all (``iro.access.scope.withholds_free_text``). ``person`` shows a
conference invitee or core group member by their role, never their name, to both.
Names are looked up once per child per request.

    {% screened rv.row.worries rv.row.child as worries %}{{ worries|linebreaksbr }}
    {% person member %}
    {{ invitation.email|wrappable }}

Both tags, and the ``wrappable`` filter, also let a long run of characters without a
space (a pasted link, a key held down) wrap: see ``wrappable``.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from iro.access.known_names import Lookup
from iro.access.scope import FREE_TEXT_WITHHELD, shows_names, withholds_free_text
from iro.journey.selectors import known_names
from iro.names import screen_for_reader, screen_known

register = template.Library()

# A run this long without a space is no word (a pasted link, a key held down).
LONG_RUN = re.compile(r"(\S{31,})")
LONG_RUN_HTML = '<span class="iro-long-run">{}</span>'


@register.filter(is_safe=True)
def wrappable(text) -> SafeString:
    """``text`` escaped, each run of more than 30 characters without a space marked
    ``iro-long-run``, which the stylesheets let break anywhere. CSS alone cannot pick
    these out: a rule letting any word of a table cell break also lets the table squeeze
    the ordinary words of its other columns mid-word."""
    if not text:
        return mark_safe("")
    parts = LONG_RUN.split(str(text))
    return mark_safe(
        "".join(
            LONG_RUN_HTML.format(conditional_escape(part)) if n % 2 else conditional_escape(part)
            for n, part in enumerate(parts)
        )
    )


@register.filter(is_safe=True)
def sentence(text) -> str:
    """``text`` ending a sentence: a full stop added unless it already ends with one (or
    with ``!`` or ``?``), so a reason typed with its own stop is not shown with two."""
    stripped = str(text or "").rstrip()  # (safe stays safe: Django marks the result so)
    return stripped if not stripped or stripped[-1] in ".!?" else stripped + "."


def _reader(context):
    request = context.get("request")
    return getattr(request, "user", None), request


@register.simple_tag(takes_context=True)
def screened(context, text, child, known_only=False, organisation="") -> str:
    """``child``: whose recorded names are taken out (None: the text is withheld from a
    reader who sees no names). ``known_only``: only the names recorded as a family's (the
    child's own and any other) are taken out, for text
    that names other agencies' staff on purpose (a challenge's professional and the
    manager it went to: the partnership works with them). ``organisation``: an agency's
    name the reader is shown anyway (a challenge's), kept where the text writes it whole."""
    user, request = _reader(context)
    if not text or (user is not None and shows_names(user)):
        return wrappable(text)
    if user is None or withholds_free_text(user) or child is None:
        return FREE_TEXT_WITHHELD  # with no child, the names to take out are not known
    cache = request.__dict__.setdefault("_iro_known_names", {}) if request else {}
    if child.pk not in cache:
        cache[child.pk] = known_names(child)
    # Names recorded elsewhere (another family's), each word asked once a request.
    elsewhere = (
        request.__dict__.setdefault("_iro_names_elsewhere", Lookup()) if request else Lookup()
    )
    if known_only:
        # Staff of other agencies are named on purpose; a family's name typed here (this
        # child's or another's) is still taken out.
        return wrappable(screen_known(text, cache[child.pk], elsewhere(text)))
    return wrappable(
        screen_for_reader(text, cache[child.pk], elsewhere(text), organisations=[organisation])
    )


@register.inclusion_tag("journey/_free_text_withheld.html", takes_context=True)
def free_text_notice(context) -> dict:
    """Says once, at the top of a page, why its free text reads ``[free text not shown]``
    (for the readers ``withholds_free_text`` names; nothing for the others)."""
    user, _ = _reader(context)
    return {"withheld": user is not None and withholds_free_text(user)}


@register.simple_tag(takes_context=True)
def person(context, member) -> str:
    """An invitee or core group member: their name, or their role for readers who see none."""
    user, _ = _reader(context)
    if user is not None and shows_names(user):
        return wrappable(member.name)
    return member.get_role_display()
