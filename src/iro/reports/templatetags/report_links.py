"""Links from a figure to the children behind it (only for users who may see children)."""

from __future__ import annotations

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def children_url(context, key: str, item: str = "") -> str:
    """The URL of the children behind figure ``key`` (and breakdown ``item``), or ""."""
    base = context.get("children_base")
    if not base or not key:
        return ""
    params = {}
    if context.get("team"):
        params["team"] = context["team"].pk
    if context.get("chair"):
        params["chair"] = context["chair"].username
    if item:
        params["item"] = item
    return f"{base}{key}/" + (f"?{urlencode(params)}" if params else "")
