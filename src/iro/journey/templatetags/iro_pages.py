"""Template tags for the shared pages (the sign-in page's demo hint)."""

from __future__ import annotations

from django import template
from django.conf import settings

from iro.people.models import User

register = template.Library()


@register.simple_tag
def demo_logins() -> list[tuple[str, str]]:
    """The demo logins that exist (username, role), only where demo logins are allowed."""
    if not settings.DEMO_LOGINS_ALLOWED:
        return []
    users = User.objects.filter(username__startswith="demo-", is_active=True).order_by("pk")
    return [(u.username, u.get_role_display()) for u in users]


@register.simple_tag
def demo_password() -> str:
    """The one demo password; empty where demo logins are not allowed."""
    return settings.DEMO_PASSWORD if settings.DEMO_LOGINS_ALLOWED else ""


@register.filter
def in_sentence(title: str) -> str:
    """A title inside a sentence: its first letter lower case, the rest as written
    ("Monthly report November 2026" -> "monthly report November 2026")."""
    title = str(title)
    return title[:1].lower() + title[1:]
