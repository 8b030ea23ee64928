"""Free text and people's names as a reader may see them.

For a user whose role sees names these change nothing. For the others (the analyst,
the partnership officer) ``screened`` replaces every name recorded around the child
with ``[name]`` (``iro.names``) and ``person`` shows a conference invitee or core group
member by their role, never their name. Names are looked up once per child per request.

    {% screened rv.row.worries rv.row.child as worries %}{{ worries|linebreaksbr }}
    {% person member %}
"""

from __future__ import annotations

from django import template

from iro.access.scope import shows_names
from iro.journey.selectors import known_names
from iro.names import screen

register = template.Library()


def _reader(context):
    request = context.get("request")
    return getattr(request, "user", None), request


@register.simple_tag(takes_context=True)
def screened(context, text, child) -> str:
    user, request = _reader(context)
    if not text or (user is not None and shows_names(user)):
        return text or ""
    cache = request.__dict__.setdefault("_iro_known_names", {}) if request else {}
    if child.pk not in cache:
        cache[child.pk] = known_names(child)
    return screen(text, cache[child.pk])


@register.simple_tag(takes_context=True)
def person(context, member) -> str:
    """An invitee or core group member: their name, or their role for readers who see none."""
    user, _ = _reader(context)
    if user is not None and shows_names(user):
        return member.name
    return member.get_role_display()
